package io.tablemigrator.engine.schema;

import java.util.List;

import io.tablemigrator.engine.db.QualifiedName;

/**
 * One partition of a partitioned table as the catalogs describe it, on either side.
 *
 * @param printedName      schema and name as pg_get_indexdef prints them (quote_ident), to rewrite index definitions
 * @param parent           the partitioned table it is a partition of: the root, or a partition partitioned itself
 * @param level            1 for a partition of the root, 2 for a partition of such a partition, and so on
 * @param bound            {@code FOR VALUES ...} or {@code DEFAULT} (pg_get_expr of relpartbound, read with an empty
 *                         search_path and the engine's UTC session, so both sides print a bound alike)
 * @param subPartitionKey  for a partition that is partitioned in turn, its key ({@code HASH (code)}); null for a leaf
 * @param foreign          a foreign table: its rows live elsewhere and cannot be copied into a real table
 * @param localIndexes     indexes of this partition alone, attached to no index of its parent (source only)
 * @param localChecks      check constraints of this partition alone, not inherited from its parent (source only)
 */
public record Partition(
        QualifiedName name,
        String printedName,
        QualifiedName parent,
        int level,
        String bound,
        String subPartitionKey,
        boolean foreign,
        boolean unlogged,
        List<String> storageOptions,
        ReplicaIdentity replicaIdentity,
        List<SourceIndex> localIndexes,
        List<TableConstraint> localChecks) {

    /** A partition that holds rows itself (it is not partitioned further). */
    public boolean isLeaf() {
        return subPartitionKey == null;
    }
}
