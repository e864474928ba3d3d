package io.tablemigrator.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.tablemigrator.api.CutoverStatus;
import io.tablemigrator.api.Phase;
import io.tablemigrator.api.ProgressStatus;
import io.tablemigrator.api.ReplicationStatus;
import io.tablemigrator.engine.replication.ReplayProgress;
import io.tablemigrator.api.TableMigrationStatus;
import io.tablemigrator.api.TableStatus;

/**
 * The engine's live account of a migration: the status fields the worker owns (progress, tables,
 * replication, cutover). Copy threads and the replication loop write to it without locks on hot paths;
 * drivers take {@link #snapshot()}s to publish.
 */
public final class StatusBoard {

    /** One table's live counters. */
    public static final class TableProgress {
        private final TableMapping mapping;
        private volatile Phase phase = Phase.Preparing;
        private final AtomicLong rowsCopied = new AtomicLong();
        private final AtomicLong bytesCopied = new AtomicLong();
        private volatile long rowsEstimated;
        private volatile Long sourceRows;
        private volatile Long targetRows;
        private volatile Boolean checksumMatch;
        private volatile long copyNanos = -1;

        TableProgress(TableMapping mapping) {
            this.mapping = mapping;
        }

        public TableMapping mapping() { return mapping; }
        public Phase phase() { return phase; }
        public void phase(Phase phase) { this.phase = phase; }
        public void addCopied(long rows, long bytes) {
            rowsCopied.addAndGet(rows);
            bytesCopied.addAndGet(bytes);
        }
        public long rowsCopied() { return rowsCopied.get(); }
        public long bytesCopied() { return bytesCopied.get(); }
        /** Forgets copied rows: the copy of this table starts again. */
        public void resetCopied() {
            rowsCopied.set(0);
            bytesCopied.set(0);
        }
        public void rowsEstimated(long rows) { this.rowsEstimated = rows; }
        public long rowsEstimated() { return rowsEstimated; }
        public void validated(long sourceRows, long targetRows, Boolean checksumMatch) {
            this.sourceRows = sourceRows;
            this.targetRows = targetRows;
            this.checksumMatch = checksumMatch;
        }
        /** How long this table's copy took, from the start of the copy phase to its last row; -1 if not copied. */
        public long copyNanos() { return copyNanos; }
        void copyNanos(long nanos) { this.copyNanos = nanos; }
        public Long sourceRows() { return sourceRows; }
        public Long targetRows() { return targetRows; }
        public Boolean checksumMatch() { return checksumMatch; }
    }

    private final List<TableProgress> tables = new ArrayList<>();
    private volatile long copyStartedNanos;
    private volatile long copyEndedNanos;
    private volatile ReplicationStatus replication;
    private final AtomicLong changesApplied = new AtomicLong();
    private volatile CutoverStatus cutover;
    private final Map<Phase, Long> stageNanos = new EnumMap<>(Phase.class);
    private Phase currentStage;
    private long currentStageStartedNanos;

    public StatusBoard(List<TableMapping> mappings) {
        mappings.forEach(m -> tables.add(new TableProgress(m)));
    }

    public List<TableProgress> tables() {
        return tables;
    }

    /** Puts every table in this phase. */
    public void phase(Phase phase) {
        tables.forEach(t -> t.phase(phase));
    }

    public void copyStarted() {
        copyStartedNanos = System.nanoTime();
        copyEndedNanos = 0;
    }

    public void copyEnded() {
        copyEndedNanos = System.nanoTime();
    }

    /** A table's last row is on the target: its copy time is kept for {@link TableProgress#copyNanos()}. */
    public void tableCopied(TableProgress table) {
        table.copyNanos(System.nanoTime() - copyStartedNanos);
    }

    /**
     * The migration entered a stage (of this run): the time spent in the one before is added to that stage's total.
     * A stage entered more than once (Replicating again after a cutover attempt gave up) adds up.
     *
     * @return how long the previous stage took this time, in nanoseconds, or -1 if there was none
     */
    public synchronized long stageEntered(Phase stage) {
        long now = System.nanoTime();
        long previous = -1;
        if (currentStage != null) {
            previous = now - currentStageStartedNanos;
            stageNanos.merge(currentStage, previous, Long::sum);
        }
        currentStage = stage.isTerminal() ? null : stage;
        currentStageStartedNanos = now;
        return previous;
    }

    /** Time spent in each stage so far in this run (the current one up to now), in the order of the stages. */
    public synchronized Map<Phase, Duration> stageTimes() {
        Map<Phase, Duration> times = new EnumMap<>(Phase.class);
        stageNanos.forEach((stage, nanos) -> times.put(stage, Duration.ofNanos(nanos)));
        if (currentStage != null) {
            times.merge(currentStage, Duration.ofNanos(System.nanoTime() - currentStageStartedNanos), Duration::plus);
        }
        return times;
    }

    public void replication(String slotName, String publicationName) {
        ReplicationStatus r = new ReplicationStatus();
        r.setSlotName(slotName);
        r.setPublicationName(publicationName);
        r.setChangesApplied(changesApplied.get());
        replication = r;
    }

    /** Where forward replay (source to target) reports: status.replication. */
    public ReplayProgress forwardReplay() {
        return new ReplayProgress() {
            @Override
            public void started(String slotName, String publicationName) {
                replication(slotName, publicationName);
            }

            @Override
            public void position(String confirmedLsn, long lagBytes, long lagSeconds) {
                ReplicationStatus r = replication == null ? new ReplicationStatus() : copyOf(replication);
                r.setConfirmedLsn(confirmedLsn);
                r.setLagBytes(lagBytes);
                r.setLagSeconds(lagSeconds);
                replication = r;
            }

            @Override
            public void applied(long changes) {
                changesApplied.addAndGet(changes);
            }
        };
    }

    public long changesApplied() {
        return changesApplied.get();
    }

    /** A resumed run counts on from the changes earlier runs applied (the checkpoint's count). */
    public void resumeChangesApplied(long changesAppliedEarlier) {
        changesApplied.set(changesAppliedEarlier);
    }

    /** The current lag in bytes, or null before replay has measured it. */
    public Long lagBytes() {
        ReplicationStatus r = replication;
        return r == null ? null : r.getLagBytes();
    }

    public void cutover(CutoverStatus cutover) {
        this.cutover = cutover;
    }

    public CutoverStatus cutover() {
        return cutover;
    }

    /** The worker-owned status fields as they are now. */
    public TableMigrationStatus snapshot() {
        TableMigrationStatus status = new TableMigrationStatus();
        long copied = 0;
        long estimated = 0;
        long bytes = 0;
        List<TableStatus> tableStatuses = new ArrayList<>();
        for (TableProgress t : tables) {
            TableStatus ts = new TableStatus();
            ts.setSource(t.mapping.source().display());
            ts.setTarget(t.mapping.target().display());
            ts.setPhase(t.phase());
            ts.setRowsCopied(t.rowsCopied());
            ts.setRowsEstimated(Math.max(t.rowsEstimated(), t.rowsCopied()));
            ts.setSourceRows(t.sourceRows);
            ts.setTargetRows(t.targetRows);
            ts.setChecksumMatch(t.checksumMatch);
            tableStatuses.add(ts);
            copied += t.rowsCopied();
            estimated += Math.max(t.rowsEstimated(), t.rowsCopied());
            bytes += t.bytesCopied();
        }
        status.setTables(tableStatuses);
        ProgressStatus progress = new ProgressStatus();
        progress.setRowsCopied(copied);
        progress.setRowsEstimated(estimated);
        progress.setBytesCopied(bytes);
        boolean copyDone = tables.stream().allMatch(t -> t.phase().ordinal() > Phase.Copying.ordinal());
        progress.setPercent(copyDone ? 100 : estimated == 0 ? 0 : (int) Math.min(99, copied * 100 / estimated));
        if (copyStartedNanos != 0) {
            long end = copyEndedNanos != 0 ? copyEndedNanos : System.nanoTime();
            double seconds = Math.max(0.001, (end - copyStartedNanos) / 1e9);
            long rate = (long) (copied / seconds);
            progress.setRowsPerSecond(rate);
            Long eta = rate == 0 ? null : Long.valueOf(Math.max(0, (estimated - copied) / rate));
            progress.setEtaSeconds(copyDone ? Long.valueOf(0) : eta);
        }
        status.setProgress(progress);
        if (replication != null) {
            ReplicationStatus r = copyOf(replication);
            r.setChangesApplied(changesApplied.get());
            status.setReplication(r);
        }
        status.setCutover(cutover);
        return status;
    }

    /** Takes back a status saved by an earlier run (a finished migration shown again). */
    public void restore(TableMigrationStatus saved) {
        if (saved.getTables() != null) {
            for (int i = 0; i < Math.min(saved.getTables().size(), tables.size()); i++) {
                TableStatus ts = saved.getTables().get(i);
                TableProgress t = tables.get(i);
                t.phase(ts.getPhase());
                if (t.rowsCopied() != orZero(ts.getRowsCopied())) {
                    // the bytes of each table are in the checkpoint's copy totals only, not in a saved status
                    t.resetCopied();
                    t.addCopied(orZero(ts.getRowsCopied()), 0);
                }
                t.rowsEstimated(orZero(ts.getRowsEstimated()));
                t.sourceRows = ts.getSourceRows();
                t.targetRows = ts.getTargetRows();
                t.checksumMatch = ts.getChecksumMatch();
            }
        }
        if (saved.getReplication() != null) {
            replication = copyOf(saved.getReplication());
            changesApplied.set(orZero(saved.getReplication().getChangesApplied()));
        }
        cutover = saved.getCutover();
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }

    /** The phase of the migration as a whole: the earliest phase among its tables. */
    public Phase overallPhase() {
        return tables.stream().map(TableProgress::phase).min(Enum::compareTo).orElse(Phase.Preparing);
    }

    public static String now() {
        return Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private static ReplicationStatus copyOf(ReplicationStatus r) {
        ReplicationStatus c = new ReplicationStatus();
        c.setSlotName(r.getSlotName());
        c.setPublicationName(r.getPublicationName());
        c.setConfirmedLsn(r.getConfirmedLsn());
        c.setLagBytes(r.getLagBytes());
        c.setLagSeconds(r.getLagSeconds());
        c.setChangesApplied(r.getChangesApplied());
        return c;
    }
}
