package io.tablemigrator.operator;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.fabric8.kubernetes.api.model.Condition;
import io.tablemigrator.api.CutoverPolicy;
import io.tablemigrator.api.CutoverSpec;
import io.tablemigrator.api.MigrationMode;
import io.tablemigrator.api.Phase;
import io.tablemigrator.api.ProgressStatus;
import io.tablemigrator.api.ReplicationStatus;
import io.tablemigrator.api.SourceAfterCutover;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.api.TableMigrationStatus;
import io.tablemigrator.api.TableStatus;
import io.tablemigrator.api.ValidationMode;
import io.tablemigrator.api.WorkerStatus;

/**
 * Builds the operator-owned status fields (phase, observedGeneration, conditions, message, startedAt,
 * completedAt, worker; and replication.lagBytes while Paused) from the worker's fields, the Job and the decision.
 * Pure: the same inputs give the same status, so it is tested without a cluster.
 */
public final class StatusAggregator {
    /** A retried worker that has run this long without failing again has recovered: Degraded goes False. */
    static final Duration RECOVERED_AFTER = Duration.ofSeconds(60);

    private StatusAggregator() {
    }

    /**
     * @param pausedLagBytes the slot's lag read by the operator while Paused, or null
     * @return a status holding only the operator's fields
     */
    public static TableMigrationStatus aggregate(TableMigration migration, WorkerState worker, Decision decision,
            Long pausedLagBytes, Instant now) {
        TableMigrationStatus previous = migration.getStatus() == null ? new TableMigrationStatus() : migration.getStatus();
        Long generation = migration.getMetadata().getGeneration();
        String nowText = now.truncatedTo(ChronoUnit.SECONDS).toString();

        Phase phase = phase(migration, worker);
        Problem problem = decision.problem();
        String retry = decision.retry() == null ? null : " (" + decision.retry() + ")";
        if (phase == Phase.Failed) {
            problem = worker.problem();
            retry = null;
        }
        if (problem == null && carriesRetry(previous, phase, worker, now)) {
            Condition degraded = Conditions.find(previous.getConditions(), Conditions.DEGRADED).orElseThrow();
            problem = new Problem(degraded.getReason(), stripRetry(degraded.getMessage()));
            retry = " (" + Decider.RETRYING_NOW + ")";
        }

        Long lag = phase == Phase.Paused && pausedLagBytes != null ? pausedLagBytes
                : previous.getReplication() == null ? null : previous.getReplication().getLagBytes();

        String message = message(migration, phase, worker, decision, problem, retry, lag);

        TableMigrationStatus status = new TableMigrationStatus();
        status.setPhase(phase);
        status.setObservedGeneration(generation);
        status.setMessage(message);
        status.setStartedAt(previous.getStartedAt() != null ? previous.getStartedAt()
                : worker.kind() != WorkerState.Kind.NONE || phase.ordinal() > Phase.Pending.ordinal() && phase != Phase.Paused
                        ? nowText : null);
        status.setCompletedAt(phase == Phase.Completed
                ? (previous.getCompletedAt() != null ? previous.getCompletedAt() : nowText) : null);
        WorkerStatus ws = new WorkerStatus();
        String jobName = worker.jobName() != null ? worker.jobName()
                : previous.getWorker() == null ? null : previous.getWorker().getJobName();
        ws.setJobName(jobName);
        int before = previous.getWorker() == null || previous.getWorker().getAttempts() == null ? 0 : previous.getWorker().getAttempts();
        ws.setAttempts(Math.max(before, worker.attempts()));
        status.setWorker(jobName == null && ws.getAttempts() == 0 ? null : ws);
        if (phase == Phase.Paused && pausedLagBytes != null) {
            ReplicationStatus r = new ReplicationStatus();
            r.setLagBytes(pausedLagBytes);
            status.setReplication(r);
        }

        List<Condition> conditions = new ArrayList<>();
        List<Condition> old = previous.getConditions();
        boolean completed = phase == Phase.Completed;
        conditions.add(Conditions.next(old, Conditions.READY, completed, completed ? "Completed" : phase.name(),
                completed ? message : "Not finished: " + message, generation, nowText));
        boolean blocked = problem != null && (worker.kind() != WorkerState.Kind.RUNNING
                || Problem.POD_NOT_STARTING.equals(problem.reason()));
        boolean progressing = !phase.isTerminal() && phase != Phase.Paused && !blocked && decision.waiting() == null;
        String progressingReason = progressing ? phase.name()
                : phase.isTerminal() || phase == Phase.Paused ? phase.name()
                : problem != null ? problem.reason() : "Waiting";
        conditions.add(Conditions.next(old, Conditions.PROGRESSING, progressing, progressingReason, message, generation, nowText));
        conditions.add(problem == null
                ? Conditions.next(old, Conditions.DEGRADED, false, "AsExpected", "Nothing needs fixing.", generation, nowText)
                : Conditions.next(old, Conditions.DEGRADED, true, problem.reason(),
                        problem.message() + (retry == null ? "" : retry), generation, nowText));
        conditions.add(cutoverReady(migration, phase, lag, old, generation, nowText));
        status.setConditions(Conditions.ordered(conditions));
        return status;
    }

    /** Completed sticks; then a succeeded worker, Paused, Failed, the earliest table phase, Pending. */
    static Phase phase(TableMigration migration, WorkerState worker) {
        TableMigrationStatus previous = migration.getStatus();
        if (previous != null && previous.getPhase() == Phase.Completed) {
            return Phase.Completed;
        }
        List<TableStatus> tables = previous == null || previous.getTables() == null ? List.of() : previous.getTables();
        boolean allTablesCompleted = !tables.isEmpty() && tables.stream().allMatch(t -> t.getPhase() == Phase.Completed);
        if (worker.kind() == WorkerState.Kind.SUCCEEDED || allTablesCompleted) {
            return Phase.Completed;
        }
        if (migration.getSpec().isSuspend()) {
            return Phase.Paused;
        }
        if (worker.kind() == WorkerState.Kind.FAILED_FOR_GOOD) {
            return Phase.Failed;
        }
        return tables.stream().map(TableStatus::getPhase).filter(p -> p != null && p != Phase.Paused && p != Phase.Pending)
                .min(Enum::compareTo).orElse(Phase.Pending);
    }

    /** A worker-reported problem stays Degraded through the retry until the new worker has run for a while. */
    private static boolean carriesRetry(TableMigrationStatus previous, Phase phase, WorkerState worker, Instant now) {
        if (phase.isTerminal() || phase == Phase.Paused) {
            return false;
        }
        var degraded = Conditions.find(previous.getConditions(), Conditions.DEGRADED).orElse(null);
        if (degraded == null || !"True".equals(degraded.getStatus()) || Problem.OPERATOR_REASONS.contains(degraded.getReason())) {
            return false;
        }
        if (worker.kind() == WorkerState.Kind.NONE) {
            return true;
        }
        return worker.kind() == WorkerState.Kind.RUNNING
                && (worker.runningSince() == null || now.isBefore(worker.runningSince().plus(RECOVERED_AFTER)));
    }

    static String stripRetry(String message) {
        return message == null ? "" : message.replaceAll(" \\((retrying|the operator checks)[^)]*\\)$", "");
    }

    private static Condition cutoverReady(TableMigration migration, Phase phase, Long lag, List<Condition> old,
            Long generation, String now) {
        CutoverSpec cutover = cutover(migration);
        if (migration.getSpec().getMode() == MigrationMode.Offline) {
            return Conditions.next(old, Conditions.CUTOVER_READY, false, "OfflineMode",
                    "Offline mode copies with source writes blocked throughout; there is no replication lag to wait for.",
                    generation, now);
        }
        if (lag == null) {
            return Conditions.next(old, Conditions.CUTOVER_READY, false, "ReplicationNotStarted",
                    "Replication has not started yet; the cutover waits for the copy and the indexes.", generation, now);
        }
        if (lag < cutover.getMaxLagBytes()) {
            return Conditions.next(old, Conditions.CUTOVER_READY, true, "LagBelowThreshold",
                    "Replication lag " + bytes(lag) + " is under spec.cutover.maxLagBytes (" + bytes(cutover.getMaxLagBytes()) + ").",
                    generation, now);
        }
        return Conditions.next(old, Conditions.CUTOVER_READY, false, "LagAboveThreshold",
                "Replication lag " + bytes(lag) + " is not under spec.cutover.maxLagBytes (" + bytes(cutover.getMaxLagBytes())
                        + ") yet.", generation, now);
    }

    static String message(TableMigration migration, Phase phase, WorkerState worker, Decision decision, Problem problem,
            String retry, Long lag) {
        TableMigrationStatus s = migration.getStatus() == null ? new TableMigrationStatus() : migration.getStatus();
        String name = migration.getMetadata().getName();
        String namespace = migration.getMetadata().getNamespace();
        if (phase == Phase.Completed) {
            return completed(migration, s);
        }
        if (phase == Phase.Failed) {
            Problem p = worker.problem() != null ? worker.problem() : new Problem("WorkerFailed", "The worker Job failed.");
            return "Failed: " + p.reason() + ": " + ensurePeriod(p.message()) + " Fix the cause, then retry with"
                    + " kubectl patch tm " + name + " -n " + namespace + " --type merge -p '{\"spec\":{\"suspend\":true}}'"
                    + " and back to false; or delete the TableMigration to clean up.";
        }
        if (problem != null) {
            return ensurePeriod(problem.message()) + (retry == null ? "" : retry);
        }
        if (decision.waiting() != null) {
            return decision.waiting();
        }
        if (phase == Phase.Paused) {
            return "Paused (spec.suspend: true): no worker runs and the replication slot is kept"
                    + (lag == null ? "" : "; the source is " + bytes(lag) + " ahead of the target")
                    + ". Set spec.suspend: false to resume.";
        }
        String text = switch (phase) {
            case Pending -> worker.kind() == WorkerState.Kind.NONE ? "Starting the worker."
                    : "Worker Job " + worker.jobName() + " is starting.";
            case Preparing -> "Preparing: checking both databases (preflight).";
            case CreatingTables -> "Creating the target tables.";
            case Copying -> copying(migration, s.getProgress());
            case Indexing -> "Copy done; building primary keys, constraints and indexes on the target.";
            case Replicating -> replicating(migration, lag);
            case CuttingOver -> "Cutting over: source writes are blocked while the last changes drain.";
            case Validating -> "Validating: comparing " + (validation(migration) == ValidationMode.Count ? "row counts"
                    : "row counts and checksums") + " on both sides.";
            case Finalizing -> "Finalizing: removing the replication slot and publication.";
            default -> phase.name() + ".";
        };
        if (worker.kind() == WorkerState.Kind.RUNNING && worker.failedPods() > 0 && worker.problem() != null) {
            text += " The worker restarted " + worker.failedPods() + " time" + (worker.failedPods() == 1 ? "" : "s")
                    + " and resumed from its checkpoint (last error: " + worker.problem().reason() + ").";
        }
        return text;
    }

    private static String copying(TableMigration migration, ProgressStatus p) {
        String offline = migration.getSpec().getMode() == MigrationMode.Offline ? " (source writes blocked throughout)" : "";
        if (p == null || p.getRowsCopied() == null) {
            return "Copying rows" + offline + ".";
        }
        String eta = p.getEtaSeconds() == null || p.getEtaSeconds() <= 0 ? ""
                : ", about " + Backoff.human(Duration.ofSeconds(p.getEtaSeconds())) + " left";
        return "Copying rows" + offline + ": " + (p.getPercent() == null ? 0 : p.getPercent()) + "% ("
                + count(p.getRowsCopied()) + " of about " + count(p.getRowsEstimated() == null ? 0 : p.getRowsEstimated())
                + " rows" + eta + ").";
    }

    private static String replicating(TableMigration migration, Long lag) {
        CutoverSpec c = cutover(migration);
        String lagText = lag == null ? "lag not measured yet" : "lag " + bytes(lag);
        boolean under = lag != null && lag < c.getMaxLagBytes();
        if (c.getPolicy() == CutoverPolicy.Manual && !c.isApproved()) {
            if (under) {
                return "Waiting for approval: set spec.cutover.approved: true (kubectl patch tm "
                        + migration.getMetadata().getName() + " -n " + migration.getMetadata().getNamespace()
                        + " --type merge -p '{\"spec\":{\"cutover\":{\"approved\":true}}}'). Replication " + lagText
                        + " is under the " + bytes(c.getMaxLagBytes()) + " threshold.";
            }
            return "Replicating changes (" + lagText + "); once under " + bytes(c.getMaxLagBytes())
                    + " the cutover waits for approval (spec.cutover.approved: true).";
        }
        return "Replicating changes (" + lagText + "); the cutover starts " + (under ? "now" : "when lag is under "
                + bytes(c.getMaxLagBytes())) + ".";
    }

    private static String completed(TableMigration migration, TableMigrationStatus s) {
        int tables = migration.getSpec().getTables() == null ? 0 : migration.getSpec().getTables().size();
        StringBuilder text = new StringBuilder("Completed: moved " + tables + " table" + (tables == 1 ? "" : "s"));
        if (s.getProgress() != null && s.getProgress().getRowsCopied() != null) {
            text.append(", copied ").append(plural(s.getProgress().getRowsCopied(), "row"));
        }
        if (s.getReplication() != null && s.getReplication().getChangesApplied() != null
                && migration.getSpec().getMode() == MigrationMode.Online) {
            text.append(", replayed ").append(plural(s.getReplication().getChangesApplied(), "change"));
        }
        text.append('.');
        if (cutover(migration).getSourceAfterCutover() == SourceAfterCutover.ReadOnly) {
            text.append(" The source tables stay read-only.");
        }
        return text.toString();
    }

    private static CutoverSpec cutover(TableMigration migration) {
        return migration.getSpec().getCutover() == null ? new CutoverSpec() : migration.getSpec().getCutover();
    }

    private static ValidationMode validation(TableMigration migration) {
        return migration.getSpec().getValidation() == null ? ValidationMode.Checksum : migration.getSpec().getValidation().getMode();
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value >= 100 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    }

    static String plural(long n, String noun) {
        return count(n) + " " + noun + (n == 1 ? "" : "s");
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String ensurePeriod(String text) {
        String t = text == null ? "" : text.strip();
        return t.endsWith(".") || t.endsWith("!") || t.endsWith("?") || t.endsWith(")") || t.endsWith("'") ? t : t + ".";
    }
}
