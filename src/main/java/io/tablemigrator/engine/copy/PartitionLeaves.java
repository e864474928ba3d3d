package io.tablemigrator.engine.copy;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.schema.Partition;
import io.tablemigrator.engine.schema.PartitionReader;
import io.tablemigrator.engine.schema.PartitionSync;
import io.tablemigrator.engine.schema.PartitionTree;
import io.tablemigrator.engine.schema.TablePlan;

/**
 * What the copy of a listed table reads and writes: the table itself, or for a partitioned table each of its leaf
 * partitions, each its own copy (in parallel with the others, split into block ranges when large, like any table).
 * Each goes straight into the target partition with the same bounds, so the target does not route rows one by one.
 * <p>
 * The source's partitions are read as they are when the copy starts, after its snapshot was taken: a partition
 * created since the tables were planned is created on the target first (one created after the snapshot is copied
 * empty, its rows come by replay). A target table that existed before the migration is left as it is: the rows
 * of every partition go into it and the target routes them.
 */
public final class PartitionLeaves {
    private PartitionLeaves() {
    }

    /** The (source, target) pairs to copy for one listed table. */
    public static List<TableMapping> copyUnits(Connection source, Connection target, TablePlan table) {
        TableMapping mapping = table.mapping();
        if (table.definition().partitioning() == null) {
            return List.of(mapping);
        }
        if (!table.preExisting()) {
            PartitionSync.createMissing(source, target, mapping);
        }
        Optional<PartitionTree> sourceTree = PartitionReader.read(source, mapping.source());
        if (sourceTree.isEmpty()) {
            return List.of(mapping); // no longer partitioned: the copy of the table itself fails with a clear error
        }
        Map<List<String>, Partition> onTarget = table.preExisting() ? Map.of()
                : PartitionReader.read(target, mapping.target()).map(PartitionTree::byBoundPath).orElse(Map.of());
        List<TableMapping> units = new ArrayList<>();
        for (Partition leaf : sourceTree.get().leaves()) {
            Partition same = onTarget.get(sourceTree.get().boundPath(leaf));
            units.add(new TableMapping(leaf.name(), same == null ? mapping.target() : same.name()));
        }
        return units;
    }
}
