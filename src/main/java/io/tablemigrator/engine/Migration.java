package io.tablemigrator.engine;

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
        throw new UnsupportedOperationException("the engine is being built");
    }

    /**
     * Removes everything a migration made, whatever state it is in and whether or not a process still runs it:
     * the replication slot and publication, any fence on the source tables, target tables it created but did not
     * finish, and its checkpoint. Safe to call any number of times.
     */
    public static void cancel(MigrationPlan plan) {
        throw new UnsupportedOperationException("the engine is being built");
    }
}
