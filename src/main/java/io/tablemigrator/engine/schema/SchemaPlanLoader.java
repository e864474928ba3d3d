package io.tablemigrator.engine.schema;

import java.sql.Connection;
import java.util.Collection;
import java.util.List;

import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.QualifiedName;

/**
 * Reads both sides and plans, for the stages after CreatingTables (Indexing, cutover, Finalizing), which may
 * run in another process than the one that created the tables. Changes nothing.
 */
public final class SchemaPlanLoader {
    private SchemaPlanLoader() {
    }

    /**
     * @param createdByMigration the target tables the migration created (the checkpoint's list): they get the
     *                           same plan, and the same object names, as when they were created
     */
    public static SchemaPlan load(Connection source, Connection target, List<TableMapping> mappings,
                                  Collection<QualifiedName> createdByMigration) {
        List<TableDefinition> definitions = SchemaReader.readAll(source, mappings.stream().map(TableMapping::source).toList());
        TargetCatalog catalog = TargetCatalogReader.read(target, definitions, mappings, createdByMigration);
        return SchemaPlanner.plan(definitions, mappings, catalog);
    }
}
