package io.tablemigrator.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.tablemigrator.api.Phase;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.api.TableMigrationStatus;
import io.tablemigrator.testing.KubeFixtures;

class DeciderTest {
    static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    static final Duration MIN = Duration.ofSeconds(10);
    static final Duration MAX = Duration.ofMinutes(5);

    static TableMigration migration() {
        TableMigration m = KubeFixtures.migration("shop", "shop-move").sourceUrl("postgresql://a/b").targetUrl("postgresql://c/d")
                .table("public", "orders").build();
        m.getMetadata().setGeneration(1L);
        m.setStatus(new TableMigrationStatus());
        return m;
    }

    static Decision decide(TableMigration m, WorkerState w, Problem prerequisites) {
        return Decider.decide(new Decider.Inputs(m, w, List.of(), prerequisites, null, false, NOW, MIN, MAX, Duration.ofMinutes(2)));
    }

    static WorkerState fixable(Instant failedAt) {
        return new WorkerState(WorkerState.Kind.FAILED_FIXABLE, null, 1, 1, new Problem("SourceUnreachable", "down"), 2,
                failedAt, null);
    }

    static void degradedSince(TableMigration m, Instant since) {
        Condition c = Conditions.next(null, Conditions.DEGRADED, true, "SourceUnreachable", "down", 1L, since.toString());
        m.getStatus().setConditions(List.of(c));
    }

    @Test
    void startsAWorkerWhenThereIsNoneAndNothingIsMissing() {
        assertThat(decide(migration(), WorkerState.none(0), null).workerWanted()).isTrue();
    }

    @Test
    void aMissingPrerequisiteStartsNothingAndIsRetriedWithBackoff() {
        Problem missing = new Problem("SecretNotFound", "Secret x does not exist");
        Decision d = decide(migration(), WorkerState.none(0), missing);
        assertThat(d.workerWanted()).isFalse();
        assertThat(d.problem()).isEqualTo(missing);
        assertThat(d.requeueAfter()).isEqualTo(MIN);
        TableMigration m = migration();
        degradedSince(m, NOW.minusSeconds(70));
        assertThat(decide(m, WorkerState.none(0), missing).requeueAfter()).isEqualTo(Duration.ofSeconds(70));
        degradedSince(m, NOW.minusSeconds(3600));
        assertThat(decide(m, WorkerState.none(0), missing).requeueAfter()).isEqualTo(MAX);
    }

    @Test
    void aFixableFailureKeepsTheFailedJobUntilTheBackoffHasPassedThenDeletesIt() {
        TableMigration m = migration();
        // first failure: Degraded only now, so the minimum delay
        Decision waiting = decide(m, fixable(NOW.minusSeconds(4)), null);
        assertThat(waiting.workerWanted()).isTrue();
        assertThat(waiting.requeueAfter()).isEqualTo(Duration.ofSeconds(6));
        assertThat(waiting.retry()).isEqualTo("retrying at 2025-03-01T10:00:06Z, 10s after the failure");
        Decision due = decide(m, fixable(NOW.minusSeconds(10)), null);
        assertThat(due.workerWanted()).isFalse();
        assertThat(due.retry()).isEqualTo("retrying now");

        // failing again 40 s into being Degraded: the delay has doubled along
        degradedSince(m, NOW.minusSeconds(40));
        Decision later = decide(m, fixable(NOW), null);
        assertThat(later.workerWanted()).isTrue();
        assertThat(later.requeueAfter()).isEqualTo(Duration.ofSeconds(40));
    }

    @Test
    void suspendDeletesTheWorker() {
        TableMigration m = migration();
        m.getSpec().setSuspend(true);
        assertThat(decide(m, new WorkerState(WorkerState.Kind.RUNNING, null, 1, 0, null, null, null, NOW), null).workerWanted())
                .isFalse();
    }

    @Test
    void aCompletedMigrationNeverStartsAnotherWorker() {
        TableMigration m = migration();
        m.getStatus().setPhase(Phase.Completed);
        assertThat(decide(m, WorkerState.none(1), null).workerWanted()).isFalse();
        assertThat(Decider.mayStart(m, WorkerState.none(1))).isFalse();
    }

    @Test
    void anOldPodStillStoppingIsWaitedFor() {
        var pod = new PodBuilder().withNewMetadata().withName("shop-move-worker-abc").endMetadata()
                .withNewStatus().withPhase("Running").endStatus().build();
        Decision d = Decider.decide(new Decider.Inputs(migration(), WorkerState.none(1), List.of(pod), null, null, false, NOW, MIN, MAX,
                Duration.ofMinutes(2)));
        assertThat(d.workerWanted()).isFalse();
        assertThat(d.waiting()).contains("shop-move-worker-abc");
    }

    @Test
    void aChangedIdentityIsRefusedButARunningWorkerGoesOn() {
        TableMigration m = migration();
        m.getMetadata().setAnnotations(new java.util.HashMap<>(java.util.Map.of(SpecIdentity.ANNOTATION, SpecIdentity.of(m.getSpec()))));
        m.getSpec().getTables().get(0).setName("customers");
        Decision d = decide(m, new WorkerState(WorkerState.Kind.RUNNING, null, 1, 0, null, null, null, NOW), null);
        assertThat(d.workerWanted()).isTrue();
        assertThat(d.problem().reason()).isEqualTo("SpecChangeRejected");
        assertThat(d.problem().message()).startsWith("spec.tables was changed");
        assertThat(decide(m, WorkerState.none(1), null).workerWanted()).isFalse();
    }

    @Test
    void aStuckPodIsReportedAndItsJobReplacedOnlyOnceTheSpecChanged() {
        Problem stuck = new Problem("WorkerPodNotStarting", "Worker pod p cannot start: ErrImagePull.");
        WorkerState running = new WorkerState(WorkerState.Kind.RUNNING, null, 1, 0, null, null, null, NOW);
        Decision same = Decider.decide(new Decider.Inputs(migration(), running, List.of(), null, stuck, false, NOW, MIN, MAX,
                Duration.ofMinutes(2)));
        assertThat(same.workerWanted()).isTrue();
        assertThat(same.problem()).isEqualTo(stuck);
        Decision changed = Decider.decide(new Decider.Inputs(migration(), running, List.of(), null, stuck, true, NOW, MIN, MAX,
                Duration.ofMinutes(2)));
        assertThat(changed.workerWanted()).isFalse();
    }
}
