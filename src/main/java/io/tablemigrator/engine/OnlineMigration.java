package io.tablemigrator.engine;

import java.time.Duration;

import io.tablemigrator.api.CutoverPolicy;
import io.tablemigrator.api.CutoverStatus;
import io.tablemigrator.api.Phase;
import io.tablemigrator.api.SourceAfterCutover;
import io.tablemigrator.engine.cutover.Cutover;
import io.tablemigrator.engine.cutover.CutoverPoint;
import io.tablemigrator.engine.cutover.Fence;
import io.tablemigrator.engine.replication.ChangeApplier;
import io.tablemigrator.engine.replication.ExportedSnapshotSlot;
import io.tablemigrator.engine.replication.Publications;
import io.tablemigrator.engine.replication.ReplicationSlots;
import io.tablemigrator.engine.replication.Replicator;

/**
 * Online mode: the copy reads the snapshot exported when the replication slot is created; replay then applies every
 * change since that snapshot; the cutover blocks writes for a moment, drains replay to that point and syncs the
 * sequences; validation compares both sides as they were at the cutover point.
 * <p>
 * A run resumes from the checkpoint: before the copy is complete it starts over (new slot, new snapshot); from
 * then on the slot holds every change, and replay continues where the target's checkpoint says.
 */
final class OnlineMigration {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(OnlineMigration.class);
    /** After a cutover attempt gave up, replay this long before the next one (doubling, up to a minute). */
    private static final Duration FIRST_RETRY_DELAY = Duration.ofSeconds(5);

    private final MigrationRun run;
    private final MigrationPlan plan;
    private final Fence fence;

    OnlineMigration(MigrationRun run) {
        this.run = run;
        this.plan = run.plan;
        this.fence = new Fence(plan);
    }

    Outcome run() {
        Phase stage = run.resumeStage();
        if (stage == Phase.Completed) {
            return run.completedEarlier();
        }
        boolean replicaRole = ChangeApplier.canUseReplicaRole(run.target);
        try {
            if (stage.ordinal() < Phase.Finalizing.ordinal()) {
                if (stage.ordinal() < Phase.Indexing.ordinal()) {
                    startOver();
                    run.prepare();
                    run.createTables();
                    copyFromNewSlot(replicaRole);
                } else if (stage == Phase.Indexing) {
                    run.indexAll(!replicaRole);
                }
                board().replication(plan.slotName(), plan.publicationName());
                validateAtTheCutoverPoint(cutOverFromWhereItStands(stage));
            }
            run.enter(Phase.Finalizing);
            run.finalizeTables();
            if (!replicaRole) {
                run.addForeignKeys();
            }
            ReplicationSlots.drop(run.source, plan.slotName());
            Publications.drop(run.source, plan.publicationName());
            return run.completed();
        } catch (Interrupted e) {
            if (e.isCancel()) {
                Cleanup.cancel(plan, run.source, run.target, run.checkpoint);
                return Outcome.CANCELLED;
            }
            if (run.checkpoint.stage().ordinal() < Phase.Indexing.ordinal()) {
                // an unfinished copy is started over anyway: its slot would only hold WAL on the source meanwhile
                ReplicationSlots.drop(run.source, plan.slotName());
            }
            return Outcome.STOPPED;
        }
    }

    private void validateAtTheCutoverPoint(CutoverPoint point) {
        try (point) {
            run.validate(point.sourceSnapshot(), point.targetSnapshot());
        }
    }

    private StatusBoard board() {
        return run.board;
    }

    /** A copy that did not finish is worth nothing: its snapshot died with its process. */
    private void startOver() {
        ReplicationSlots.drop(run.source, plan.slotName());
        run.checkpoint.consistentLsn(null);
        run.startOver();
    }

    private void copyFromNewSlot(boolean replicaRole) {
        Publications.ensure(run.source, plan);
        try (ExportedSnapshotSlot slot = ReplicationSlots.create(run.source, plan.slotName())) {
            run.checkpoint.consistentLsn(slot.consistentLsn());
            board().replication(plan.slotName(), plan.publicationName());
            run.copyAndIndex(slot.snapshotName(), !replicaRole);
        }
    }

    /**
     * Replays until the cutover succeeds, and returns the cutover point. A run that finds the cutover already done
     * (the source fenced for good by this migration) only drains what is left.
     */
    private CutoverPoint cutOverFromWhereItStands(Phase stage) {
        try (Replicator replicator = Replicator.start(plan, run.source, run.target, run.checkpoint, board())) {
            Cutover cutover = new Cutover(plan, run.source, run.target, fence, replicator, board(), run::atCutoverPoint);
            if (stage.ordinal() >= Phase.CuttingOver.ordinal() && fenced()) {
                run.enter(Phase.CuttingOver);
                return cutover.alreadyFenced();
            }
            run.enter(Phase.Replicating);
            Duration retryDelay = FIRST_RETRY_DELAY;
            while (true) {
                replicator.replicate(this::readyOrInterrupted);
                run.checkInterrupt();
                run.enter(Phase.CuttingOver);
                var point = cutover.attempt();
                if (point.isPresent()) {
                    return point.get();
                }
                run.enter(Phase.Replicating);
                long until = System.nanoTime() + retryDelay.toNanos();
                replicator.replicate(() -> System.nanoTime() > until || interrupted());
                retryDelay = retryDelay.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1)
                        : retryDelay.multipliedBy(2);
            }
        }
    }

    /** Replay stops for a cutover when the lag is small enough and, with policy Manual, a person approved. */
    private boolean readyOrInterrupted() {
        if (interrupted()) {
            return true;
        }
        Long lag = board().lagBytes();
        boolean lagLow = lag != null && lag < plan.maxLagBytes();
        return lagLow && (plan.cutoverPolicy() == CutoverPolicy.Automatic || run.control.cutoverApproved());
    }

    private boolean interrupted() {
        return run.control.stopRequested() || run.control.cancelRequested();
    }

    private boolean fenced() {
        return run.onSource(fence::isInstalled);
    }
}
