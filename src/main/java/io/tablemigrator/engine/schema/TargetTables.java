package io.tablemigrator.engine.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.db.PgErrors;
import io.tablemigrator.engine.db.QualifiedName;

/**
 * Looks at a target table before the migration touches it. The preflight rule: a missing table is created; an
 * existing empty one is used as it is, with no DDL; an existing one with rows is refused.
 */
public final class TargetTables {
    private TargetTables() {
    }

    public static TargetTableState inspect(Connection target, QualifiedName table) {
        try {
            return CatalogTransaction.run(target, () -> {
                Long oid = Jdbc.one(target, """
                        SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')""",
                        rs -> rs.getLong(1), table.schema(), table.name()).orElse(null);
                if (oid == null) {
                    return new TargetTableState(table, false, true, List.of());
                }
                String generated = Jdbc.serverVersion(target) >= 120000 ? "a.attgenerated <> ''" : "false";
                List<TargetTableState.TargetColumn> columns = Jdbc.list(target, """
                        SELECT a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
                               a.atthasdef OR a.attidentity <> '', %s
                        FROM pg_catalog.pg_attribute a
                        WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped
                        ORDER BY a.attnum""".formatted(generated),
                        rs -> new TargetTableState.TargetColumn(rs.getString(1), rs.getString(2), rs.getBoolean(3),
                                rs.getBoolean(4), rs.getBoolean(5)), oid);
                boolean empty = Jdbc.one(target, "SELECT NOT EXISTS (SELECT 1 FROM " + table.quoted() + ")",
                        rs -> rs.getBoolean(1)).orElseThrow();
                return new TargetTableState(table, true, empty, columns);
            });
        } catch (SQLException e) {
            throw new MigrationError("TargetSchemaUnreadable", "Cannot inspect target table " + table.display() + ": "
                    + PgErrors.firstLine(e) + ". The target user needs SELECT on it.", e);
        }
    }

    /** The preflight refusal for a pre-created target table that already holds rows. */
    public static MigrationError notEmpty(QualifiedName table) {
        return new MigrationError("TargetTableNotEmpty", "Target table " + table.display() + " already exists and"
                + " holds rows; empty it (TRUNCATE) or drop it, or migrate to another target name.");
    }
}
