package io.tablemigrator.api;

/**
 * Where a migration (or one of its tables) stands. The order is the order of a migration's life,
 * so the migration's phase is the earliest phase among its tables. With a rollback window, a migration goes from
 * Validating to ReverseReplicating, and from there either to Finalizing and Completed, or to RollingBack and
 * RolledBack.
 */
public enum Phase {
    Pending, Preparing, CreatingTables, Copying, Indexing, Replicating, CuttingOver, Validating,
    ReverseReplicating, RollingBack, Finalizing, Completed, RolledBack, Failed, Paused;

    public boolean isTerminal() {
        return this == Completed || this == RolledBack || this == Failed;
    }
}
