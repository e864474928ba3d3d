package io.tablemigrator.cli;


import io.tablemigrator.api.Phase;
import io.tablemigrator.api.TableMigrationStatus;
import io.tablemigrator.api.TableStatus;
import io.tablemigrator.engine.MigrationPlan;

/** Timestamped lines, for logs and pipes: one on every phase change and one every few seconds while it runs. */
final class PlainProgress extends ProgressView {
    private static final long EVERY_MILLIS = 5_000;
    private Phase lastPhase;
    private long lastLine;

    PlainProgress(MigrationPlan plan) {
        super(plan);
    }

    @Override
    long refreshMillis() {
        return 500;
    }

    @Override
    synchronized void render(TableMigrationStatus status, String waitingMessage) {
        Phase phase = status.getTables().stream().map(TableStatus::getPhase).min(Enum::compareTo).orElse(Phase.Preparing);
        long now = System.currentTimeMillis();
        if (phase == lastPhase && now - lastLine < EVERY_MILLIS) {
            return;
        }
        lastPhase = phase;
        lastLine = now;
        StringBuilder line = new StringBuilder(headline(status, phase.name()));
        String replication = replicationLine(status);
        if (replication != null && phase.ordinal() >= Phase.Replicating.ordinal()) {
            line.append("  ").append(replication);
        }
        if (waitingMessage != null) {
            line.append("  ").append(waitingMessage);
        }
        note(line.toString());
    }

    @Override
    synchronized void note(String line) {
        out.println(Format.clock() + " " + line);
    }

    @Override
    void finish(TableMigrationStatus status) {
        lastPhase = null;
        render(status, null);
    }
}
