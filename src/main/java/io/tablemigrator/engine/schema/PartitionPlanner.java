package io.tablemigrator.engine.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.QualifiedName;

/**
 * The partitions part of a partitioned table's plan: every partition created with the table (names by
 * {@link PartitionNames}, each after its parent), and after the copy what partitions have of their own: indexes,
 * check constraints, and a replica identity other than the default.
 */
final class PartitionPlanner {
    /**
     * @param createStatements {@code CREATE TABLE ... PARTITION OF}, parents before their partitions
     * @param postCopySteps    filed under the partitioned table
     */
    record Plan(List<String> createStatements, List<PostCopyStep> postCopySteps) {
    }

    private PartitionPlanner() {
    }

    static Plan plan(TableDefinition def, TableMapping mapping, NameRegistry names, List<String> warnings) {
        QualifiedName table = mapping.target();
        Map<QualifiedName, QualifiedName> targetOf = new HashMap<>();
        targetOf.put(def.name(), table);
        List<String> creates = new ArrayList<>();
        List<PostCopyStep> steps = new ArrayList<>();
        for (Partition partition : def.partitioning().partitions()) {
            QualifiedName desired = PartitionNames.desired(partition.name(), mapping);
            QualifiedName target = new QualifiedName(desired.schema(), names.allocate(desired.schema(), desired.name()));
            targetOf.put(partition.name(), target);
            creates.add(PartitionDdl.create(partition, target, targetOf.get(partition.parent())));
            boolean keepsNames = target.name().equals(partition.name().name());
            for (SourceIndex index : partition.localIndexes()) {
                String name = names.allocate(target.schema(), keepsNames ? index.name()
                        : ObjectNames.forMovedTable(index.name(), partition.name().name(), target.name()));
                steps.add(PartitionDdl.localIndex(partition, target, index, name, table));
            }
            for (TableConstraint check : partition.localChecks()) {
                String name = names.allocate(target.schema(), keepsNames ? check.name()
                        : ObjectNames.forMovedTable(check.name(), partition.name().name(), target.name()));
                steps.add(PartitionDdl.underTable(PostCopyDdl.check(target, check, name), table));
            }
            ReplicaIdentity identity = partition.replicaIdentity();
            if (identity.kind() == ReplicaIdentity.Kind.FULL || identity.kind() == ReplicaIdentity.Kind.NOTHING) {
                steps.add(PartitionDdl.underTable(PostCopyDdl.replicaIdentity(target, identity, null), table));
            } else if (identity.kind() == ReplicaIdentity.Kind.INDEX) {
                warnings.add("Partition " + partition.name().display() + " of " + def.name().display() + " identifies"
                        + " its rows in logical replication by index " + identity.indexName() + "; " + target.display()
                        + " keeps the default (its primary key). Run ALTER TABLE ... REPLICA IDENTITY USING INDEX on it"
                        + " if it must be a source of logical replication in turn.");
            }
        }
        return new Plan(List.copyOf(creates), List.copyOf(steps));
    }
}
