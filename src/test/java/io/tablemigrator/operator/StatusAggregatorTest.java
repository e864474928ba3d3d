package io.tablemigrator.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.tablemigrator.api.CutoverPolicy;
import io.tablemigrator.api.Phase;
import io.tablemigrator.api.ReplicationStatus;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.api.TableMigrationStatus;
import io.tablemigrator.api.TableStatus;
import io.tablemigrator.testing.KubeFixtures;

class StatusAggregatorTest {
    static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    static final Decision RUN = new Decision(true, null, null, null, null);

    static TableMigration migration(Phase... tablePhases) {
        TableMigration m = KubeFixtures.migration("shop", "shop-move").sourceUrl("postgresql://a/b").targetUrl("postgresql://c/d")
                .table("public", "orders").table("public", "lines").build();
        m.getMetadata().setGeneration(3L);
        TableMigrationStatus s = new TableMigrationStatus();
        s.setTables(java.util.Arrays.stream(tablePhases).map(p -> {
            TableStatus t = new TableStatus();
            t.setPhase(p);
            return t;
        }).toList());
        m.setStatus(s);
        return m;
    }

    static WorkerState running() {
        return new WorkerState(WorkerState.Kind.RUNNING, null, 1, 0, null, null, null, NOW.minusSeconds(600));
    }

    static Condition condition(TableMigrationStatus s, String type) {
        return Conditions.find(s.getConditions(), type).orElseThrow();
    }

    @Test
    void phaseIsTheEarliestTablePhase() {
        var s = StatusAggregator.aggregate(migration(Phase.Indexing, Phase.Copying), running(), RUN, null, NOW);
        assertThat(s.getPhase()).isEqualTo(Phase.Copying);
        assertThat(s.getObservedGeneration()).isEqualTo(3);
        assertThat(s.getConditions()).extracting(Condition::getType)
                .containsExactly("Ready", "Progressing", "Degraded", "CutoverReady");
        assertThat(s.getConditions()).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(3));
        assertThat(condition(s, "Progressing").getStatus()).isEqualTo("True");
        assertThat(condition(s, "Progressing").getReason()).isEqualTo("Copying");
        // only the operator's fields: nothing the worker owns
        assertThat(s.getTables()).isNull();
        assertThat(s.getProgress()).isNull();
        assertThat(s.getCutover()).isNull();
    }

    @Test
    void pendingBeforeTheWorkerReports() {
        var s = StatusAggregator.aggregate(migration(), WorkerState.none(0), RUN, null, NOW);
        assertThat(s.getPhase()).isEqualTo(Phase.Pending);
        assertThat(s.getStartedAt()).isNull();
        assertThat(s.getMessage()).isEqualTo("Starting the worker.");
    }

    @Test
    void pausedWhenSuspendedWithTheLagTheOperatorRead() {
        TableMigration m = migration(Phase.Replicating, Phase.Replicating);
        m.getSpec().setSuspend(true);
        var s = StatusAggregator.aggregate(m, WorkerState.none(1), new Decision(false, null, null, null, null), 5_000_000L, NOW);
        assertThat(s.getPhase()).isEqualTo(Phase.Paused);
        assertThat(s.getReplication().getLagBytes()).isEqualTo(5_000_000L);
        assertThat(s.getMessage()).contains("Paused", "4.8 MiB", "spec.suspend: false");
        assertThat(condition(s, "Progressing").getStatus()).isEqualTo("False");
        assertThat(condition(s, "CutoverReady").getStatus()).isEqualTo("False");
    }

    @Test
    void cutoverReadyWhileLagIsUnderTheThresholdAndManualAsksForApproval() {
        TableMigration m = migration(Phase.Replicating, Phase.Replicating);
        m.getSpec().getCutover().setPolicy(CutoverPolicy.Manual);
        m.getSpec().getCutover().setMaxLagBytes(1000);
        ReplicationStatus r = new ReplicationStatus();
        r.setLagBytes(999L);
        m.getStatus().setReplication(r);
        var s = StatusAggregator.aggregate(m, running(), RUN, null, NOW);
        assertThat(condition(s, "CutoverReady").getStatus()).isEqualTo("True");
        assertThat(s.getMessage()).startsWith("Waiting for approval: set spec.cutover.approved: true");

        r.setLagBytes(1000L);
        s = StatusAggregator.aggregate(m, running(), RUN, null, NOW);
        assertThat(condition(s, "CutoverReady").getStatus()).isEqualTo("False");
        assertThat(condition(s, "CutoverReady").getReason()).isEqualTo("LagAboveThreshold");
        assertThat(s.getMessage()).doesNotStartWith("Waiting for approval");

        m.getSpec().getCutover().setApproved(true);
        r.setLagBytes(10L);
        s = StatusAggregator.aggregate(m, running(), RUN, null, NOW);
        assertThat(s.getMessage()).startsWith("Replicating changes").contains("cutover starts now");
    }

    @Test
    void lastTransitionTimeIsKeptWhileTheStatusStaysTheSame() {
        TableMigration m = migration(Phase.Copying, Phase.Copying);
        var first = StatusAggregator.aggregate(m, running(), RUN, null, NOW);
        m.getStatus().setConditions(first.getConditions());
        m.getStatus().getTables().forEach(t -> t.setPhase(Phase.Replicating));
        var later = StatusAggregator.aggregate(m, running(), RUN, null, NOW.plusSeconds(60));
        assertThat(condition(later, "Progressing").getReason()).isEqualTo("Replicating");
        assertThat(condition(later, "Progressing").getLastTransitionTime()).isEqualTo("2025-03-01T10:00:00Z");

        m.getStatus().setConditions(later.getConditions());
        m.getStatus().getTables().forEach(t -> t.setPhase(Phase.Completed));
        var done = StatusAggregator.aggregate(m, running(), RUN, null, NOW.plusSeconds(120));
        assertThat(done.getPhase()).isEqualTo(Phase.Completed);
        assertThat(condition(done, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(done, "Ready").getLastTransitionTime()).isEqualTo("2025-03-01T10:02:00Z");
        assertThat(done.getCompletedAt()).isEqualTo("2025-03-01T10:02:00Z");
    }

    @Test
    void completedSticks() {
        TableMigration m = migration(Phase.Replicating);
        m.getStatus().setPhase(Phase.Completed);
        var s = StatusAggregator.aggregate(m, WorkerState.none(1), new Decision(false, null, null, null, null), null, NOW);
        assertThat(s.getPhase()).isEqualTo(Phase.Completed);
    }

    @Test
    void aFixableFailureIsDegradedWithTheFixAndNotFailed() {
        TableMigration m = migration(Phase.Preparing, Phase.Preparing);
        Problem p = new Problem("WalLevelNotLogical", "The source has wal_level replica; set wal_level = logical and restart it.");
        WorkerState failed = new WorkerState(WorkerState.Kind.FAILED_FIXABLE, null, 1, 1, p, 2, NOW, null);
        var s = StatusAggregator.aggregate(m, failed, new Decision(true, p, null, "retrying at 2025-03-01T10:00:10Z, 10s after the failure", null), null, NOW);
        assertThat(s.getPhase()).isEqualTo(Phase.Preparing);
        assertThat(condition(s, "Degraded").getStatus()).isEqualTo("True");
        assertThat(condition(s, "Degraded").getReason()).isEqualTo("WalLevelNotLogical");
        assertThat(s.getMessage()).isEqualTo("The source has wal_level replica; set wal_level = logical and restart it."
                + " (retrying at 2025-03-01T10:00:10Z, 10s after the failure)");
        assertThat(condition(s, "Progressing").getStatus()).isEqualTo("False");

        // the retry's new worker keeps it Degraded (and its transition time) until it has run for a while
        m.getStatus().setConditions(s.getConditions());
        WorkerState retry = new WorkerState(WorkerState.Kind.RUNNING, null, 2, 0, null, null, null, NOW.plusSeconds(11));
        var during = StatusAggregator.aggregate(m, retry, RUN, null, NOW.plusSeconds(12));
        assertThat(condition(during, "Degraded").getStatus()).isEqualTo("True");
        assertThat(condition(during, "Degraded").getLastTransitionTime()).isEqualTo("2025-03-01T10:00:00Z");
        var recovered = StatusAggregator.aggregate(m, retry, RUN, null, NOW.plusSeconds(80));
        assertThat(condition(recovered, "Degraded").getStatus()).isEqualTo("False");
    }

    @Test
    void aJobThatFailedForGoodIsFailedWithTheWorkersLastError() {
        Problem p = new Problem("ChecksumMismatch", "Table public.orders differs");
        WorkerState failed = new WorkerState(WorkerState.Kind.FAILED_FOR_GOOD, null, 1, 1, p, 3, NOW, null);
        var s = StatusAggregator.aggregate(migration(Phase.Validating), failed, RUN, null, NOW);
        assertThat(s.getPhase()).isEqualTo(Phase.Failed);
        assertThat(s.getMessage()).startsWith("Failed: ChecksumMismatch: Table public.orders differs.");
        assertThat(condition(s, "Ready").getStatus()).isEqualTo("False");
        assertThat(condition(s, "Degraded").getReason()).isEqualTo("ChecksumMismatch");
    }

    @Test
    void numbersReadWell() {
        assertThat(StatusAggregator.bytes(512)).isEqualTo("512 B");
        assertThat(StatusAggregator.bytes(1_048_576)).isEqualTo("1.0 MiB");
        assertThat(StatusAggregator.count(1234567)).isEqualTo("1,234,567");
        assertThat(List.of(Backoff.human(java.time.Duration.ofSeconds(40)), Backoff.human(java.time.Duration.ofSeconds(150))))
                .containsExactly("40s", "2m30s");
    }
}
