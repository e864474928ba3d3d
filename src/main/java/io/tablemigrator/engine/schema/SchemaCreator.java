package io.tablemigrator.engine.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.PgErrors;
import io.tablemigrator.engine.db.QualifiedName;

/**
 * The CreatingTables stage: reads the source tables, checks the target, and creates the schemas, types,
 * sequences and bare tables the target lacks, all in one target transaction (all or nothing).
 */
public final class SchemaCreator {
    private SchemaCreator() {
    }

    /**
     * Called inside the creating transaction, just before it commits: the place to record the created tables
     * (in the checkpoint), so that a crash can never leave a created table unrecorded, nor record one that
     * was not created.
     */
    @FunctionalInterface
    public interface CreatedTablesRecorder {
        CreatedTablesRecorder NONE = (transaction, created) -> { };

        void record(Connection targetTransaction, List<QualifiedName> created) throws SQLException;
    }

    /**
     * @param plan the whole migration's DDL; its post-copy steps and finalize statements are for later stages
     * @param created target tables created now
     * @param preExisting target tables that were there, empty, and are used as they are
     */
    public record Result(SchemaPlan plan, List<QualifiedName> created, List<QualifiedName> preExisting) {
    }

    public static Result createTables(Database source, Database target, List<TableMapping> mappings,
                                      Collection<QualifiedName> createdByMigration, CreatedTablesRecorder recorder) {
        try (Connection s = source.connect(); Connection t = target.connect()) {
            return createTables(s, t, mappings, createdByMigration, recorder);
        } catch (SQLException e) {
            throw new MigrationError("TableCreationFailed", "Could not create the target tables: "
                    + PgErrors.firstLine(e) + ".", e);
        }
    }

    /**
     * @param createdByMigration target tables an earlier run of this migration created (the checkpoint's list);
     *                           those that still exist are kept and not created again
     * @throws MigrationError UnsupportedTable, TargetTableNotEmpty, TargetColumnsMismatch, TargetTypeMissing,
     *                        TargetTypeConflict, TableCreationFailed
     */
    public static Result createTables(Connection source, Connection target, List<TableMapping> mappings,
                                      Collection<QualifiedName> createdByMigration, CreatedTablesRecorder recorder) {
        List<TableDefinition> definitions = SchemaReader.readAll(source,
                mappings.stream().map(TableMapping::source).toList());
        refuseUnsupported(definitions);
        TargetCatalog catalog = TargetCatalogReader.read(target, definitions, mappings, createdByMigration);

        List<QualifiedName> toCreate = new ArrayList<>();
        List<QualifiedName> preExisting = new ArrayList<>();
        for (int i = 0; i < mappings.size(); i++) {
            QualifiedName table = mappings.get(i).target();
            if (catalog.isPreExisting(table)) {
                TargetTableState state = TargetTables.inspect(target, table);
                if (!state.empty()) {
                    throw TargetTables.notEmpty(table);
                }
                CopyColumns.forExistingTable(definitions.get(i), state);
                preExisting.add(table);
            } else if (!catalog.existingTables().contains(table)) {
                toCreate.add(table);
            }
        }
        SchemaPlan plan = SchemaPlanner.plan(definitions, mappings, catalog);
        execute(target, plan.creationStatements(toCreate), toCreate, recorder);
        return new Result(plan, List.copyOf(toCreate), List.copyOf(preExisting));
    }

    private static void refuseUnsupported(List<TableDefinition> definitions) {
        List<String> reasons = definitions.stream().flatMap(d -> d.unsupported().stream()).map(Refusal::sentence).toList();
        if (!reasons.isEmpty()) {
            throw new MigrationError("UnsupportedTable", String.join(" ", reasons));
        }
    }

    /** One transaction with an empty search_path: the statements were printed for one. */
    private static void execute(Connection target, List<String> statements, List<QualifiedName> created,
                                CreatedTablesRecorder recorder) {
        String current = null;
        try {
            boolean autoCommit = target.getAutoCommit();
            target.setAutoCommit(false);
            try (Statement st = target.createStatement()) {
                CatalogTransaction.setSearchPath(target, "");
                for (String sql : statements) {
                    current = sql;
                    st.execute(sql);
                }
                current = null;
                recorder.record(target, created);
                target.commit();
            } catch (SQLException | RuntimeException e) {
                Database.closeQuietly(target::rollback);
                throw e;
            } finally {
                target.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new MigrationError("TableCreationFailed", "Could not create the target tables: "
                    + PgErrors.firstLine(e) + (current == null ? "" : ", in: " + current) + ".", e);
        }
    }
}
