package io.tablemigrator.engine.schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tablemigrator.engine.db.QualifiedName;

/**
 * The partitions of a partitioned table, every level of them, parents before their partitions.
 * <p>
 * A partition is known on the other side by its <em>bound path</em>: its bound and those of the partitions above
 * it, from the root down. Names can differ between source and target (a renamed parent gives its partitions derived
 * names, a partition created by hand may be called anything), bounds cannot: two trees hold the same rows in the
 * same places exactly when the same bound paths lead to the same rows.
 *
 * @param root the partitioned table
 * @param key  its partition key as pg_get_partkeydef prints it ({@code RANGE (created_at)})
 */
public record PartitionTree(QualifiedName root, String key, List<Partition> partitions) {

    /** The partitions that hold rows. */
    public List<Partition> leaves() {
        return partitions.stream().filter(Partition::isLeaf).toList();
    }

    /** The bounds from the root down to this partition (one for a partition of the root). */
    public List<String> boundPath(Partition partition) {
        Map<QualifiedName, Partition> byName = new LinkedHashMap<>();
        partitions.forEach(p -> byName.put(p.name(), p));
        List<String> path = new ArrayList<>();
        for (Partition p = partition; p != null; p = byName.get(p.parent())) {
            path.add(0, p.bound());
        }
        return path;
    }

    /** Every partition by its bound path. */
    public Map<List<String>, Partition> byBoundPath() {
        Map<List<String>, Partition> paths = new LinkedHashMap<>();
        partitions.forEach(p -> paths.put(boundPath(p), p));
        return paths;
    }
}
