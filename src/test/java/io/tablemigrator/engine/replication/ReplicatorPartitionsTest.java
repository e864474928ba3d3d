package io.tablemigrator.engine.replication;

import static io.tablemigrator.engine.replication.ReplicationFixture.same;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postgresql.replication.LogSequenceNumber;

import io.tablemigrator.testing.PgServer;

/** Replay into partitioned tables: through the partitioned table, with partitions appearing on the source. */
class ReplicatorPartitionsTest {
    private static final String PAYMENTS = """
            CREATE TABLE payments (id bigint, paid_at date NOT NULL, amount int, PRIMARY KEY (id, paid_at))
              PARTITION BY RANGE (paid_at);
            CREATE TABLE payments_2026_01 PARTITION OF payments FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
            CREATE TABLE payments_default PARTITION OF payments DEFAULT;
            """;

    /**
     * With a default partition a row for a partition the target lacks would not fail, it would land in the default
     * partition: the partition must exist before the row is applied, for every source version.
     */
    @Test
    void aPartitionCreatedAndFilledOnTheSourceExistsOnTheTargetBeforeItsRows() {
        for (PgServer sourceServer : List.of(PgServer.version("13"), PgServer.pg17())) {
            try (ReplicationFixture f = new ReplicationFixture(sourceServer, PgServer.pg17(), "newpart")) {
                f.both(PAYMENTS);
                f.sourceDb.execute("INSERT INTO payments VALUES (1, '2026-01-05', 10), (2, '2025-06-01', 20)");
                f.plan(List.of(same("public", "payments"))).prepare();
                f.sourceDb.execute("""
                        INSERT INTO payments VALUES (3, '2026-01-07', 30);
                        CREATE TABLE payments_2026_02 PARTITION OF payments FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
                        INSERT INTO payments SELECT g, '2026-02-01'::date + g % 28, g FROM generate_series(100, 199) g;
                        UPDATE payments SET paid_at = '2026-02-14' WHERE id = 1;
                        UPDATE payments SET paid_at = '2024-02-14' WHERE id = 150;
                        """);
                LogSequenceNumber fence = f.emitFence();
                try (Replicator replicator = f.startReplicator()) {
                    assertThat(replicator.drainTo(fence, Instant.now().plusSeconds(30))).isTrue();
                }
                f.assertSameRows();
                assertThat(f.targetDb.queryValue("SELECT pg_get_expr(relpartbound, oid) FROM pg_class"
                        + " WHERE relname = 'payments_2026_02'")).isEqualTo(f.sourceDb.queryValue(
                        "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'payments_2026_02'"));
                for (String partition : List.of("payments_2026_01", "payments_2026_02", "payments_default")) {
                    assertThat(f.targetDb.rowsOf(partition)).as(partition).isEqualTo(f.sourceDb.rowsOf(partition));
                }
            }
        }
    }

    /**
     * Second line: a row that finds no partition on the target (here one dropped there by hand after replay had
     * seen it) has its partition created from the source, and the changes not yet committed are applied again.
     */
    @Test
    void aRowWithoutAPartitionOnTheTargetGetsItAndIsAppliedAgain() {
        try (ReplicationFixture f = new ReplicationFixture(PgServer.pg14(), PgServer.pg17(), "lostpart")) {
            f.both("""
                    CREATE TABLE readings (sensor int, at date NOT NULL, value real, PRIMARY KEY (sensor, at))
                      PARTITION BY RANGE (at);
                    CREATE TABLE readings_2026_01 PARTITION OF readings FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
                    CREATE TABLE readings_2026_02 PARTITION OF readings FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
                    """);
            f.plan(List.of(same("public", "readings"))).prepare();
            f.sourceDb.execute("INSERT INTO readings VALUES (1, '2026-01-02', 1.5)");
            try (Replicator replicator = f.startReplicator()) {
                assertThat(replicator.drainTo(f.emitFence(), Instant.now().plusSeconds(30))).isTrue();
                f.targetDb.execute("DROP TABLE readings_2026_02");
                f.sourceDb.execute("INSERT INTO readings VALUES (1, '2026-01-03', 2.5);"
                        + " INSERT INTO readings VALUES (1, '2026-02-02', 3.5), (2, '2026-02-02', 4.5)");
                assertThat(replicator.drainTo(f.emitFence(), Instant.now().plusSeconds(30))).isTrue();
            }
            f.assertSameRows();
            assertThat(f.targetDb.rowsOf("readings_2026_02")).isEqualTo(f.sourceDb.rowsOf("readings_2026_02"));
        }
    }

    /**
     * Rows found by their whole old row (REPLICA IDENTITY FULL) through a partitioned table: each partition has its
     * own ctids, so the same ctid in another partition must not be touched.
     */
    @Test
    void wholeRowMatchesTouchOnlyTheRowInItsOwnPartition() {
        try (ReplicationFixture f = new ReplicationFixture(PgServer.pg14(), PgServer.pg17(), "fullpart")) {
            f.both("""
                    CREATE TABLE clicks (region text NOT NULL, page text) PARTITION BY LIST (region);
                    CREATE TABLE clicks_eu PARTITION OF clicks FOR VALUES IN ('eu');
                    CREATE TABLE clicks_us PARTITION OF clicks FOR VALUES IN ('us');
                    ALTER TABLE clicks REPLICA IDENTITY FULL;
                    ALTER TABLE clicks_eu REPLICA IDENTITY FULL;
                    ALTER TABLE clicks_us REPLICA IDENTITY FULL;
                    """);
            f.sourceDb.execute("INSERT INTO clicks VALUES ('eu', 'home'), ('us', 'home'), ('eu', 'cart'), ('us', 'cart')");
            f.plan(List.of(same("public", "clicks"))).prepare();
            f.sourceDb.execute("DELETE FROM clicks_eu WHERE page = 'home'; UPDATE clicks SET page = 'paid'"
                    + " WHERE region = 'us' AND page = 'cart'; UPDATE clicks SET region = 'us' WHERE page = 'cart'");
            LogSequenceNumber fence = f.emitFence();
            try (Replicator replicator = f.startReplicator()) {
                assertThat(replicator.drainTo(fence, Instant.now().plusSeconds(30))).isTrue();
            }
            f.assertSameRows();
            assertThat(f.targetDb.rowsOf("clicks_us")).containsExactly("(us,cart)", "(us,home)", "(us,paid)");
        }
    }
}
