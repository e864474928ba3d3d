package io.tablemigrator.engine.copy;

/** The copy gave up because it was asked to stop; both sides' COPY commands have been cancelled. */
public final class CopyStopped extends RuntimeException {
    CopyStopped() {
        super("the copy was stopped", null, false, false);
    }
}
