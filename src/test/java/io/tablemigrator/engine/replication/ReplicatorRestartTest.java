package io.tablemigrator.engine.replication;

import static io.tablemigrator.engine.replication.ReplicationFixture.same;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
            assertThat(f.checkpoint.appliedLsn()).contains(appliedAtStop);
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
        // a backlog far longer than one stop-check interval of replay: were replay to catch up before the kill, it
        // would rightly confirm the server's position, and there would be no unconfirmed commit to test
        try (ReplicationFixture f = backlog("crash", 20_000)) {
            LogSequenceNumber fence = f.emitFence();
            Replicator first = f.startReplicator(SMALL_BATCHES);
            try {
                // the status interval is an hour: the source hears nothing until the walsender is killed
                assertThatThrownBy(() -> first.replicate(() -> {
                    if (f.board.changesApplied() >= 1000) {
                        f.sourceDb.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                                + " WHERE slot_name = '" + f.plan.slotName() + "'");
                    }
                    return false;
                })).isInstanceOf(MigrationError.class)
                        .satisfies(e -> assertThat(((MigrationError) e).reason()).isEqualTo("SourceReplicationFailed"));
            } finally {
                first.close();
            }
            LogSequenceNumber applied = f.checkpoint.appliedLsn().orElseThrow();
            LogSequenceNumber confirmed = ReplicationSlots.confirmedFlushLsn(f.source, f.plan.slotName()).orElseThrow();
            assertThat(confirmed.asLong()).as("the source was told less than the target has").isLessThan(applied.asLong());

            try (Replicator second = f.startReplicator(SMALL_BATCHES)) {
                assertThat(second.drainTo(fence, Instant.now().plusSeconds(60))).isTrue();
            }
            f.assertSameRows();
        }
    }

    @Test
    void drainGivesUpAtTheDeadline() {
        try (ReplicationFixture f = backlog("deadline", 2_000);
             Replicator replicator = f.startReplicator()) {
            LogSequenceNumber farAhead = LogSequenceNumber.valueOf(Long.MAX_VALUE / 2);
            Instant started = Instant.now();
            assertThat(replicator.drainTo(farAhead, Instant.now().plusSeconds(2))).isFalse();
            assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(10));
            // whatever arrived meanwhile is committed and confirmed
            f.assertSameRows();
            assertThat(ReplicationSlots.confirmedFlushLsn(f.source, f.plan.slotName()))
                    .contains(replicator.confirmedLsn());
        }
    }
}
