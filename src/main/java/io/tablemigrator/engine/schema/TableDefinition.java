package io.tablemigrator.engine.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.tablemigrator.api.MigrationMode;
import io.tablemigrator.engine.db.QualifiedName;

/**
 * Everything the migration recreates of one source table, read from the source catalogs by
 * {@link SchemaReader} in one snapshot.
 *
 * @param printedName the table as pg_get_indexdef prints it (quote_ident of schema and name)
 * @param primaryKey null when the table has none
 * @param constraints unique, check and exclusion constraints, by name
 * @param indexes every index that does not back a constraint, by name
 * @param userTypes the user types the columns use, each after the types it depends on
 * @param storageOptions pg_class.reloptions ({@code fillfactor=70}), carried to the target table
 * @param unsupported what prevents migrating this table at all
 * @param notCarried sentences naming what the migration leaves behind (triggers, policies, rules)
 * @param partitioning for a partitioned table, its partitions (the table moves with all of them); else null
 */
public record TableDefinition(
        QualifiedName name,
        String printedName,
        List<Column> columns,
        TableConstraint primaryKey,
        List<TableConstraint> constraints,
        List<ForeignKey> foreignKeys,
        List<SourceIndex> indexes,
        List<OwnedSequence> sequences,
        List<UserType> userTypes,
        ReplicaIdentity replicaIdentity,
        boolean unlogged,
        List<String> storageOptions,
        List<Refusal> unsupported,
        List<String> notCarried,
        PartitionTree partitioning) {

    public Optional<Column> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    public Optional<OwnedSequence> sequenceOf(String columnName) {
        return sequences.stream().filter(s -> s.column().equals(columnName)).findFirst();
    }

    /** Columns the copy and the replay write: every column but the generated ones. */
    public List<Column> writableColumns() {
        return columns.stream().filter(c -> !c.isGenerated()).toList();
    }

    /**
     * Why this table cannot be migrated in the given mode, for a preflight report; empty when it can. Online mode
     * needs logical replication to see the table's changes (unlogged tables write no WAL) and to identify updated
     * and deleted rows; for a partitioned table, that of every partition, each logging its old rows the way the
     * partitioned table's changes are published.
     */
    public List<Refusal> refusals(MigrationMode mode) {
        List<Refusal> refusals = new ArrayList<>(unsupported);
        if (mode == MigrationMode.Online) {
            if (unlogged) {
                refusals.add(Refusal.of(Refusal.Kind.UNLOGGED, name));
            }
            if (!replicaIdentity.usableForLogicalReplication()) {
                refusals.add(Refusal.of(Refusal.Kind.NO_REPLICA_IDENTITY, name));
            }
            if (partitioning != null) {
                refusals.addAll(PartitionRefusals.online(this));
            }
        }
        return refusals;
    }
}
