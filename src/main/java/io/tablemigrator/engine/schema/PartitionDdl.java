package io.tablemigrator.engine.schema;

import java.util.List;

import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.db.Sql;

/**
 * The DDL that differs for a partitioned table: its partitions, and the keys, indexes and foreign keys that
 * PostgreSQL builds on a partitioned table in one statement for all partitions (and refuses in the forms a plain
 * table's Indexing uses: {@code ADD CONSTRAINT ... USING INDEX}, {@code NOT VALID} foreign keys).
 */
final class PartitionDdl {
    private PartitionDdl() {
    }

    /** {@code CREATE TABLE ... PARTITION OF ...} with the source's bound, and its own key when it is partitioned too. */
    static String create(Partition partition, QualifiedName target, QualifiedName targetParent) {
        return "CREATE " + (partition.unlogged() ? "UNLOGGED " : "") + "TABLE " + target.quoted() + " PARTITION OF "
                + targetParent.quoted() + " " + partition.bound()
                + (partition.isLeaf() ? TableDdl.storageOptions(partition.storageOptions())
                        : " PARTITION BY " + partition.subPartitionKey());
    }

    /**
     * A primary key or unique constraint, index included: added to the partitioned table, it is built on every
     * partition and attached. Built with the indexes, since it is one.
     */
    static PostCopyStep key(QualifiedName target, TableConstraint constraint, String name) {
        String ddl = "ALTER TABLE " + target.quoted() + " ADD CONSTRAINT " + Sql.ident(name) + " " + constraint.definition();
        String label = constraint.kind() == TableConstraint.Kind.PRIMARY_KEY ? "primary key" : "unique constraint";
        return new PostCopyStep(PostCopyStep.Group.INDEXES, target, name, label + " " + name + " on " + target.display()
                + " and its partitions", List.of(Guarded.unlessConstraintExists(target, name, ddl)));
    }

    /** An index of the partitioned table, built on every partition and attached to it. */
    static PostCopyStep index(TableDefinition def, QualifiedName target, SourceIndex index, String name) {
        String ddl = IndexDefinitions.forPartitionedTarget(index, def.printedName(), name, target);
        return new PostCopyStep(PostCopyStep.Group.INDEXES, target, name, "index " + name + " on " + target.display()
                + " and its partitions", List.of(Guarded.unlessIndexExists(target, name, ddl)));
    }

    /**
     * A foreign key from a partitioned table: PostgreSQL (before 18) cannot add one NOT VALID, so it is added and
     * checked in one statement.
     */
    static PostCopyStep foreignKey(QualifiedName target, ForeignKey fk, String name, QualifiedName referenced) {
        String ddl = "ALTER TABLE " + target.quoted() + " ADD CONSTRAINT " + Sql.ident(name) + " "
                + PostCopyDdl.foreignKeyClause(fk, referenced);
        return new PostCopyStep(PostCopyStep.Group.FOREIGN_KEYS, target, name,
                "foreign key " + name + " of " + target.display() + " to " + referenced.display(),
                List.of(Guarded.unlessConstraintExists(target, name, ddl)));
    }

    /**
     * An index one partition has of its own. The step belongs to the partitioned table (it runs once that table's
     * rows are all in) but builds on the partition.
     */
    static PostCopyStep localIndex(Partition partition, QualifiedName partitionTarget, SourceIndex index, String name,
                                   QualifiedName table) {
        String ddl = partition.isLeaf()
                ? IndexDefinitions.forTarget(index, partition.printedName(), name, partitionTarget)
                : IndexDefinitions.forPartitionedTarget(index, partition.printedName(), name, partitionTarget);
        return new PostCopyStep(PostCopyStep.Group.INDEXES, table, name, "index " + name + " on partition "
                + partitionTarget.display(), List.of(Guarded.unlessIndexExists(partitionTarget, name, ddl)));
    }

    /** A step on a partition, filed under its partitioned table, which is what Indexing schedules by. */
    static PostCopyStep underTable(PostCopyStep onPartition, QualifiedName table) {
        return new PostCopyStep(onPartition.group(), table, onPartition.object(), onPartition.description(),
                onPartition.statements());
    }
}
