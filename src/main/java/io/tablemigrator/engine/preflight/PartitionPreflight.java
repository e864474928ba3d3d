package io.tablemigrator.engine.preflight;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.tablemigrator.api.MigrationMode;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.schema.Partition;
import io.tablemigrator.engine.schema.TableDefinition;

/**
 * What preflight checks about partitioned tables across the list: that the source can publish them, and that no
 * partition is listed next to the table that moves it already.
 */
final class PartitionPreflight {
    /** Publishing a partitioned table through its root (publish_via_partition_root) is new in PostgreSQL 13. */
    private static final int PUBLISHES_PARTITIONED_TABLES = 13;

    private PartitionPreflight() {
    }

    private static final TableProblem NOT_PUBLISHABLE = new TableProblem("PartitionedTableNotPublishable",
            tables -> "Source " + Problems.names("table", tables) + (tables.size() == 1 ? " is" : " are")
                    + " partitioned, and the source runs PostgreSQL 12, which cannot publish a partitioned table as"
                    + " one (publish_via_partition_root is new in 13): the rows of a partition created while the"
                    + " migration runs could not be replayed. Fix: use mode: Offline, or upgrade the source to"
                    + " PostgreSQL 13 or newer.");

    private static TableProblem listedWithTable(QualifiedName table) {
        return new TableProblem("PartitionListedTwice", partitions -> "Source "
                + Problems.names("table", partitions) + (partitions.size() == 1 ? " is a partition" : " are partitions")
                + " of " + table.display() + ", which spec.tables lists too and which moves "
                + (partitions.size() == 1 ? "it" : "them") + " with it. Fix: remove "
                + (partitions.size() == 1 ? "it" : "them") + " from spec.tables.");
    }

    /** @param definitions the listed tables that exist on the source */
    static void check(MigrationMode mode, int sourceMajorVersion, List<TableDefinition> definitions, Problems problems) {
        List<TableDefinition> partitioned = definitions.stream().filter(d -> d.partitioning() != null).toList();
        if (mode == MigrationMode.Online && sourceMajorVersion < PUBLISHES_PARTITIONED_TABLES) {
            partitioned.forEach(d -> problems.add(NOT_PUBLISHABLE, d.name()));
        }
        Set<QualifiedName> listed = definitions.stream().map(TableDefinition::name).collect(Collectors.toSet());
        Map<QualifiedName, TableProblem> kinds = new HashMap<>();
        for (TableDefinition table : partitioned) {
            for (Partition partition : table.partitioning().partitions()) {
                if (listed.contains(partition.name())) {
                    problems.add(kinds.computeIfAbsent(table.name(), PartitionPreflight::listedWithTable),
                            partition.name());
                }
            }
        }
    }
}
