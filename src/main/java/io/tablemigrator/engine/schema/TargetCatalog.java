package io.tablemigrator.engine.schema;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.tablemigrator.engine.db.QualifiedName;

/**
 * What the planner needs to know of the target, read by {@link TargetCatalogReader}: which schemas, tables and
 * types exist, and which names are in use.
 *
 * @param existingTables the mapped target tables and the tables foreign keys reference, those that exist
 * @param createdByMigration mapped target tables this migration created itself (the checkpoint's list): their
 *                           indexes, constraints and sequences are its own work, not names in the way
 * @param takenNames per target schema, the names of relations, constraints and types, less those of
 *                   {@code createdByMigration} tables; so a resumed run chooses the same names again
 * @param types the user types the source tables use, those that exist on the target
 */
public record TargetCatalog(
        int serverVersion,
        Set<String> existingSchemas,
        Set<QualifiedName> existingTables,
        Set<QualifiedName> createdByMigration,
        Map<String, Set<String>> takenNames,
        Map<QualifiedName, ExistingType> types) {

    /** @param enumLabels the labels in order for an enum, else empty */
    public record ExistingType(char kind, List<String> enumLabels) {
    }

    /** A table that was on the target before the migration: it is used as it is, with no DDL at all. */
    public boolean isPreExisting(QualifiedName target) {
        return existingTables.contains(target) && !createdByMigration.contains(target);
    }
}
