package io.tablemigrator.engine.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * What keeps a partitioned table from moving in Online mode because of one of its partitions. A change to a row is
 * logged by the partition that holds it and published as a change of the partitioned table: each partition must
 * write WAL, identify its rows, and identify them the way the partitioned table says it does (its Relation message
 * tells replay which columns find a row).
 */
final class PartitionRefusals {
    private PartitionRefusals() {
    }

    static List<Refusal> online(TableDefinition table) {
        List<Refusal> refusals = new ArrayList<>();
        ReplicaIdentity.Kind tableIdentity = table.replicaIdentity().kind();
        for (Partition leaf : table.partitioning().leaves()) {
            if (leaf.unlogged()) {
                refusals.add(Refusal.of(Refusal.Kind.UNLOGGED, leaf.name()));
            }
            ReplicaIdentity identity = leaf.replicaIdentity();
            if (!identity.usableForLogicalReplication()) {
                refusals.add(Refusal.of(Refusal.Kind.NO_REPLICA_IDENTITY, leaf.name()));
            } else if (table.replicaIdentity().usableForLogicalReplication() && !matches(tableIdentity, identity.kind())) {
                refusals.add(new Refusal(Refusal.Kind.PARTITION_IDENTITY, leaf.name(), table.name().display()));
            }
        }
        return refusals;
    }

    /**
     * A partition logging whole old rows is always right (they are matched on every column). Otherwise it must log
     * what the partitioned table announces: its primary key (which every partition has) or its identity index.
     */
    private static boolean matches(ReplicaIdentity.Kind table, ReplicaIdentity.Kind partition) {
        return partition == ReplicaIdentity.Kind.FULL || partition == table;
    }
}
