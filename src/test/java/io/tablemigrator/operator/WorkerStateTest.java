package io.tablemigrator.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;

class WorkerStateTest {

    static Job job(String conditionType, String reason, String message, int failed) {
        JobBuilder b = new JobBuilder().withNewMetadata().withName("shop-move-worker").withUid("job-1")
                .withAnnotations(Map.of(WorkerJobs.ANNOTATION_PREVIOUS_ATTEMPTS, "2")).endMetadata()
                .withNewStatus().withFailed(failed == 0 ? null : failed).withStartTime("2025-03-01T10:00:00Z").endStatus();
        if (conditionType != null) {
            b.editStatus().addNewCondition().withType(conditionType).withStatus("True").withReason(reason).withMessage(message)
                    .withLastTransitionTime("2025-03-01T10:05:00Z").endCondition().endStatus();
        }
        return b.build();
    }

    static Pod failedPod(String name, int exitCode, String message, String finishedAt) {
        return new PodBuilder().withNewMetadata().withName(name).addNewOwnerReference().withUid("job-1").withKind("Job")
                .withName("shop-move-worker").endOwnerReference().endMetadata()
                .withNewStatus().withPhase("Failed").addNewContainerStatus().withName("worker").withNewState().withNewTerminated()
                .withExitCode(exitCode).withMessage(message).withFinishedAt(finishedAt).endTerminated().endState()
                .endContainerStatus().endStatus().build();
    }

    @Test
    void exitCodeTwoIsFixableWithTheWorkersSentence() {
        Job job = job("Failed", "PodFailurePolicy", "Container worker for pod shop/p1 failed with exit code 2 matching FailJob rule at index 0", 1);
        WorkerState s = WorkerState.of(job, List.of(failedPod("p1", 2,
                "SourceUnreachable: Cannot connect to the source database postgresql://app@db/shop: Connection refused.", "2025-03-01T10:05:00Z")), 0);
        assertThat(s.kind()).isEqualTo(WorkerState.Kind.FAILED_FIXABLE);
        assertThat(s.problem().reason()).isEqualTo("SourceUnreachable");
        assertThat(s.problem().message()).startsWith("Cannot connect to the source database");
        assertThat(s.attempts()).isEqualTo(3);
        assertThat(s.failedAt()).hasToString("2025-03-01T10:05:00Z");
    }

    @Test
    void exitCodeThreeOrTheBackoffLimitIsFailedForGood() {
        Job permanent = job("Failed", "PodFailurePolicy", "... failed with exit code 3 matching FailJob rule", 1);
        WorkerState s = WorkerState.of(permanent, List.of(failedPod("p1", 3, "ChecksumMismatch: differs", "2025-03-01T10:05:00Z")), 0);
        assertThat(s.kind()).isEqualTo(WorkerState.Kind.FAILED_FOR_GOOD);
        assertThat(s.problem().reason()).isEqualTo("ChecksumMismatch");

        Job crashed = job("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit", 4);
        WorkerState c = WorkerState.of(crashed, List.of(
                failedPod("p1", 137, "", "2025-03-01T10:01:00Z"),
                failedPod("p4", 1, "WorkerCrashed: NullPointerException", "2025-03-01T10:04:00Z")), 0);
        assertThat(c.kind()).isEqualTo(WorkerState.Kind.FAILED_FOR_GOOD);
        assertThat(c.problem().reason()).isEqualTo("WorkerCrashed");
        assertThat(c.problem().message()).contains("failed 4 times", "NullPointerException");
    }

    @Test
    void theExitCodeIsReadFromTheJobConditionWhenThePodsAreGone() {
        Job job = job("Failed", "PodFailurePolicy", "Container worker for pod shop/p1 failed with exit code 2 matching FailJob rule at index 0", 1);
        assertThat(WorkerState.of(job, List.of(), 0).kind()).isEqualTo(WorkerState.Kind.FAILED_FIXABLE);
    }

    @Test
    void aRunningJobThatReplacedAPodCarriesTheLastError() {
        Job job = job(null, null, null, 1);
        job.getStatus().setActive(1);
        WorkerState s = WorkerState.of(job, List.of(failedPod("p1", 137, "", "2025-03-01T10:01:00Z")), 0);
        assertThat(s.kind()).isEqualTo(WorkerState.Kind.RUNNING);
        assertThat(s.failedPods()).isEqualTo(1);
        assertThat(s.attempts()).isEqualTo(4);
        assertThat(s.problem().message()).contains("exit code 137", "OOMKilled");
    }

    @Test
    void terminationMessagesAreParsedIntoReasonAndSentence() {
        assertThat(Problem.fromTerminationMessage("TargetTableNotEmpty: Target table public.orders has rows.", "X"))
                .isEqualTo(new Problem("TargetTableNotEmpty", "Target table public.orders has rows."));
        assertThat(Problem.fromTerminationMessage("Exception in thread main: boom", "WorkerFailed").reason()).isEqualTo("WorkerFailed");
        assertThat(Problem.fromTerminationMessage("", "X")).isNull();
        assertThat(WorkerState.lastLine("line one\nERROR last line\n")).isEqualTo("ERROR last line");
    }

    @Test
    void aPodThatCannotPullItsImageIsAProblemWithTheFix() {
        Job job = job(null, null, null, 0);
        Pod pending = new PodBuilder().withNewMetadata().withName("p1").addNewOwnerReference().withUid("job-1").endOwnerReference()
                .endMetadata().withNewStatus().withPhase("Pending").addNewContainerStatus().withName("worker").withNewState()
                .withNewWaiting().withReason("ImagePullBackOff").withMessage("Back-off pulling image \"x\"").endWaiting()
                .endState().endContainerStatus().endStatus().build();
        Problem p = WorkerState.podProblem(job, List.of(pending));
        assertThat(p.reason()).isEqualTo("WorkerPodNotStarting");
        assertThat(p.message()).contains("p1", "ImagePullBackOff", "spec.worker.image");
        assertThat(WorkerState.podProblem(job, List.of())).isNull();
    }

    @Test
    void aJobRunsAsDesiredUntilSpecWorkerChanges() {
        var migration = WorkerJobsTest.migration();
        Job job = WorkerJobs.desired(migration, WorkerJobsTest.SETTINGS);
        assertThat(WorkerJobs.runsAsDesired(job, WorkerJobs.desired(migration, WorkerJobsTest.SETTINGS))).isTrue();
        migration.getSpec().setWorker(new io.tablemigrator.api.WorkerSpec());
        migration.getSpec().getWorker().setImage("other:1");
        assertThat(WorkerJobs.runsAsDesired(job, WorkerJobs.desired(migration, WorkerJobsTest.SETTINGS))).isFalse();
    }
}
