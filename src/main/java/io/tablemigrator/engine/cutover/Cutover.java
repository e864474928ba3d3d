package io.tablemigrator.engine.cutover;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.postgresql.replication.LogSequenceNumber;

import io.tablemigrator.api.CutoverStatus;
import io.tablemigrator.api.SourceAfterCutover;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.StatusBoard;
import io.tablemigrator.engine.copy.SnapshotHolder;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.PgErrors;
import io.tablemigrator.engine.replication.Replicator;

/**
 * Phase CuttingOver. One attempt: block writes on the source tables (they wait, they are not refused), mark the
 * fence point in the WAL, drain replay to it, bring the target in line (sequences, partitions the source dropped),
 * take a snapshot of each side, and release
 * the source: fenced for good (ReadOnly) or writable again. Writes stay blocked only for the drain, normally well
 * under a second; if the drain does not finish within spec.cutover.timeoutSeconds, writes are released and the
 * attempt gives up, saying why, so that replay can catch up and the caller try again.
 */
public final class Cutover {
    private static final Duration MAX_LOCK_WAIT = Duration.ofSeconds(5);

    private final MigrationPlan plan;
    private final Database source;
    private final Database target;
    private final Fence fence;
    private final Replicator replicator;
    private final StatusBoard board;
    /** What the target needs at the cutover point, writes blocked and replay drained: sequences set, and so on. */
    private final Runnable atCutoverPoint;
    private int attempts;

    public Cutover(MigrationPlan plan, Database source, Database target, Fence fence, Replicator replicator,
                   StatusBoard board, Runnable atCutoverPoint) {
        this.plan = plan;
        this.source = source;
        this.target = target;
        this.fence = fence;
        this.replicator = replicator;
        this.board = board;
        this.atCutoverPoint = atCutoverPoint;
        this.attempts = board.cutover() == null || board.cutover().getAttempts() == null ? 0 : board.cutover().getAttempts();
    }

    /** @return the cutover point, or empty when this attempt gave up (writes are flowing again; the board says why) */
    public Optional<CutoverPoint> attempt() {
        attempts++;
        String startedAt = StatusBoard.now();
        Instant deadline = Instant.now().plus(plan.cutoverTimeout());
        Duration lockWait = plan.cutoverTimeout().compareTo(MAX_LOCK_WAIT) < 0 ? plan.cutoverTimeout() : MAX_LOCK_WAIT;
        Optional<WriteBlock> acquired;
        try {
            acquired = WriteBlock.acquire(source, plan, lockWait);
        } catch (SQLException e) {
            if ("40P01".equals(e.getSQLState())) {
                // only when the application's deadlock_timeout is shorter than the server's
                gaveUp(startedAt, null, "the lock request deadlocked with an application transaction writing several"
                        + " of the tables, and PostgreSQL ended the request; source writes went on");
                return Optional.empty();
            }
            throw new MigrationError("SourceUnreachable", "Cannot block writes on the source tables: "
                    + PgErrors.firstLine(e) + ".", e);
        }
        if (acquired.isEmpty()) {
            gaveUp(startedAt, null, "transactions on the source kept the tables busy for " + lockWait.toSeconds()
                    + " s, so writes could not be blocked; source writes were not held");
            return Optional.empty();
        }
        WriteBlock block = acquired.get();
        try (block) {
            LogSequenceNumber fenceLsn = block.fenceLsn(plan.id());
            if (!replicator.drainTo(fenceLsn, deadline)) {
                block.release();
                gaveUp(startedAt, block.blockedMillis(), "replay did not reach the fence point " + fenceLsn.asString()
                        + " within " + plan.cutoverTimeout().toSeconds() + " s (spec.cutover.timeoutSeconds); source "
                        + "writes were restored after " + block.blockedMillis() + " ms");
                return Optional.empty();
            }
            atCutoverPoint.run();
            CutoverPoint point = new CutoverPoint(SnapshotHolder.export(source), SnapshotHolder.export(target));
            if (plan.sourceAfterCutover() == SourceAfterCutover.ReadOnly) {
                block.releaseFenced(fence);
            } else {
                block.release();
            }
            succeeded(startedAt, block.blockedMillis(), fenceLsn);
            return Optional.of(point);
        } catch (SQLException e) {
            throw new MigrationError("SourceUnreachable", "The cutover lost the source database: "
                    + PgErrors.firstLine(e) + "; source writes were restored.", e);
        }
    }

    /**
     * A run that finds the source already fenced by this migration (an earlier run died after fencing it): every
     * write the source accepted is in the WAL before now, so drain to here and take the cutover point.
     */
    public CutoverPoint alreadyFenced() {
        String startedAt = StatusBoard.now();
        LogSequenceNumber fenceLsn = fencePointNow();
        if (!replicator.drainTo(fenceLsn, Instant.now().plus(plan.cutoverTimeout().multipliedBy(10)))) {
            throw new MigrationError("CutoverDrainTimedOut", "Replay did not reach the fence point " + fenceLsn.asString()
                    + " of the already fenced source; run again to retry.");
        }
        atCutoverPoint.run();
        CutoverPoint point = new CutoverPoint(SnapshotHolder.export(source), SnapshotHolder.export(target));
        CutoverStatus previous = board.cutover();
        succeeded(previous != null && previous.getStartedAt() != null ? previous.getStartedAt() : startedAt,
                previous == null ? null : previous.getWritesBlockedMillis(), fenceLsn);
        return point;
    }

    private LogSequenceNumber fencePointNow() {
        try (Connection c = source.connect()) {
            return WriteBlock.markFencePoint(c, plan.id());
        } catch (SQLException e) {
            throw new MigrationError("SourceUnreachable", "Cannot mark the fence point on the source: "
                    + PgErrors.firstLine(e) + ".", e);
        }
    }

    private void succeeded(String startedAt, Long blockedMillis, LogSequenceNumber fenceLsn) {
        CutoverStatus status = status(startedAt, blockedMillis);
        status.setFenceLsn(fenceLsn.asString());
        board.cutover(status);
    }

    private void gaveUp(String startedAt, Long blockedMillis, String why) {
        CutoverStatus status = status(startedAt, blockedMillis);
        status.setLastError("attempt " + attempts + " gave up: " + why + "; retrying");
        board.cutover(status);
        org.jboss.logging.Logger.getLogger(Cutover.class).warnf("%s: cutover %s", plan.id(), status.getLastError());
    }

    private CutoverStatus status(String startedAt, Long blockedMillis) {
        CutoverStatus status = new CutoverStatus();
        status.setStartedAt(startedAt);
        status.setWritesBlockedMillis(blockedMillis);
        status.setAttempts(attempts);
        return status;
    }
}
