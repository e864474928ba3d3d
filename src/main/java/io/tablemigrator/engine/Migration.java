package io.tablemigrator.engine;

import io.tablemigrator.api.MigrationMode;
import io.tablemigrator.engine.checkpoint.CheckpointStore;
import io.tablemigrator.engine.db.Database;

/**
 * Runs one migration to the end: the state machine of docs/architecture.md. Both drivers (the command line and
 * the worker Job) use it the same way (DESIGN.md, invariant 1).
 */
public final class Migration {
    private final MigrationPlan plan;
    private final MigrationControl control;
    private final StatusBoard board;

    public Migration(MigrationPlan plan, MigrationControl control, StatusBoard board) {
        this.plan = plan;
        this.control = control;
        this.board = board;
    }

    /**
     * Runs from wherever the checkpoint says, until Completed, or until the control asks to stop or cancel.
     *
     * @throws MigrationError for every failure with a cause a user can act on
     */
    public Outcome run() {
        Database source = new Database("source", plan.source());
        Database target = new Database("target", plan.target());
        try (CheckpointStore checkpoint = CheckpointStore.open(target, plan.id())) {
            checkpoint.lockOrFail();
            MigrationRun run = new MigrationRun(plan, source, target, checkpoint, board, control);
            if (control.cancelRequested()) {
                Cleanup.cancel(plan, source, target, checkpoint);
                return Outcome.CANCELLED;
            }
            try {
                return plan.mode() == MigrationMode.Offline ? new OfflineMigration(run).run()
                        : new OnlineMigration(run).run();
            } catch (MigrationError e) {
                if (e.isPermanent()) {
                    Cleanup.afterPermanentFailure(plan, source, checkpoint);
                }
                throw e;
            }
        }
    }

    /**
     * Removes everything a migration made, whatever state it is in and whether or not a process still runs it:
     * the replication slot and publication, any fence on the source tables, target tables it created but did not
     * finish, and its checkpoint. Safe to call any number of times.
     */
    public static void cancel(MigrationPlan plan) {
        Database source = new Database("source", plan.source());
        Database target = new Database("target", plan.target());
        try (CheckpointStore checkpoint = CheckpointStore.open(target, plan.id())) {
            checkpoint.lockWaitingForRunner(CANCEL_WAIT);
            if (checkpoint.exists()) {
                Cleanup.cancel(plan, source, target, checkpoint);
            }
        }
    }

    /** How long cancel waits for a process still running the migration to notice and let go. */
    private static final java.time.Duration CANCEL_WAIT = java.time.Duration.ofSeconds(60);
}
