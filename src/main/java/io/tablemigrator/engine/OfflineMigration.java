package io.tablemigrator.engine;

import io.tablemigrator.api.Phase;
import io.tablemigrator.api.SourceAfterCutover;
import io.tablemigrator.engine.copy.SnapshotHolder;
import io.tablemigrator.engine.cutover.Fence;

/**
 * Offline mode: the source tables are fenced (writes refused) for the whole migration, copied from one snapshot,
 * indexed, validated, and released (or kept read-only). A run that finds the source still fenced by an earlier run
 * that got past the copy continues from there; otherwise the source may have changed, and it starts over.
 * Stopping, failing or cancelling lifts the fence: the application can write again at once.
 */
final class OfflineMigration {
    private final MigrationRun run;
    private final Fence fence;

    OfflineMigration(MigrationRun run) {
        this.run = run;
        this.fence = new Fence(run.plan);
    }

    Outcome run() {
        Phase stage = run.resumeStage();
        if (stage == Phase.Completed) {
            liftIfWritable();
            return run.completedEarlier();
        }
        try {
            if (stage.ordinal() < Phase.Indexing.ordinal() || !fenced()) {
                run.startOver();
                run.prepare();
                run.createTables();
                run.checkInterrupt();
                run.withSource(c -> fence.install(c, Fence.Purpose.COPYING));
                try (SnapshotHolder snapshot = SnapshotHolder.export(run.source)) {
                    run.copyAndIndex(snapshot.name(), false);
                }
            } else if (stage == Phase.Indexing) {
                run.indexAll(false);
            }
            if (run.checkpoint.stage().ordinal() <= Phase.Validating.ordinal()) {
                // the source is fenced: as it is now, it is as it was at the snapshot
                run.validate(null, null);
            }
            run.enter(Phase.Finalizing);
            run.syncSequences();
            run.finalizeTables();
            if (run.plan.sourceAfterCutover() == SourceAfterCutover.ReadOnly) {
                run.withSource(c -> fence.install(c, Fence.Purpose.MOVED));
            }
            Outcome outcome = run.completed();
            liftIfWritable();
            return outcome;
        } catch (Interrupted e) {
            if (e.isCancel()) {
                Cleanup.cancel(run.plan, run.source, run.target, run.checkpoint);
                return Outcome.CANCELLED;
            }
            run.withSource(fence::lift);
            return Outcome.STOPPED;
        } catch (RuntimeException e) {
            liftQuietly();
            throw e;
        }
    }

    private boolean fenced() {
        return run.onSource(fence::isInstalled);
    }

    private void liftIfWritable() {
        if (run.plan.sourceAfterCutover() == SourceAfterCutover.Writable) {
            run.withSource(fence::lift);
        }
    }

    /** After a failure: the application must not stay blocked because the migration cannot go on. */
    private void liftQuietly() {
        try {
            run.withSource(fence::lift);
        } catch (RuntimeException e) {
            org.jboss.logging.Logger.getLogger(OfflineMigration.class).errorf(
                    "%s: could not lift the fence on the source after a failure: %s", run.plan.id(), e.getMessage());
        }
    }
}
