package io.tablemigrator.engine.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.db.PgErrors;
import io.tablemigrator.engine.db.QualifiedName;

/**
 * Reads the {@link PartitionTree} of a partitioned table from the catalogs of either side, with
 * pg_partition_tree (PostgreSQL 12). Within a snapshot when the caller's transaction has one, else in a
 * snapshot of its own; always with an empty search_path, so that bounds and keys print the same on both sides.
 */
public final class PartitionReader {
    private PartitionReader() {
    }

    /** The tree of a table as it is now (or in the caller's snapshot); empty when it is not partitioned. */
    public static Optional<PartitionTree> read(Connection c, QualifiedName table) {
        try {
            return CatalogTransaction.run(c, () -> {
                Optional<Long> oid = Jdbc.one(c, """
                        SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = ? AND c.relname = ? AND c.relkind = 'p'""",
                        rs -> rs.getLong(1), table.schema(), table.name());
                return oid.isEmpty() ? Optional.<PartitionTree>empty()
                        : Optional.of(read(c, oid.get(), table, false));
            });
        } catch (SQLException e) {
            throw new MigrationError("PartitionsUnreadable", "Cannot read the partitions of " + table.display() + ": "
                    + PgErrors.firstLine(e) + ".", e);
        }
    }

    /**
     * Inside a {@link CatalogTransaction}: the tree of the partitioned table {@code oid}.
     *
     * @param withLocalObjects also read each partition's own indexes and check constraints (what the source has
     *                         and the target must get); not needed to compare trees
     */
    static PartitionTree read(Connection c, long oid, QualifiedName root, boolean withLocalObjects) throws SQLException {
        String key = Jdbc.one(c, "SELECT pg_catalog.pg_get_partkeydef(?::oid)", rs -> rs.getString(1), oid).orElseThrow();
        record Row(long oid, Partition partition) {
        }
        List<Row> rows = Jdbc.list(c, """
                SELECT c.oid, n.nspname::text, c.relname::text,
                       pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname),
                       pn.nspname::text, p.relname::text, t.level,
                       pg_catalog.pg_get_expr(c.relpartbound, c.oid),
                       CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END,
                       c.relkind = 'f', c.relpersistence = 'u', c.reloptions::text[], c.relreplident,
                       (SELECT ic.relname::text FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
                        WHERE i.indrelid = c.oid AND i.indisreplident),
                       EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
                FROM pg_catalog.pg_partition_tree(?::oid::regclass) t
                JOIN pg_catalog.pg_class c ON c.oid = t.relid
                JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_catalog.pg_class p ON p.oid = t.parentrelid
                JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
                WHERE t.level > 0
                ORDER BY t.level, n.nspname, c.relname""",
                rs -> new Row(rs.getLong(1), new Partition(new QualifiedName(rs.getString(2), rs.getString(3)),
                        rs.getString(4), new QualifiedName(rs.getString(5), rs.getString(6)), rs.getInt(7),
                        rs.getString(8), rs.getString(9), rs.getBoolean(10), rs.getBoolean(11), Jdbc.strings(rs, 12),
                        new ReplicaIdentity(ReplicaIdentity.fromCatalog(Jdbc.letter(rs, 13)), rs.getString(14),
                                rs.getBoolean(15)), List.of(), List.of())),
                oid);
        if (!withLocalObjects) {
            return new PartitionTree(root, key, rows.stream().map(Row::partition).toList());
        }
        Map<Long, List<SourceIndex>> indexes = localIndexes(c, oid);
        Map<Long, List<TableConstraint>> checks = localChecks(c, oid);
        List<Partition> partitions = new ArrayList<>();
        for (Row row : rows) {
            Partition p = row.partition();
            partitions.add(new Partition(p.name(), p.printedName(), p.parent(), p.level(), p.bound(),
                    p.subPartitionKey(), p.foreign(), p.unlogged(), p.storageOptions(), p.replicaIdentity(),
                    indexes.getOrDefault(row.oid(), List.of()), checks.getOrDefault(row.oid(), List.of())));
        }
        return new PartitionTree(root, key, List.copyOf(partitions));
    }

    /** Valid indexes no parent index owns and no constraint stands on. */
    private static Map<Long, List<SourceIndex>> localIndexes(Connection c, long root) throws SQLException {
        record Row(long table, SourceIndex index) {
        }
        Map<Long, List<SourceIndex>> byTable = new HashMap<>();
        for (Row row : Jdbc.list(c, """
                SELECT i.indrelid, ic.relname::text, pg_catalog.quote_ident(ic.relname),
                       pg_catalog.pg_get_indexdef(i.indexrelid), i.indisunique, i.indisvalid
                FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
                WHERE i.indrelid IN (SELECT relid FROM pg_catalog.pg_partition_tree(?::oid::regclass) WHERE level > 0)
                  AND i.indisvalid
                  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits h WHERE h.inhrelid = i.indexrelid)
                  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid
                                  AND k.conrelid = i.indrelid)
                ORDER BY ic.relname""",
                rs -> new Row(rs.getLong(1), new SourceIndex(rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getBoolean(5), rs.getBoolean(6))), root)) {
            byTable.computeIfAbsent(row.table(), t -> new ArrayList<>()).add(row.index());
        }
        return byTable;
    }

    /** Check constraints a partition has of its own (none of its parents has them). */
    private static Map<Long, List<TableConstraint>> localChecks(Connection c, long root) throws SQLException {
        record Row(long table, TableConstraint check) {
        }
        Map<Long, List<TableConstraint>> byTable = new HashMap<>();
        for (Row row : Jdbc.list(c, """
                SELECT k.conrelid, k.conname::text, pg_catalog.pg_get_constraintdef(k.oid), k.convalidated
                FROM pg_catalog.pg_constraint k
                WHERE k.conrelid IN (SELECT relid FROM pg_catalog.pg_partition_tree(?::oid::regclass) WHERE level > 0)
                  AND k.contype = 'c' AND k.coninhcount = 0
                ORDER BY k.conname""",
                rs -> {
                    String definition = rs.getString(3);
                    boolean validated = rs.getBoolean(4);
                    if (!validated && definition.endsWith(" NOT VALID")) {
                        definition = definition.substring(0, definition.length() - " NOT VALID".length());
                    }
                    return new Row(rs.getLong(1), new TableConstraint(rs.getString(2), TableConstraint.Kind.CHECK,
                            definition, null, false, false, validated));
                }, root)) {
            byTable.computeIfAbsent(row.table(), t -> new ArrayList<>()).add(row.check());
        }
        return byTable;
    }
}
