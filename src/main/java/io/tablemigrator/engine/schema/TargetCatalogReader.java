package io.tablemigrator.engine.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.PgErrors;
import io.tablemigrator.engine.db.QualifiedName;

/** Reads the {@link TargetCatalog} for a set of source definitions and their mapping, in one snapshot. */
public final class TargetCatalogReader {
    private TargetCatalogReader() {
    }

    public static TargetCatalog read(Connection target, List<TableDefinition> definitions, List<TableMapping> mappings,
                                     Collection<QualifiedName> createdByMigration) {
        try {
            return CatalogTransaction.run(target, () -> read(target, definitions, mappings, Set.copyOf(createdByMigration)));
        } catch (SQLException e) {
            throw new MigrationError("TargetSchemaUnreadable", "Cannot read the target catalogs: "
                    + PgErrors.firstLine(e) + ".", e);
        }
    }

    private static TargetCatalog read(Connection c, List<TableDefinition> definitions, List<TableMapping> mappings,
                                      Set<QualifiedName> createdByMigration) throws SQLException {
        Set<String> schemas = new LinkedHashSet<>();
        Set<QualifiedName> tables = new LinkedHashSet<>();
        for (TableMapping m : mappings) {
            schemas.add(m.target().schema());
            tables.add(m.target());
        }
        schemas.addAll(partitionSchemas(definitions, mappings));
        Set<QualifiedName> typeNames = new LinkedHashSet<>();
        for (TableDefinition def : definitions) {
            def.foreignKeys().forEach(fk -> tables.add(fk.referencedTable()));
            def.userTypes().forEach(t -> typeNames.add(t.name()));
        }
        typeNames.forEach(t -> schemas.add(t.schema()));

        Set<String> existingSchemas = new HashSet<>(Jdbc.list(c,
                "SELECT nspname::text FROM pg_catalog.pg_namespace WHERE nspname = ANY (?::text[])",
                rs -> rs.getString(1), (Object) c.createArrayOf("text", schemas.toArray())));
        Map<QualifiedName, Long> tableOids = new HashMap<>();
        for (QualifiedName table : tables) {
            tableOid(c, table).ifPresent(oid -> tableOids.put(table, oid));
        }
        List<Long> own = new ArrayList<>();
        for (QualifiedName table : createdByMigration) {
            Long oid = tableOids.get(table);
            if (oid != null) {
                // a partitioned table's partitions, and theirs, are the migration's own work too
                own.add(oid);
                own.addAll(Jdbc.list(c, "SELECT relid::oid::int8 FROM pg_catalog.pg_partition_tree(?::oid::regclass)"
                        + " WHERE level > 0", rs -> rs.getLong(1), oid));
            }
        }
        Map<String, Set<String>> taken = new HashMap<>();
        Set<String> targetSchemas = new LinkedHashSet<>();
        mappings.forEach(m -> targetSchemas.add(m.target().schema()));
        targetSchemas.addAll(partitionSchemas(definitions, mappings));
        for (String schema : targetSchemas) {
            taken.put(schema, takenNames(c, schema, own));
        }
        Map<QualifiedName, TargetCatalog.ExistingType> types = new HashMap<>();
        for (QualifiedName type : typeNames) {
            existingType(c, type).ifPresent(t -> types.put(type, t));
        }
        return new TargetCatalog(Jdbc.serverVersion(c), existingSchemas, Set.copyOf(tableOids.keySet()),
                createdByMigration, taken, types);
    }

    /** The target schemas of partitions kept in another schema than their table's (see {@link PartitionNames}). */
    static Set<String> partitionSchemas(List<TableDefinition> definitions, List<TableMapping> mappings) {
        Set<String> schemas = new LinkedHashSet<>();
        for (TableMapping m : mappings) {
            definitions.stream().filter(d -> d.name().equals(m.source()) && d.partitioning() != null)
                    .flatMap(d -> d.partitioning().partitions().stream())
                    .forEach(p -> schemas.add(PartitionNames.desired(p.name(), m).schema()));
        }
        return schemas;
    }

    private static Optional<Long> tableOid(Connection c, QualifiedName table) throws SQLException {
        return Jdbc.one(c, """
                SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')""",
                rs -> rs.getLong(1), table.schema(), table.name());
    }

    /**
     * Relations, constraints and standalone types of a schema, less the objects of the migration's own tables.
     * Array types are left out: PostgreSQL renames an automatic array type that is in the way.
     */
    private static Set<String> takenNames(Connection c, String schema, List<Long> ownTables) throws SQLException {
        Object own = c.createArrayOf("int8", ownTables.toArray());
        return new HashSet<>(Jdbc.list(c, """
                WITH p AS (SELECT ?::text AS schema, ?::int8[]::oid[] AS own)
                SELECT c.relname::text
                FROM p, pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = p.schema
                  AND NOT c.oid = ANY (p.own)
                  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indexrelid = c.oid AND i.indrelid = ANY (p.own))
                  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                                  WHERE c.relkind = 'S' AND d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                                    AND d.refclassid = 'pg_catalog.pg_class'::regclass
                                    AND d.refobjid = ANY (p.own) AND d.deptype IN ('a', 'i'))
                UNION
                SELECT k.conname::text
                FROM p, pg_catalog.pg_constraint k JOIN pg_catalog.pg_namespace n ON n.oid = k.connamespace
                WHERE n.nspname = p.schema AND NOT k.conrelid = ANY (p.own)
                UNION
                SELECT t.typname::text
                FROM p, pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname = p.schema AND t.typrelid = 0 AND t.typcategory <> 'A'
                """, rs -> rs.getString(1), schema, own));
    }

    private static Optional<TargetCatalog.ExistingType> existingType(Connection c, QualifiedName type) throws SQLException {
        return Jdbc.one(c, """
                SELECT t.typtype,
                       ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)
                FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname = ? AND t.typname = ?""",
                rs -> new TargetCatalog.ExistingType(Jdbc.letter(rs, 1), Jdbc.strings(rs, 2)), type.schema(), type.name());
    }
}
