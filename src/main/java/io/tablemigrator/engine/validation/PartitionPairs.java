package io.tablemigrator.engine.validation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.schema.Partition;
import io.tablemigrator.engine.schema.PartitionTree;

/**
 * Pairs the leaf partitions of a source table with the target's by bound path, so that validation compares each
 * partition with the one holding the same range of rows on the other side, whatever their names: a row in another
 * partition than on the source, or a partition that only one side has, shows by name. When only one side is
 * partitioned (a target table made by hand), the tables are compared whole.
 */
final class PartitionPairs {
    private PartitionPairs() {
    }

    static List<Comparison> of(TableMapping table, Optional<PartitionTree> source, Optional<PartitionTree> target) {
        if (source.isEmpty() || target.isEmpty()) {
            return List.of(new Comparison(table.source(), table.target(), null));
        }
        Map<List<String>, Partition> targetLeaves = leavesByPath(target.get());
        List<Comparison> pairs = new ArrayList<>();
        for (var entry : leavesByPath(source.get()).entrySet()) {
            Partition other = targetLeaves.remove(entry.getKey());
            pairs.add(new Comparison(entry.getValue().name(), other == null ? null : other.name(),
                    String.join(" / ", entry.getKey())));
        }
        targetLeaves.forEach((path, leaf) -> pairs.add(new Comparison(null, leaf.name(), String.join(" / ", path))));
        return pairs;
    }

    private static Map<List<String>, Partition> leavesByPath(PartitionTree tree) {
        Map<List<String>, Partition> leaves = new LinkedHashMap<>();
        tree.byBoundPath().forEach((path, partition) -> {
            if (partition.isLeaf()) {
                leaves.put(path, partition);
            }
        });
        return leaves;
    }
}
