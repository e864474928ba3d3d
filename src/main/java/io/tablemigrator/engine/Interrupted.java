package io.tablemigrator.engine;

/** Unwinds a run that was asked to stop or to cancel; caught by the state machine, never seen by drivers. */
final class Interrupted extends RuntimeException {
    private final boolean cancel;

    Interrupted(boolean cancel) {
        super(cancel ? "cancelled" : "stopped", null, false, false);
        this.cancel = cancel;
    }

    boolean isCancel() {
        return cancel;
    }
}
