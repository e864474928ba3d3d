package io.tablemigrator.operator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.tablemigrator.api.Phase;
import io.tablemigrator.api.SpecValidator;
import io.tablemigrator.api.TableMigration;

/** Decides whether a migration's worker Job should exist, from what was observed (pure; no API calls). */
public final class Decider {
    /** How often to look again while an old worker pod is stopping. */
    static final Duration POD_STOP_POLL = Duration.ofSeconds(2);
    static final String RETRYING_NOW = "retrying now";
    /** How often to look again at a worker pod that cannot start. */
    static final Duration STUCK_POLL = Duration.ofSeconds(15);
    /** The operator looks again with a backoff; the words do not name a time so that status does not churn. */
    static final String CHECKING_AGAIN = "the operator checks again by itself, at growing intervals";

    /**
     * @param worker the Job and its pods
     * @param otherLivePods live worker pods of this migration that belong to no current Job (a deleted Job's pods)
     * @param prerequisites what keeps a new worker from starting (Secret, key, service account), or null; only
     *        looked at when {@link #mayStart} is true
     * @param podProblem why the running Job's pod cannot start (image pull, container config), or null
     * @param jobOutdated the Job's pod differs from what the spec now asks for (spec.worker changed)
     */
    public record Inputs(TableMigration migration, WorkerState worker, List<Pod> otherLivePods, Problem prerequisites,
            Problem podProblem, boolean jobOutdated, Instant now, Duration minDelay, Duration maxDelay,
            Duration podStopTimeout) {
    }

    private Decider() {
    }

    public static boolean isCompleted(TableMigration migration) {
        return migration.getStatus() != null && migration.getStatus().getPhase() == Phase.Completed;
    }

    /** Problems with the spec itself, which keep a new worker from starting (a running one goes on). */
    public static Problem specProblem(TableMigration migration) {
        List<String> problems = SpecValidator.problems(migration.getSpec());
        if (!problems.isEmpty()) {
            return new Problem("InvalidSpec", String.join("; ", problems) + ".");
        }
        String recorded = migration.getMetadata().getAnnotations() == null ? null
                : migration.getMetadata().getAnnotations().get(SpecIdentity.ANNOTATION);
        List<String> changed = SpecIdentity.changedFields(recorded, migration.getSpec());
        if (!changed.isEmpty()) {
            return new Problem("SpecChangeRejected", SpecIdentity.refusal(changed));
        }
        return null;
    }

    /** Whether this round may start a new worker, so that its prerequisites are worth checking. */
    public static boolean mayStart(TableMigration migration, WorkerState worker) {
        return worker.kind() == WorkerState.Kind.NONE && !isCompleted(migration) && !migration.getSpec().isSuspend()
                && specProblem(migration) == null;
    }

    public static Decision decide(Inputs in) {
        TableMigration migration = in.migration();
        WorkerState worker = in.worker();
        boolean hasJob = worker.kind() != WorkerState.Kind.NONE;
        if (isCompleted(migration) || worker.kind() == WorkerState.Kind.SUCCEEDED) {
            return new Decision(hasJob, null, null, null, null);
        }
        Problem specProblem = specProblem(migration);
        if (migration.getSpec().isSuspend()) {
            // the Job goes (its pod is stopped with SIGTERM, the slot is kept)
            return new Decision(false, specProblem, null, null, null);
        }
        if (specProblem != null) {
            // a running worker goes on with the spec it started with; nothing new starts
            return new Decision(hasJob, specProblem, null, null, null);
        }
        switch (worker.kind()) {
            case RUNNING:
                if (in.podProblem() != null && in.jobOutdated()) {
                    // the user fixed spec.worker (an image, say): a Job cannot change, so it is replaced
                    return new Decision(false, in.podProblem(), null, "retrying now with the new spec.worker", POD_STOP_POLL);
                }
                // a pod that cannot start is reported; the kubelet keeps trying, so the Job stays
                return new Decision(true, in.podProblem(), null, null, in.podProblem() == null ? null : STUCK_POLL);
            case FAILED_FOR_GOOD:
                return new Decision(true, null, null, null, null);
            case FAILED_FIXABLE: {
                Duration delay = Backoff.delay(degradedSince(migration), worker.failedAt(), in.minDelay(), in.maxDelay());
                Instant retryAt = (worker.failedAt() == null ? in.now() : worker.failedAt()).plus(delay);
                if (!in.now().isBefore(retryAt)) {
                    // delete the failed Job; its deletion triggers the next round, which starts a new one
                    return new Decision(false, worker.problem(), null, RETRYING_NOW, POD_STOP_POLL);
                }
                Duration left = Duration.between(in.now(), retryAt);
                return new Decision(true, worker.problem(), null, "retrying at "
                        + retryAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ", " + Backoff.human(delay)
                        + " after the failure", left);
            }
            case NONE:
            default: {
                if (!in.otherLivePods().isEmpty()) {
                    Pod pod = in.otherLivePods().get(0);
                    Instant deleting = WorkerState.parse(pod.getMetadata().getDeletionTimestamp());
                    boolean stuck = deleting != null && in.now().isAfter(deleting.plus(in.podStopTimeout()));
                    if (!stuck) {
                        return new Decision(false, null, "Waiting for the previous worker pod " + pod.getMetadata().getName()
                                + " to stop before starting a new one.", null, POD_STOP_POLL);
                    }
                }
                if (in.prerequisites() != null) {
                    Duration delay = Backoff.delay(degradedSince(migration), in.now(), in.minDelay(), in.maxDelay());
                    return new Decision(false, in.prerequisites(), null, CHECKING_AGAIN, delay);
                }
                return new Decision(true, null, null, null, null);
            }
        }
    }

    /** When the migration became Degraded (kept while it stays so), or null. */
    static Instant degradedSince(TableMigration migration) {
        if (migration.getStatus() == null) {
            return null;
        }
        List<Condition> conditions = migration.getStatus().getConditions();
        return Conditions.find(conditions, Conditions.DEGRADED).filter(c -> "True".equals(c.getStatus()))
                .map(c -> WorkerState.parse(c.getLastTransitionTime())).orElse(null);
    }
}
