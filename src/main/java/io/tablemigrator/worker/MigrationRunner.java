package io.tablemigrator.worker;

import java.util.OptionalLong;

import io.tablemigrator.engine.Migration;
import io.tablemigrator.engine.MigrationControl;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.Outcome;
import io.tablemigrator.engine.StatusBoard;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.replication.ReplicationSlots;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The engine as the cluster drivers call it: the one seam between the control plane (worker, operator) and the
 * code that moves rows. Production delegates to the engine; a test may replace this bean.
 */
@ApplicationScoped
public class MigrationRunner {

    /** Runs the migration until it completes, stops or is cancelled (worker). */
    public Outcome run(MigrationPlan plan, MigrationControl control, StatusBoard board) {
        return new Migration(plan, control, board).run();
    }

    /** Removes the slot, publication, fence and half-built tables (operator, on delete). Idempotent. */
    public void cancel(MigrationPlan plan) {
        Migration.cancel(plan);
    }

    /**
     * How far the source has moved past what the target confirmed, read from the migration's replication slot on
     * the source while no worker runs (operator, while Paused). Empty when there is no slot (yet, or any more).
     */
    public OptionalLong pausedLagBytes(MigrationPlan plan) {
        try {
            return OptionalLong.of(ReplicationSlots.lagBytes(new Database("source", plan.source()), plan.slotName()));
        } catch (MigrationError e) {
            if ("ReplicationSlotMissing".equals(e.reason())) {
                return OptionalLong.empty();
            }
            throw e;
        }
    }
}
