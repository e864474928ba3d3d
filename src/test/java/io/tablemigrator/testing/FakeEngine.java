package io.tablemigrator.testing;

import java.util.concurrent.atomic.AtomicInteger;

import io.tablemigrator.api.Phase;
import io.tablemigrator.engine.MigrationControl;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.Outcome;
import io.tablemigrator.engine.StatusBoard;
import io.tablemigrator.worker.MigrationRunner;

/**
 * The real engine behind the worker's seam ({@link MigrationRunner}), with one addition for tests of the control
 * flow around failures the real engine does not produce on demand: {@link #failWith} makes every run fail, as a
 * permanent failure (a validation mismatch) or a crash (an engine bug) would.
 */
public class FakeEngine extends MigrationRunner {
    public final AtomicInteger runs = new AtomicInteger();
    /** Thrown by every run once it has started. */
    public volatile RuntimeException failWith;

    @Override
    public Outcome run(MigrationPlan plan, MigrationControl control, StatusBoard board) {
        runs.incrementAndGet();
        board.phase(Phase.Preparing);
        if (failWith != null) {
            throw failWith;
        }
        return super.run(plan, control, board);
    }
}
