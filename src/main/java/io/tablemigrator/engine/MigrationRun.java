package io.tablemigrator.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tablemigrator.api.Phase;
import io.tablemigrator.api.TableMigrationStatus;
import io.tablemigrator.engine.StatusBoard.TableProgress;
import io.tablemigrator.engine.checkpoint.CheckpointStore;
import io.tablemigrator.engine.copy.CopyPlanner;
import io.tablemigrator.engine.copy.CopyStopped;
import io.tablemigrator.engine.copy.CopyTable;
import io.tablemigrator.engine.copy.PartitionLeaves;
import io.tablemigrator.engine.copy.SnapshotCopy;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.PgErrors;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.preflight.Preflight;
import io.tablemigrator.engine.schema.CopyColumns;
import io.tablemigrator.engine.schema.PartitionSync;
import io.tablemigrator.engine.schema.PostCopyRunner;
import io.tablemigrator.engine.schema.PostCopyStep;
import io.tablemigrator.engine.schema.SchemaCreator;
import io.tablemigrator.engine.schema.SchemaPlan;
import io.tablemigrator.engine.schema.SchemaPlanLoader;
import io.tablemigrator.engine.schema.SequenceSync;
import io.tablemigrator.engine.schema.TablePlan;
import io.tablemigrator.engine.validation.Validator;

/**
 * One run of a migration: the resources every stage shares (both databases, the checkpoint, the status board, the
 * driver's control) and the stages that Offline and Online mode have in common.
 */
final class MigrationRun {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(MigrationRun.class);

    final MigrationPlan plan;
    final Database source;
    final Database target;
    final CheckpointStore checkpoint;
    final StatusBoard board;
    final MigrationControl control;
    private SchemaPlan schema;
    private Map<TableProgress, CopyColumns> copyColumns;

    MigrationRun(MigrationPlan plan, Database source, Database target, CheckpointStore checkpoint, StatusBoard board,
                 MigrationControl control) {
        this.plan = plan;
        this.source = source;
        this.target = target;
        this.checkpoint = checkpoint;
        this.board = board;
        this.control = control;
    }

    /** Work on a source connection of its own. */
    interface SourceWork<T> {
        T apply(Connection c) throws SQLException;
    }

    <T> T onSource(SourceWork<T> work) {
        try (Connection c = source.connect()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw new MigrationError("SourceUnreachable", "Lost the source database: " + PgErrors.firstLine(e) + ".", e);
        }
    }

    void withSource(java.util.function.Consumer<Connection> action) {
        onSource(c -> {
            action.accept(c);
            return null;
        });
    }

    /** Throws {@link Interrupted} when the driver asked to stop or cancel: called between units of work. */
    void checkInterrupt() {
        if (control.cancelRequested()) {
            throw new Interrupted(true);
        }
        if (control.stopRequested()) {
            throw new Interrupted(false);
        }
    }

    /** Enters a stage: recorded in the checkpoint, shown on every table. */
    void enter(Phase stage) {
        checkInterrupt();
        checkpoint.stage(stage);
        board.phase(stage);
        logStage(stage);
    }

    /** One log line per stage, with how long the stage before it took: where the time of a migration goes. */
    private void logStage(Phase stage) {
        long previousNanos = board.stageEntered(stage);
        if (previousNanos < 0) {
            LOG.infof("%s: %s", plan.id(), stage);
        } else {
            LOG.infof("%s: %s (the stage before took %.2f s)", plan.id(), stage, previousNanos / 1e9);
        }
    }

    /**
     * Where this run starts: the checkpoint's stage, except that a migration that failed for good starts again
     * from the beginning (its slot, publication and fence were removed when it failed).
     */
    Phase resumeStage() {
        Phase stage = checkpoint.stage();
        if (stage == Phase.Failed) {
            return Phase.Pending;
        }
        if (stage.ordinal() >= Phase.Indexing.ordinal() && !stage.isTerminal()) {
            resumeTotals(stage);
        }
        return stage;
    }

    /**
     * A run that resumes past the copy reports the whole migration, not only its own part: the rows each table's
     * copy moved and the changes replayed so far by every run, from the checkpoint.
     */
    private void resumeTotals(Phase stage) {
        Map<QualifiedName, CheckpointStore.CopyTotals> copied = checkpoint.copyTotals();
        for (TableProgress table : board.tables()) {
            CheckpointStore.CopyTotals totals = copied.get(table.mapping().source());
            if (totals != null) {
                table.resetCopied();
                table.addCopied(totals.rows(), totals.bytes());
                table.rowsEstimated(totals.rows());
            }
        }
        board.phase(stage);
        board.resumeChangesApplied(checkpoint.changesApplied());
    }

    /** The migration finished in an earlier run: show its final status again. */
    Outcome completedEarlier() {
        resumeTotals(Phase.Completed);
        checkpoint.lastStatus().ifPresent(json -> board.restore(Json.read(json, TableMigrationStatus.class)));
        board.phase(Phase.Completed);
        return Outcome.COMPLETED;
    }

    /** Records the end: the status is kept in the checkpoint for later runs to show. */
    Outcome completed() {
        board.phase(Phase.Completed);
        checkpoint.lastStatus(Json.write(board.snapshot()));
        checkpoint.stage(Phase.Completed);
        logStage(Phase.Completed);
        return Outcome.COMPLETED;
    }

    /** Forgets a partial earlier run: drops the target tables it created, so the copy starts on empty tables. */
    void startOver() {
        List<QualifiedName> created = checkpoint.createdTables();
        if (!created.isEmpty()) {
            LOG.infof("%s: starting over, dropping the %d target tables an unfinished run created", plan.id(), created.size());
            dropTables(target, created);
            checkpoint.clearCreatedTables();
        }
        checkpoint.copyTotals(null);
        checkpoint.stage(Phase.Preparing);
    }

    static void dropTables(Database target, List<QualifiedName> tables) {
        try (Connection c = target.connect(); Statement st = c.createStatement()) {
            for (QualifiedName table : tables) {
                st.execute("DROP TABLE IF EXISTS " + table.quoted() + " CASCADE");
            }
        } catch (SQLException e) {
            throw new MigrationError("TargetCleanupFailed", "Cannot drop the unfinished target tables of an earlier run: "
                    + PgErrors.firstLine(e) + ".", e);
        }
    }

    /** Phase Preparing: every check before anything changes. */
    void prepare() {
        enter(Phase.Preparing);
        new Preflight(plan, source, target).check(new HashSet<>(checkpoint.createdTables()));
    }

    /** Phase CreatingTables: schemas, types and bare tables on the target, recorded in the same transaction. */
    void createTables() {
        enter(Phase.CreatingTables);
        SchemaCreator.Result result = SchemaCreator.createTables(source, target, plan.tables(), checkpoint.createdTables(),
                checkpoint::recordCreatedTables);
        schema = result.plan();
        schema.warnings().forEach(w -> LOG.warnf("%s: %s", plan.id(), w));
    }

    /** The schema plan of a resumed run, the same as the one the tables were created from. */
    SchemaPlan schema() {
        if (schema == null) {
            try (Connection s = source.connect(); Connection t = target.connect()) {
                schema = SchemaPlanLoader.load(s, t, plan.tables(), checkpoint.createdTables());
            } catch (SQLException e) {
                throw new MigrationError("SchemaReadFailed", "Cannot read the tables' definitions: "
                        + PgErrors.firstLine(e) + ".", e);
            }
        }
        return schema;
    }

    /** What each table's copy (and validation) reads and writes. */
    Map<TableProgress, CopyColumns> copyColumns() {
        if (copyColumns == null) {
            Map<TableProgress, CopyColumns> columns = new LinkedHashMap<>();
            try (Connection t = target.connect()) {
                for (TableProgress table : board.tables()) {
                    TablePlan tablePlan = schema().table(table.mapping().target()).orElseThrow();
                    columns.put(table, CopyColumns.of(tablePlan, t));
                }
            } catch (SQLException e) {
                throw new MigrationError("TargetUnreachable", "Cannot read the target tables: " + PgErrors.firstLine(e), e);
            }
            copyColumns = columns;
        }
        return copyColumns;
    }

    /**
     * Phase Copying, then Indexing: every table copied from the snapshot; each table's indexes are built as soon as
     * its own rows are in, while others still copy; keys, checks and foreign keys follow once all are indexed.
     *
     * @param deferForeignKeys leave foreign keys for {@link #addForeignKeys()}: replay without
     *                         session_replication_role = replica would trip over them
     */
    void copyAndIndex(String snapshot, boolean deferForeignKeys) {
        enter(Phase.Copying);
        List<CopyTable> tables = sizedTables();
        board.copyStarted();
        List<List<PostCopyStep>> groups = schema().postCopyGroups();
        try (ParallelRunner runner = new ParallelRunner(plan.parallelism(), "copy");
             SnapshotCopy copy = new SnapshotCopy(source, target, snapshot,
                     () -> control.stopRequested() || control.cancelRequested())) {
            copy.submit(runner, CopyPlanner.plan(tables, plan.parallelism(), splitByBlocks()), table -> {
                board.tableCopied(table);
                LOG.infof("%s: %s copied: %,d rows in %.2f s", plan.id(), table.mapping().source().display(),
                        table.rowsCopied(), table.copyNanos() / 1e9);
                table.rowsEstimated(table.rowsCopied());
                table.phase(Phase.Indexing);
                groups.get(0).stream().filter(s -> s.table().equals(table.mapping().target()))
                        .forEach(step -> runner.submit(() -> PostCopyRunner.run(target, step)));
            });
            runner.awaitAll();
        } catch (CopyStopped e) {
            checkInterrupt();
            throw e;
        } catch (MigrationError | Interrupted e) {
            throw e;
        } catch (SQLException e) {
            throw new MigrationError("CopyFailed", "The copy failed: " + PgErrors.firstLine(e) + ".", e);
        } catch (Exception e) {
            throw new IllegalStateException("the copy failed: " + e.getMessage(), e);
        } finally {
            board.copyEnded();
        }
        recordCopyTotals();
        enter(Phase.Indexing);
        PostCopyRunner.run(target, groups.subList(1, deferForeignKeys ? groups.size() - 1 : groups.size()),
                plan.parallelism());
    }

    /** Every table is copied: what each copy moved is kept for the runs after this one to report. */
    private void recordCopyTotals() {
        Map<QualifiedName, CheckpointStore.CopyTotals> totals = new LinkedHashMap<>();
        board.tables().forEach(t -> totals.put(t.mapping().source(),
                new CheckpointStore.CopyTotals(t.rowsCopied(), t.bytesCopied())));
        checkpoint.copyTotals(totals);
    }

    /** Phase Indexing of a resumed run: every step again (each is harmless when already done). */
    void indexAll(boolean deferForeignKeys) {
        enter(Phase.Indexing);
        List<List<PostCopyStep>> groups = schema().postCopyGroups();
        PostCopyRunner.run(target, groups.subList(0, deferForeignKeys ? groups.size() - 1 : groups.size()),
                plan.parallelism());
    }

    /** The foreign keys left out of Indexing, once nothing replays into the target any more. */
    void addForeignKeys() {
        List<List<PostCopyStep>> groups = schema().postCopyGroups();
        PostCopyRunner.run(target, groups.subList(groups.size() - 1, groups.size()), plan.parallelism());
    }

    /**
     * What to copy, sized on the source for splitting and for progress estimates: each table, or each partition of
     * a partitioned table (its progress is the sum of theirs).
     */
    private List<CopyTable> sizedTables() {
        List<CopyTable> tables = new ArrayList<>();
        try (Connection s = source.connect(); Connection t = target.connect();
             PreparedStatement ps = s.prepareStatement("""
                     SELECT pg_relation_size(c.oid) / current_setting('block_size')::bigint,
                            CASE WHEN c.reltuples < 0 OR c.relpages = 0 THEN -1
                                 ELSE (c.reltuples / c.relpages * (pg_relation_size(c.oid)
                                       / current_setting('block_size')::bigint))::bigint END
                     FROM pg_class c WHERE c.oid = ?::regclass""")) {
            for (var entry : copyColumns().entrySet()) {
                TableProgress table = entry.getKey();
                long estimated = 0;
                TablePlan tablePlan = schema().table(table.mapping().target()).orElseThrow();
                for (TableMapping unit : PartitionLeaves.copyUnits(s, t, tablePlan)) {
                    ps.setString(1, unit.source().quoted());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        long blocks = rs.getLong(1);
                        long rows = rs.getLong(2);
                        estimated += rows >= 0 ? rows : sampledRows(s, unit.source(), blocks);
                        tables.add(new CopyTable(unit, entry.getValue(), blocks, table));
                    }
                }
                table.rowsEstimated(estimated);
                table.resetCopied();
            }
        } catch (SQLException e) {
            throw new MigrationError("SourceUnreachable", "Cannot size the source tables: " + PgErrors.firstLine(e), e);
        }
        return tables;
    }

    /** A never-analysed table: counted outright when small, sampled when large. */
    private static long sampledRows(Connection s, QualifiedName table, long blocks) throws SQLException {
        String sql = blocks < 10_000 ? "SELECT count(*) FROM " + table.quoted()
                : "SELECT count(*) * 100 FROM " + table.quoted() + " TABLESAMPLE SYSTEM (1)";
        try (Statement st = s.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Block-range chunks need TID range scans (PostgreSQL 14); older sources copy each table in one stream. */
    private boolean splitByBlocks() {
        try (Connection s = source.connect()) {
            return s.getMetaData().getDatabaseMajorVersion() >= 14;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Phase Validating: counts (and checksums) of both sides, each read in the given snapshot or as they are. */
    void validate(String sourceSnapshot, String targetSnapshot) {
        enter(Phase.Validating);
        new Validator(source, target, plan.validation(), plan.parallelism()).validate(copyColumns(),
                // compared partition by partition when the migration made the target's partitions like the source's
                m -> schema().table(m.target()).map(t -> t.definition().partitioning() != null && !t.preExisting())
                        .orElse(false),
                sourceSnapshot, targetSnapshot);
    }

    /**
     * The cutover point, source writes blocked and replay drained: the target sequences are set past the source's,
     * and partitions the source dropped or detached while the migration ran are detached from the target tables.
     */
    void atCutoverPoint() {
        syncSequences();
        detachPartitionsGoneFromSource();
    }

    /** The target keeps a detached partition as a table of its own: a migration never deletes rows. */
    private void detachPartitionsGoneFromSource() {
        List<TablePlan> partitioned = schema().tables().stream()
                .filter(t -> t.definition().partitioning() != null && !t.preExisting()).toList();
        if (partitioned.isEmpty()) {
            return;
        }
        try (Connection s = source.connect(); Connection t = target.connect()) {
            for (TablePlan table : partitioned) {
                for (QualifiedName detached : PartitionSync.detachGone(s, t, table.mapping())) {
                    LOG.warnf("%s: %s no longer has a partition with the bounds of %s (it was dropped or detached on"
                            + " the source during the migration), so %s was detached from %s on the target; it keeps"
                            + " its rows as a table of its own", plan.id(), table.mapping().source().display(),
                            detached.display(), detached.display(), table.target().display());
                }
            }
        } catch (SQLException e) {
            throw new MigrationError("TargetUnreachable", "Cannot compare the partitions of both sides: "
                    + PgErrors.firstLine(e), e);
        }
    }

    /** Every owned sequence on the target set past what the source has handed out. */
    void syncSequences() {
        try (Connection s = source.connect(); Connection t = target.connect()) {
            SequenceSync.sync(s, t, schema());
        } catch (SQLException e) {
            throw new MigrationError("SequenceSyncFailed", "Cannot set the target sequences: " + PgErrors.firstLine(e), e);
        }
    }

    /** The target tables as they should stay: identity columns back to GENERATED ALWAYS. */
    void finalizeTables() {
        try (Connection t = target.connect()) {
            PostCopyRunner.runStatements(t, schema().finalizeStatements());
        } catch (SQLException e) {
            throw new MigrationError("TargetUnreachable", "Cannot connect to the target: " + PgErrors.firstLine(e), e);
        }
    }
}
