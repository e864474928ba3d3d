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
 * @param unsupported sentences naming what prevents migrating this table at all
 * @param notCarried sentences naming what the migration leaves behind (triggers, policies, rules)
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
        List<String> unsupported,
        List<String> notCarried) {

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
     * Why this table cannot be migrated in the given mode, as sentences for a preflight report; empty when it
     * can. Online mode needs logical replication to identify updated and deleted rows, and to see the
     * table's changes at all (unlogged tables write no WAL).
     */
    public List<String> refusals(MigrationMode mode) {
        List<String> refusals = new ArrayList<>(unsupported);
        if (mode == MigrationMode.Online) {
            if (unlogged) {
                refusals.add("Table " + name.display() + " is UNLOGGED, so logical replication cannot see its changes;"
                        + " make it LOGGED (ALTER TABLE ... SET LOGGED) or use mode Offline.");
            }
            if (!replicaIdentity.usableForLogicalReplication()) {
                refusals.add("Table " + name.display() + " has no replica identity that logical replication can use"
                        + " (no primary key, and REPLICA IDENTITY is " + replicaIdentity.kind()
                        + "); add a primary key, or run ALTER TABLE ... REPLICA IDENTITY FULL (or USING INDEX a unique"
                        + " index on NOT NULL columns), or use mode Offline.");
            }
        }
        return refusals;
    }
}
