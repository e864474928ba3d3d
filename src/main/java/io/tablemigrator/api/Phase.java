package io.tablemigrator.api;

/**
 * Where a migration (or one of its tables) stands. The order is the order of a migration's life,
 * so the migration's phase is the earliest phase among its tables.
 */
public enum Phase {
    Pending, Preparing, CreatingTables, Copying, Indexing, Replicating, CuttingOver, Validating, Finalizing,
    Completed, Failed, Paused;

    public boolean isTerminal() {
        return this == Completed || this == Failed;
    }
}
