package io.tablemigrator.cli;

import java.util.ArrayList;
import java.util.List;

import io.tablemigrator.api.TableMigrationStatus;
import io.tablemigrator.api.TableStatus;
import io.tablemigrator.engine.MigrationPlan;

/** A block of lines redrawn in place: headline, a bar per table, replication. */
final class TerminalProgress extends ProgressView {
    private static final int BAR = 24;
    private int drawnLines;

    TerminalProgress(MigrationPlan plan) {
        super(plan);
    }

    @Override
    long refreshMillis() {
        return 250;
    }

    @Override
    synchronized void render(TableMigrationStatus status, String waitingMessage) {
        List<String> lines = new ArrayList<>();
        lines.add(headline(status, phaseOf(status)));
        int width = status.getTables().stream().mapToInt(t -> t.getTarget().length()).max().orElse(10);
        for (TableStatus t : status.getTables()) {
            lines.add(String.format("  %-" + width + "s %s %3d%%  %s/%s  %s", t.getTarget(), bar(t), percent(t),
                    Format.count(t.getRowsCopied()), Format.count(t.getRowsEstimated()), t.getPhase()));
        }
        String replication = replicationLine(status);
        if (replication != null) {
            lines.add("  " + replication);
        }
        if (waitingMessage != null) {
            lines.add("  " + waitingMessage);
        }
        redraw(lines);
    }

    private static String phaseOf(TableMigrationStatus status) {
        return status.getTables().stream().map(TableStatus::getPhase).min(Enum::compareTo).map(Enum::name).orElse("");
    }

    private void redraw(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        if (drawnLines > 0) {
            sb.append("\033[").append(drawnLines).append('A');
        }
        for (String line : lines) {
            sb.append("\r\033[2K").append(line).append('\n');
        }
        for (int i = lines.size(); i < drawnLines; i++) {
            sb.append("\r\033[2K\n");
        }
        out.print(sb);
        out.flush();
        drawnLines = Math.max(lines.size(), drawnLines);
    }

    private static int percent(TableStatus t) {
        long est = t.getRowsEstimated() == null || t.getRowsEstimated() == 0 ? 1 : t.getRowsEstimated();
        boolean done = t.getPhase().ordinal() > io.tablemigrator.api.Phase.Copying.ordinal();
        return done ? 100 : (int) Math.min(99, t.getRowsCopied() * 100 / est);
    }

    private static String bar(TableStatus t) {
        int filled = percent(t) * BAR / 100;
        return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "]";
    }

    @Override
    synchronized void note(String line) {
        out.print("\r\033[2K" + line + "\n");
        drawnLines = 0;
    }

    @Override
    synchronized void finish(TableMigrationStatus status) {
        render(status, null);
    }
}
