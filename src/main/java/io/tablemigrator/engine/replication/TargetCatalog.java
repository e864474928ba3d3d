package io.tablemigrator.engine.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.PgErrors;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.replication.PgOutputMessage.Relation;

/**
 * Resolves the source relations pgoutput announces to their target tables, reading the target's catalogs once per
 * new relation shape. Column names are the same on both sides (the schema step creates them so).
 */
final class TargetCatalog {
    /**
     * Whether a type (after its domain) has a default btree or hash operator class, directly, through a binary
     * coercion (varchar to text), or through the polymorphic classes for enums, ranges and arrays (then the element
     * must have one too): the same test PostgreSQL's type cache uses to find a type's equality operator.
     */
    private static final String HAS_EQUALITY = """
            EXISTS (SELECT 1 FROM pg_opclass oc JOIN pg_am am ON am.oid = oc.opcmethod
                    WHERE am.amname IN ('btree', 'hash') AND oc.opcdefault
                      AND (oc.opcintype = %1$s.oid
                           OR EXISTS (SELECT 1 FROM pg_cast c WHERE c.castsource = %1$s.oid
                                      AND c.casttarget = oc.opcintype AND c.castmethod = 'b')
                           OR (oc.opcintype = 'anyenum'::regtype AND %1$s.typtype = 'e')
                           OR (oc.opcintype = 'anyrange'::regtype AND %1$s.typtype = 'r')
                           OR (oc.opcintype = 'record'::regtype AND %1$s.typtype = 'c')
                           OR (oc.opcintype = 'anyarray'::regtype AND %1$s.typelem <> 0 AND %1$s.typlen = -1)))""";

    private static final String COLUMNS_SQL = """
            SELECT a.attname, format_type(a.atttypid, NULL),
                   %s AND (b.typelem = 0 OR b.typlen <> -1 OR %s) AS has_equality
            FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid
            JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
            LEFT JOIN pg_type e ON e.oid = b.typelem
            WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
            """.formatted(HAS_EQUALITY.formatted("b"), HAS_EQUALITY.formatted("e"));

    private final Connection connection;
    private final Map<QualifiedName, QualifiedName> targetOf = new HashMap<>();

    TargetCatalog(Connection connection, List<TableMapping> mappings) {
        this.connection = connection;
        mappings.forEach(m -> targetOf.put(m.source(), m.target()));
    }

    /**
     * The target table of a source relation, or null for a relation this migration does not move. Such a relation
     * is announced without changes of its own when a partition's change is published as its partitioned table's:
     * PostgreSQL 13 to 15 describe the partition too. Changes of it are refused ({@link #notMoved}).
     */
    TargetTable resolve(Relation relation) {
        QualifiedName source = new QualifiedName(relation.schema(), relation.name());
        QualifiedName target = targetOf.get(source);
        if (target == null) {
            return null;
        }
        Map<String, Boolean> hasEquality = new HashMap<>();
        Map<String, String> typeOf = new HashMap<>();
        boolean partitioned;
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT relkind = 'p' FROM pg_class WHERE oid = ?::regclass")) {
            ps.setString(1, target.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                partitioned = rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw missingOrFailed(source, target, e);
        }
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS_SQL)) {
            ps.setString(1, target.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    typeOf.put(rs.getString(1), rs.getString(2));
                    hasEquality.put(rs.getString(1), rs.getBoolean(3));
                }
            }
        } catch (SQLException e) {
            throw missingOrFailed(source, target, e);
        }
        int n = relation.columns().size();
        List<String> names = new ArrayList<>(n);
        boolean[] key = new boolean[n];
        boolean[] asText = new boolean[n];
        List<String> types = new ArrayList<>(n);
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PgOutputMessage.Column column = relation.columns().get(i);
            names.add(column.name());
            key[i] = column.key();
            types.add(typeOf.get(column.name()));
            Boolean equality = hasEquality.get(column.name());
            if (equality == null) {
                missing.add(column.name());
            } else {
                asText[i] = !equality;
            }
        }
        if (!missing.isEmpty()) {
            throw new MigrationError("TargetColumnMissing", "The target table " + target.display() + " lacks "
                    + (missing.size() == 1 ? "column " : "columns ") + String.join(", ", missing) + " that "
                    + source.display() + " has on the source (added there after the migration started?). Add "
                    + (missing.size() == 1 ? "it" : "them") + " to the target table with the same type, then run"
                    + " again.");
        }
        return new TargetTable(relation.oid(), source, target, names, key, asText, types, relation.identityFull(),
                partitioned);
    }

    private static MigrationError missingOrFailed(QualifiedName source, QualifiedName target, SQLException e) {
        if ("42P01".equals(e.getSQLState())) {
            return new MigrationError("TargetTableMissing", "The target table " + target.display() + " (for "
                    + source.display() + ") does not exist. It was dropped or renamed on the target; restore it"
                    + " or cancel and restart the migration.", e);
        }
        return ReplicationErrors.targetApply(target.display(), e);
    }

    /** A change of a relation {@link #resolve} did not map: the publication publishes more than the migration moves. */
    static MigrationError notMoved(Relation relation) {
        return new MigrationError("PublicationMismatch", "The source sent changes of table "
                + new QualifiedName(relation.schema(), relation.name()).display() + ", which this migration does not"
                + " move: the publication publishes more than the migrated tables. Remove that table from the"
                + " publication (it is fixed when the migration starts again).");
    }

    static String firstLine(SQLException e) {
        return PgErrors.firstLine(e);
    }
}
