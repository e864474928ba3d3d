package io.tablemigrator.api;

/** What ends a rollback window: None (keep it open), Rollback (the source becomes the system of record again), Finalize. */
public enum RollbackAction {
    None, Rollback, Finalize
}
