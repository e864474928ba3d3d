package io.tablemigrator.engine.replication;

import static io.tablemigrator.engine.replication.ReplicationFixture.same;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postgresql.replication.LogSequenceNumber;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.testing.PgServer;

/**
 * Replay stopped part way, and replay whose process died after a target commit the source never heard of: started
 * again from the checkpoint, neither loses nor repeats a row. The log table has no key, so a change applied twice
 * would show as a duplicate row.
 */
class ReplicatorRestartTest {
    private static final Replicator.Settings SMALL_BATCHES =
            new Replicator.Settings(100, Duration.ofMillis(200), Duration.ofHours(1));

    private static ReplicationFixture backlog(String prefix, int transactions) {
        ReplicationFixture f = new ReplicationFixture(PgServer.pg14(), PgServer.pg17(), prefix);
        f.both("CREATE TABLE log (n int, t text); ALTER TABLE log REPLICA IDENTITY FULL;"
                + "CREATE TABLE counters (id int PRIMARY KEY, v int)");
        f.sourceDb.execute("INSERT INTO counters SELECT g, 0 FROM generate_series(1, 10) g");
        f.plan(List.of(same("public", "log"), same("public", "counters"))).prepare();
        // small transactions after the snapshot
        f.sourceDb.execute("DO $$ BEGIN FOR i IN 1.." + transactions + " LOOP"
                + " INSERT INTO log VALUES (i, 'row ' || i); UPDATE counters SET v = v + 1 WHERE id = i % 10 + 1;"
                + " COMMIT; END LOOP; END $$");
        return f;
    }

    @Test
    void replayClosedPartWayResumesFromTheCheckpoint() {
        try (ReplicationFixture f = backlog("restart", 20_000)) {
            LogSequenceNumber fence = f.emitFence();
            LogSequenceNumber appliedAtStop;
            try (Replicator first = f.startReplicator(SMALL_BATCHES)) {
                first.replicate(() -> f.board.changesApplied() >= 2000);
                appliedAtStop = first.appliedLsn();
            }
            long logRows = f.targetDb.count("log");
            assertThat(logRows).isBetween(1000L, 19_999L);
            // the checkpoint holds the last commit with changes; source transactions without any (autovacuum's, on
            // PostgreSQL 14) may have moved the applied position on since, with nothing to write
            assertThat(f.checkpoint.appliedLsn()).hasValueSatisfying(
                    lsn -> assertThat(lsn.asLong()).isPositive().isLessThanOrEqualTo(appliedAtStop.asLong()));
            assertThat(ReplicationSlots.confirmedFlushLsn(f.source, f.plan.slotName()))
                    .hasValueSatisfying(lsn -> assertThat(lsn.asLong()).isGreaterThanOrEqualTo(appliedAtStop.asLong()));

            try (Replicator second = f.startReplicator(SMALL_BATCHES)) {
                assertThat(second.drainTo(fence, Instant.now().plusSeconds(60))).isTrue();
            }
            f.assertSameRows();
        }
    }

    @Test
    void aCrashAfterATargetCommitDoesNotApplyTheResentTransactionsTwice() {
        try (ReplicationFixture f = backlog("crash", 2_000)) {
            LogSequenceNumber fence = f.emitFence();
            String slot = f.plan.slotName();
            String before = slot + "_before";
            f.sourceDb.execute("SELECT pg_copy_logical_replication_slot('" + slot + "', '" + before + "')");
            Replicator first = f.startReplicator(SMALL_BATCHES);
            try {
                assertThatThrownBy(() -> first.replicate(() -> {
                    if (f.board.changesApplied() >= 1000) {
                        f.sourceDb.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                                + " WHERE slot_name = '" + slot + "'");
                    }
                    return false;
                })).isInstanceOf(MigrationError.class)
                        .satisfies(e -> assertThat(((MigrationError) e).reason()).isEqualTo("SourceReplicationFailed"));
            } finally {
                first.close();
            }
            // the source as it is when the process dies after target commits it never confirmed: the slot still at
            // its position from before replay, so every transaction the target has is sent again
            ReplicationSlots.drop(f.source, slot);
            f.sourceDb.execute("SELECT pg_copy_logical_replication_slot('" + before + "', '" + slot + "')");
            ReplicationSlots.drop(f.source, before);
            LogSequenceNumber applied = f.checkpoint.appliedLsn().orElseThrow();
            LogSequenceNumber confirmed = ReplicationSlots.confirmedFlushLsn(f.source, slot).orElseThrow();
            assertThat(confirmed.asLong()).as("the source was told less than the target has").isLessThan(applied.asLong());
            assertThat(f.targetDb.count("log")).isPositive();

            try (Replicator second = f.startReplicator(SMALL_BATCHES)) {
                assertThat(second.drainTo(fence, Instant.now().plusSeconds(60))).isTrue();
            }
            f.assertSameRows();
        }
    }

    @Test
    void aSlotStillHeldByADeadRunIsTakenOver() {
        try (ReplicationFixture f = backlog("takeover", 200)) {
            LogSequenceNumber fence = f.emitFence();
            // a run that stopped reading without closing its stream: a frozen process, or one on a node that is gone
            Replicator frozen = f.startReplicator(SMALL_BATCHES);
            try (Replicator next = f.startReplicator(SMALL_BATCHES)) {
                assertThat(next.drainTo(fence, Instant.now().plusSeconds(60))).isTrue();
            } finally {
                frozen.close();
            }
            f.assertSameRows();
        }
    }

    @Test
    void drainGivesUpAtTheDeadline() {
        try (ReplicationFixture f = backlog("deadline", 2_000);
             Replicator replicator = f.startReplicator()) {
            assertThat(replicator.drainTo(f.emitFence(), Instant.now().plusSeconds(60))).isTrue();
            LogSequenceNumber farAhead = LogSequenceNumber.valueOf(Long.MAX_VALUE / 2);
            Instant started = Instant.now();
            assertThat(replicator.drainTo(farAhead, Instant.now().plusSeconds(2))).isFalse();
            assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(30));
            // giving up loses nothing: what was applied stays committed, and the source hears of it
            f.assertSameRows();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    ReplicationSlots.confirmedFlushLsn(f.source, f.plan.slotName())).contains(replicator.confirmedLsn()));
        }
    }
}
