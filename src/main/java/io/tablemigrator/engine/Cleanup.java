package io.tablemigrator.engine;

import java.sql.Connection;
import java.sql.SQLException;

import io.tablemigrator.api.Phase;
import io.tablemigrator.engine.checkpoint.CheckpointStore;
import io.tablemigrator.engine.cutover.Fence;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.PgErrors;
import io.tablemigrator.engine.replication.Publications;
import io.tablemigrator.engine.replication.ReplicationSlots;

/**
 * Cancelling: removes what a migration made, according to how far it got. A finished migration keeps its result
 * (the target tables, and the source fence with ReadOnly); an unfinished one leaves nothing behind: no slot or
 * publication on the source, no fence, no half-built target table, no checkpoint.
 */
final class Cleanup {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Cleanup.class);

    private Cleanup() {
    }

    /** Must be called holding the migration's lock. */
    static void cancel(MigrationPlan plan, Database source, Database target, CheckpointStore checkpoint) {
        Phase stage = checkpoint.stage();
        if (stage != Phase.Completed) {
            freeSource(plan, source);
            if (stage.ordinal() < Phase.CuttingOver.ordinal()) {
                MigrationRun.dropTables(target, checkpoint.createdTables());
            }
        }
        checkpoint.delete();
        LOG.infof("%s: cancelled at %s", plan.id(), stage);
    }

    /**
     * After a failure that running again will not fix: nothing may keep holding the source (a forgotten slot fills
     * its disk; a fence blocks the application). The target tables stay for inspection; a new run starts over.
     */
    static void afterPermanentFailure(MigrationPlan plan, Database source, CheckpointStore checkpoint) {
        freeSource(plan, source);
        checkpoint.stage(Phase.Failed);
    }

    /** Nothing of the migration's left holding the source: no slot, no publication, no fence. */
    private static void freeSource(MigrationPlan plan, Database source) {
        ReplicationSlots.drop(source, plan.slotName());
        Publications.drop(source, plan.publicationName());
        try (Connection c = source.connect()) {
            new Fence(plan).lift(c);
        } catch (SQLException e) {
            throw new MigrationError("SourceUnreachable", "Cannot lift the fence on the source: "
                    + PgErrors.firstLine(e) + ".", e);
        }
    }
}
