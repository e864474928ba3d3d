package io.tablemigrator.engine.replication;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.schema.PartitionReader;
import io.tablemigrator.engine.schema.PartitionSync;
import io.tablemigrator.engine.schema.PartitionTree;

/**
 * Keeps the target's partitions up with the source's while replay runs, so that no row is applied before its
 * partition exists (with a default partition, it would land there; without, it would fail).
 * <p>
 * pgoutput describes the partitioned table (a Relation message) before the first change of each of its partitions
 * in a session, a new partition included: so whenever the partitioned table is described, the source's partitions
 * are compared with those last seen, and those the target lacks are created, on the apply connection, before the
 * change that follows. As a second line, an apply error "no partition of relation found for row" (SQLSTATE 23514)
 * creates the missing partitions and the batch is applied again.
 */
final class PartitionFollower implements AutoCloseable {
    private static final String CHECK_VIOLATION = "23514";

    private final Database source;
    private final ChangeApplier applier;
    private final Map<QualifiedName, TableMapping> byTarget = new HashMap<>();
    /** Per target table, the source partitions (bound paths) it is known to have. */
    private final Map<QualifiedName, Set<List<String>>> followed = new HashMap<>();
    private Connection sourceConnection;

    PartitionFollower(Database source, ChangeApplier applier, List<TableMapping> mappings) {
        this.source = source;
        this.applier = applier;
        mappings.forEach(m -> byTarget.put(m.target(), m));
    }

    /** A partitioned table was described: its partitions are created on the target if the source has new ones. */
    void described(TargetTable table) {
        if (!table.partitioned()) {
            return;
        }
        TableMapping mapping = byTarget.get(table.target());
        Optional<PartitionTree> tree = read(mapping);
        if (tree.isEmpty()) {
            return;
        }
        Set<List<String>> paths = tree.get().byBoundPath().keySet();
        if (paths.equals(followed.get(table.target()))) {
            return;
        }
        PartitionSync.Created result = applier.ddl(c -> PartitionSync.createMissing(tree.get(), c, mapping));
        if (result.notYet().isEmpty()) {
            followed.put(table.target(), Set.copyOf(paths));
        }
    }

    /**
     * After an apply error: when it says a row found no partition, creates what the source has and the target
     * lacks in the given tables (the apply transaction must have been rolled back) and says whether it did.
     */
    boolean createdFor(MigrationError error, List<TargetTable> partitionedTables) {
        if (!(error.getCause() instanceof SQLException cause) || !CHECK_VIOLATION.equals(cause.getSQLState())) {
            return false;
        }
        boolean created = false;
        for (TargetTable table : partitionedTables) {
            TableMapping mapping = byTarget.get(table.target());
            followed.remove(table.target());
            Optional<PartitionTree> tree = read(mapping);
            if (tree.isPresent()) {
                created |= !applier.ddl(c -> PartitionSync.createMissing(tree.get(), c, mapping)).created().isEmpty();
            }
        }
        return created;
    }

    private Optional<PartitionTree> read(TableMapping mapping) {
        try {
            return PartitionReader.read(sourceConnection(), mapping.source());
        } catch (MigrationError e) {
            close(); // the next read connects again
            throw e;
        }
    }

    private Connection sourceConnection() {
        if (sourceConnection == null) {
            sourceConnection = source.connect();
        }
        return sourceConnection;
    }

    @Override
    public void close() {
        Database.closeQuietly(sourceConnection);
        sourceConnection = null;
    }
}
