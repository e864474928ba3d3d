package io.tablemigrator.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

import io.tablemigrator.api.Phase;
import io.tablemigrator.api.TableMigrationStatus;
import io.tablemigrator.api.TableStatus;
import io.tablemigrator.api.ValidationMode;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.StatusBoard;

/**
 * Live progress on stderr: a redrawn block with a bar per table on a terminal, plain timestamped lines otherwise
 * (logs, CI, pipes). stdout stays clean for the final status.
 */
abstract class ProgressView {
    protected final PrintStream out = System.err;
    protected final MigrationPlan plan;

    protected ProgressView(MigrationPlan plan) {
        this.plan = plan;
    }

    static ProgressView forStderr(MigrationPlan plan) {
        return Terminal.isTerminal(Terminal.STDERR) ? new TerminalProgress(plan) : new PlainProgress(plan);
    }

    abstract long refreshMillis();

    abstract void render(TableMigrationStatus status, String waitingMessage);

    /** A one-off line (a signal received, an approval). */
    abstract void note(String line);

    abstract void finish(TableMigrationStatus status);

    /** The end of a successful run: what was compared, table by table. */
    void validationSummary(TableMigrationStatus status, ValidationMode mode) {
        out.println("Validation (" + mode + "), source -> target:");
        for (TableStatus t : status.getTables()) {
            String check = t.getChecksumMatch() == null ? "" : t.getChecksumMatch() ? ", checksums match" : ", CHECKSUMS DIFFER";
            out.printf("  %-40s %s rows -> %s rows%s%n", t.getSource() + " -> " + t.getTarget(),
                    Format.count(t.getSourceRows()), Format.count(t.getTargetRows()), check);
        }
        if (status.getCutover() != null && status.getCutover().getWritesBlockedMillis() != null) {
            out.println("Source writes were blocked for " + status.getCutover().getWritesBlockedMillis()
                    + " ms at cutover (fence LSN " + status.getCutover().getFenceLsn() + ").");
        }
    }

    /** Where the time of this run went: each stage, and each table's copy (counted from the start of the copy). */
    void stageTimes(StatusBoard board) {
        Map<Phase, Duration> times = board.stageTimes();
        if (times.isEmpty()) {
            return;
        }
        StringJoiner stages = new StringJoiner(", ");
        Duration total = Duration.ZERO;
        for (var entry : times.entrySet()) {
            stages.add(entry.getKey() + " " + seconds(entry.getValue().toNanos()));
            total = total.plus(entry.getValue());
        }
        out.println("Time per stage: " + stages + "; total " + seconds(total.toNanos()));
        for (StatusBoard.TableProgress table : board.tables()) {
            if (table.copyNanos() >= 0) {
                out.println("  " + table.mapping().source().display() + " copied in " + seconds(table.copyNanos())
                        + " (" + Format.count(table.rowsCopied()) + " rows, " + Format.bytes(table.bytesCopied()) + ")");
            }
        }
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    /** The headline: phase, percent, speed. */
    protected String headline(TableMigrationStatus status, String phase) {
        var p = status.getProgress();
        StringBuilder line = new StringBuilder(plan.id()).append("  ").append(phase);
        if (p != null && p.getPercent() != null && p.getRowsEstimated() != null && p.getRowsEstimated() > 0) {
            line.append("  ").append(p.getPercent()).append("%  ")
                    .append(Format.count(p.getRowsCopied())).append('/').append(Format.count(p.getRowsEstimated())).append(" rows");
            if (p.getRowsPerSecond() != null && p.getPercent() < 100) {
                line.append("  ").append(Format.count(p.getRowsPerSecond())).append(" rows/s");
            }
            if (p.getEtaSeconds() != null && p.getPercent() < 100) {
                line.append("  ETA ").append(Format.duration(p.getEtaSeconds()));
            }
        }
        return line.toString();
    }

    /** The replication line, when replay has started. */
    protected static String replicationLine(TableMigrationStatus status) {
        var r = status.getReplication();
        if (r == null || r.getLagBytes() == null) {
            return null;
        }
        return "replication: lag " + Format.bytes(r.getLagBytes()) + " (" + r.getLagSeconds() + " s), "
                + Format.count(r.getChangesApplied()) + " changes applied, slot " + r.getSlotName();
    }
}
