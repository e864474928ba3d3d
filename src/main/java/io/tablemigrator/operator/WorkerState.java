package io.tablemigrator.operator;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;

/**
 * What the worker Job and its pods say, read the way the Job controller wrote it (pure; no API calls).
 *
 * @param kind where the Job stands
 * @param job the Job, or null
 * @param attempts worker pods started for this migration, counting earlier Jobs
 * @param failedPods pods of this Job that failed so far (each replaced while under the backoff limit)
 * @param problem for a failed Job: the worker's own verdict (its termination message); for a running Job that
 *        replaced a pod: the last pod's error
 * @param exitCode the last failed pod's exit code, when known
 * @param failedAt when the Job failed
 * @param runningSince when the current pod started, when known
 */
public record WorkerState(Kind kind, Job job, int attempts, int failedPods, Problem problem, Integer exitCode,
        Instant failedAt, Instant runningSince) {

    public enum Kind {
        /** No Job. */
        NONE,
        /** The Job runs (or is about to start a pod). */
        RUNNING,
        /** The worker exited 0: the migration is Completed. */
        SUCCEEDED,
        /** The worker exited 2: the user can fix the cause; the operator starts a new Job after a delay. */
        FAILED_FIXABLE,
        /** The worker exited 3, or crashed more often than the backoff limit allows: the migration is Failed. */
        FAILED_FOR_GOOD
    }

    private static final Pattern EXIT_CODE = Pattern.compile("exit code (\\d+)");

    public static WorkerState none(int previousAttempts) {
        return new WorkerState(Kind.NONE, null, previousAttempts, 0, null, null, null, null);
    }

    public String jobName() {
        return job == null ? null : job.getMetadata().getName();
    }

    /**
     * @param pods pods of this migration (any Job); those of other Jobs are ignored
     */
    public static WorkerState of(Job job, Collection<Pod> pods, int previousAttempts) {
        if (job == null) {
            return none(previousAttempts);
        }
        List<Pod> own = pods == null ? List.of() : pods.stream().filter(p -> ownedBy(p, job)).toList();
        var status = job.getStatus();
        int failed = status == null || status.getFailed() == null ? 0 : status.getFailed();
        int succeeded = status == null || status.getSucceeded() == null ? 0 : status.getSucceeded();
        int active = status == null || status.getActive() == null ? 0 : status.getActive();
        int recorded = intAnnotation(job, WorkerJobs.ANNOTATION_PREVIOUS_ATTEMPTS);
        int attempts = recorded + Math.max(failed + succeeded + active, (int) own.stream().count());

        Optional<Pod> lastFailed = own.stream().filter(p -> terminated(p) != null && terminated(p).getExitCode() != null
                && terminated(p).getExitCode() != 0)
                .max(Comparator.comparing(WorkerState::finishedAt, Comparator.nullsFirst(Comparator.naturalOrder())));
        Integer exitCode = lastFailed.map(p -> terminated(p).getExitCode()).orElse(null);
        Problem lastError = lastFailed.map(WorkerState::problemOf).orElse(null);

        if (isTrue(job, "Complete") || isTrue(job, "SuccessCriteriaMet") || succeeded > 0) {
            return new WorkerState(Kind.SUCCEEDED, job, attempts, failed, null, 0, null, null);
        }
        Optional<JobCondition> failedCondition = condition(job, "Failed").filter(c -> "True".equals(c.getStatus()))
                .or(() -> condition(job, "FailureTarget").filter(c -> "True".equals(c.getStatus())));
        if (failedCondition.isPresent()) {
            JobCondition c = failedCondition.get();
            if (exitCode == null && c.getMessage() != null) {
                Matcher m = EXIT_CODE.matcher(c.getMessage());
                if (m.find()) {
                    exitCode = Integer.parseInt(m.group(1));
                }
            }
            Instant at = parse(c.getLastTransitionTime());
            if (exitCode != null && exitCode == 2) {
                Problem problem = lastError != null ? lastError
                        : new Problem("WorkerFailed", "The worker stopped on an error it reports as fixable, but its"
                                + " message is gone (" + c.getMessage() + ").");
                return new WorkerState(Kind.FAILED_FIXABLE, job, attempts, failed, problem, exitCode, at, null);
            }
            Problem problem;
            if (exitCode != null && exitCode == 3 && lastError != null) {
                problem = lastError;
            } else if ("BackoffLimitExceeded".equals(c.getReason())) {
                problem = new Problem("WorkerCrashed", "The worker failed " + Math.max(failed, 1) + " time"
                        + (failed == 1 ? "" : "s") + ", the most the Job allows"
                        + (lastError == null ? "." : "; last error: " + lastError.reason() + ": " + lastError.message()));
            } else if (lastError != null) {
                problem = lastError;
            } else {
                problem = new Problem(c.getReason() == null ? "WorkerFailed" : c.getReason(),
                        c.getMessage() == null ? "The worker Job failed." : c.getMessage());
            }
            return new WorkerState(Kind.FAILED_FOR_GOOD, job, attempts, failed, problem, exitCode, at, null);
        }
        Instant runningSince = own.stream().filter(p -> terminated(p) == null)
                .map(p -> p.getStatus() == null ? null : parse(p.getStatus().getStartTime()))
                .filter(Objects::nonNull).max(Comparator.naturalOrder())
                .orElse(status == null ? null : parse(status.getStartTime()));
        return new WorkerState(Kind.RUNNING, job, attempts, failed, failed > 0 ? lastError : null, exitCode, null,
                runningSince);
    }

    static boolean ownedBy(Pod pod, Job job) {
        String uid = job.getMetadata().getUid();
        List<OwnerReference> refs = pod.getMetadata().getOwnerReferences();
        if (uid != null && refs != null && !refs.isEmpty()) {
            return refs.stream().anyMatch(r -> uid.equals(r.getUid()));
        }
        var labels = pod.getMetadata().getLabels();
        return labels != null && job.getMetadata().getName().equals(labels.get("job-name"));
    }

    /** Whether a pod still runs or may start (not Succeeded or Failed). */
    public static boolean isLive(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }

    /** Waiting reasons that keep a container from ever starting without a change from someone. */
    private static final java.util.Set<String> STUCK = java.util.Set.of("ImagePullBackOff", "ErrImagePull",
            "InvalidImageName", "CreateContainerConfigError", "CreateContainerError");

    /** A live worker pod of this Job that cannot start, as a problem to show; null when none is stuck. */
    public static Problem podProblem(Job job, Collection<Pod> pods) {
        if (job == null || pods == null) {
            return null;
        }
        for (Pod pod : pods) {
            if (!ownedBy(pod, job) || !isLive(pod) || pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
                continue;
            }
            for (ContainerStatus cs : pod.getStatus().getContainerStatuses()) {
                var waiting = cs.getState() == null ? null : cs.getState().getWaiting();
                if (waiting != null && STUCK.contains(waiting.getReason())) {
                    String hint = waiting.getReason().contains("Image")
                            ? " Check the image (spec.worker.image, or the operator's own) and that the namespace may pull it"
                                    + " (imagePullSecrets on the worker's service account)."
                            : " Check the worker's Secrets and service account.";
                    return new Problem(Problem.POD_NOT_STARTING, "Worker pod " + pod.getMetadata().getName()
                            + " cannot start: " + waiting.getReason()
                            + (waiting.getMessage() == null ? "" : " (" + lastLine(waiting.getMessage()) + ")") + "." + hint);
                }
            }
        }
        return null;
    }

    static ContainerStateTerminated terminated(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return null;
        }
        for (ContainerStatus cs : pod.getStatus().getContainerStatuses()) {
            if (WorkerJobs.CONTAINER.equals(cs.getName()) && cs.getState() != null && cs.getState().getTerminated() != null) {
                return cs.getState().getTerminated();
            }
        }
        return null;
    }

    private static Instant finishedAt(Pod pod) {
        ContainerStateTerminated t = terminated(pod);
        return t == null ? null : parse(t.getFinishedAt());
    }

    private static Problem problemOf(Pod pod) {
        ContainerStateTerminated t = terminated(pod);
        Problem fromWorker = Problem.fromTerminationMessage(t.getMessage(), "WorkerFailed");
        if (fromWorker != null && t.getExitCode() != null && t.getExitCode() >= 1 && t.getExitCode() <= 3) {
            return fromWorker;
        }
        String why = t.getReason() != null && !t.getReason().equals("Error") ? t.getReason() : "exit code " + t.getExitCode();
        String hint = t.getExitCode() != null && t.getExitCode() == 137
                ? " (killed: out of memory or deleted; raise spec.worker.resources.limits.memory if it was OOMKilled)" : "";
        String tail = fromWorker == null ? "" : "; last output: " + lastLine(fromWorker.message());
        return new Problem("WorkerCrashed", "Worker pod " + pod.getMetadata().getName() + " ended with " + why + hint + tail);
    }

    /** The last non-empty line of a log tail, at most 300 characters. */
    static String lastLine(String text) {
        String[] lines = text.strip().split("\\R");
        String last = lines[lines.length - 1].strip();
        return last.length() > 300 ? last.substring(0, 300) + "..." : last;
    }

    private static Optional<JobCondition> condition(Job job, String type) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    private static boolean isTrue(Job job, String type) {
        return condition(job, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    private static int intAnnotation(Job job, String key) {
        var annotations = job.getMetadata().getAnnotations();
        if (annotations == null || annotations.get(key) == null) {
            return 0;
        }
        try {
            return Integer.parseInt(annotations.get(key));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static Instant parse(String time) {
        if (time == null || time.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(time);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
