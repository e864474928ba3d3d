package io.tablemigrator.engine.replication;

import static io.tablemigrator.engine.replication.ReplicationFixture.same;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postgresql.replication.LogSequenceNumber;

import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.TestDb;

/**
 * Not part of the regular suite (run it with -Dtest=ReplicatorThroughputBench): a pgbench tpcb-like backlog replayed
 * by this engine and by a native PostgreSQL subscription, one after the other, from the same WAL. Set
 * -Dbench.transactions=N (default 20000).
 */
class ReplicatorThroughputBench {
    private static final String TABLES = """
            CREATE TABLE pgbench_branches (bid int PRIMARY KEY, bbalance int, filler char(88));
            CREATE TABLE pgbench_tellers (tid int PRIMARY KEY, bid int, tbalance int, filler char(84));
            CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int, abalance int, filler char(84));
            CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));
            ALTER TABLE pgbench_history REPLICA IDENTITY FULL;
            INSERT INTO pgbench_branches VALUES (1, 0, '');
            INSERT INTO pgbench_tellers SELECT g, 1, 0, '' FROM generate_series(1, 10) g;
            INSERT INTO pgbench_accounts SELECT g, 1, 0, '' FROM generate_series(1, 100000) g;
            """;

    @Test
    void tpcbBacklogAgainstANativeSubscription() {
        int transactions = Integer.getInteger("bench.transactions", 20_000);
        try (ReplicationFixture f = new ReplicationFixture(PgServer.pg17(), PgServer.pg17(), "bench")) {
            TestDb nativeTarget = PgServer.pg17().newDatabase("bench_native");
            f.both(TABLES);
            nativeTarget.execute(TABLES);
            f.plan(List.of(same("public", "pgbench_branches"), same("public", "pgbench_tellers"),
                    same("public", "pgbench_accounts"), same("public", "pgbench_history")));
            Publications.ensure(f.source, f.plan);
            try (ExportedSnapshotSlot slot = ReplicationSlots.create(f.source, f.plan.slotName())) {
                f.checkpoint.consistentLsn(slot.consistentLsn());
            }
            String nativeSlot = "native_" + f.sourceDb.name();
            f.sourceDb.execute("SELECT pg_create_logical_replication_slot('" + nativeSlot + "', 'pgoutput')");

            Instant generating = Instant.now();
            f.sourceDb.execute("DO $$ DECLARE a int; t int; d int; BEGIN FOR i IN 1.." + transactions + " LOOP"
                    + " a := 1 + (random() * 99999)::int; t := 1 + (random() * 9)::int; d := (random() * 10000)::int - 5000;"
                    + " UPDATE pgbench_accounts SET abalance = abalance + d WHERE aid = a;"
                    + " PERFORM abalance FROM pgbench_accounts WHERE aid = a;"
                    + " UPDATE pgbench_tellers SET tbalance = tbalance + d WHERE tid = t;"
                    + " UPDATE pgbench_branches SET bbalance = bbalance + d WHERE bid = 1;"
                    + " INSERT INTO pgbench_history VALUES (t, 1, a, d, now(), '');"
                    + " COMMIT; END LOOP; END $$");
            LogSequenceNumber fence = f.emitFence();
            System.out.printf("backlog of %d transactions generated in %d ms%n", transactions,
                    Duration.between(generating, Instant.now()).toMillis());

            Instant ours = Instant.now();
            Replicator.Settings defaults = Replicator.Settings.defaults();
            Replicator.Settings settings = new Replicator.Settings(Integer.getInteger("bench.batch",
                    defaults.batchChanges()), defaults.batchInterval(), defaults.statusInterval());
            try (Replicator replicator = f.startReplicator(settings)) {
                assertThat(replicator.drainTo(fence, Instant.now().plusSeconds(600))).isTrue();
            }
            long oursMillis = Duration.between(ours, Instant.now()).toMillis();
            f.assertSameRows();

            Instant nativeStart = Instant.now();
            nativeTarget.execute("CREATE SUBSCRIPTION sub_" + nativeTarget.name() + " CONNECTION 'host=localhost port="
                    + f.sourceDb.server().port() + " dbname=" + f.sourceDb.name() + " user=postgres' PUBLICATION "
                    + f.plan.publicationName() + " WITH (copy_data = false, create_slot = false, slot_name = '"
                    + nativeSlot + "')");
            String expected = f.sourceDb.queryValue("SELECT count(*) FROM pgbench_history");
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> expected.equals(nativeTarget.queryValue("SELECT count(*) FROM pgbench_history")));
            long nativeMillis = Duration.between(nativeStart, Instant.now()).toMillis();
            nativeTarget.execute("ALTER SUBSCRIPTION sub_" + nativeTarget.name() + " DISABLE");
            nativeTarget.execute("ALTER SUBSCRIPTION sub_" + nativeTarget.name() + " SET (slot_name = NONE)");
            nativeTarget.execute("DROP SUBSCRIPTION sub_" + nativeTarget.name());
            ReplicationSlots.drop(f.source, nativeSlot);

            long changes = 4L * transactions;
            System.out.printf("tablemigrator: %d ms (%.0f changes/s, %.0f tx/s); native subscription: %d ms"
                            + " (%.0f changes/s, %.0f tx/s)%n", oursMillis, changes * 1000.0 / oursMillis,
                    transactions * 1000.0 / oursMillis, nativeMillis, changes * 1000.0 / nativeMillis,
                    transactions * 1000.0 / nativeMillis);
        }
    }
}

