package io.tablemigrator.engine;

/** How a run of the engine ended, when it did not throw. */
public enum Outcome {
    /** The migration is finished: validated, cleaned up, Completed. */
    COMPLETED,
    /** Stopped on request; running again resumes from the checkpoint. */
    STOPPED,
    /** Cancelled on request; everything the migration made is gone. */
    CANCELLED
}
