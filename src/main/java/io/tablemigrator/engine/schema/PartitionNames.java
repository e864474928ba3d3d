package io.tablemigrator.engine.schema;

import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.QualifiedName;

/**
 * Where a partition goes on the target, from the mapping of its partitioned table (the table listed in
 * spec.tables):
 * <ul>
 * <li>schema: a partition in the same schema as its table follows the table to its target schema; a partition kept
 * in a schema of its own (some keep partitions apart, say in {@code partitions}) stays in a schema of that name;</li>
 * <li>name: when the table keeps its name ({@code targetName} not given and no {@code targetSuffix}), every partition
 * keeps its name; when the table gets another name, its partitions get names derived from it the way index names
 * are ({@code payments_2024_01} of {@code payments} moved as {@code payments_v2} becomes
 * {@code payments_v2_2024_01}), so that they never take the source's names in a move within one database.</li>
 * </ul>
 * A name already taken on the target gets a number appended, as any other name the migration gives out.
 */
public final class PartitionNames {
    private PartitionNames() {
    }

    /** The name the rule asks for, before a collision on the target may add a number. */
    public static QualifiedName desired(QualifiedName partition, TableMapping table) {
        QualifiedName source = table.source();
        QualifiedName target = table.target();
        String schema = partition.schema().equals(source.schema()) ? target.schema() : partition.schema();
        String name = source.name().equals(target.name()) ? partition.name()
                : ObjectNames.forMovedTable(partition.name(), source.name(), target.name());
        return new QualifiedName(schema, ObjectNames.truncate(name, ObjectNames.MAX_BYTES));
    }
}
