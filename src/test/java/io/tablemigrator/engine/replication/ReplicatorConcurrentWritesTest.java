package io.tablemigrator.engine.replication;

import static io.tablemigrator.engine.replication.ReplicationFixture.map;
import static io.tablemigrator.engine.replication.ReplicationFixture.same;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.replication.LogSequenceNumber;

import io.tablemigrator.api.ReplicationStatus;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.TestDb;

/**
 * The application keeps writing while replay runs: several connections, every kind of change, every kind of table
 * the brief names. PostgreSQL 14 source, 17 target.
 */
class ReplicatorConcurrentWritesTest {
    /** Source transactions the four writers make together while replay runs. */
    private static final int TRANSACTIONS = 12_000;
    private static final String SCHEMA = """
            CREATE TABLE accounts (id serial PRIMARY KEY, balance int NOT NULL, note text, doc text);
            ALTER TABLE accounts ALTER doc SET STORAGE EXTERNAL;
            CREATE TABLE parent (id int PRIMARY KEY, name text);
            CREATE TABLE child (id serial PRIMARY KEY, parent_id int NOT NULL REFERENCES parent ON DELETE CASCADE, v int);
            CREATE TABLE dups (a int, b text, j json, p point);
            ALTER TABLE dups REPLICA IDENTITY FULL;
            CREATE TABLE comp (a int, b text, v int, PRIMARY KEY (a, b));
            CREATE SCHEMA "My Schema";
            """;
    private static final String ODD_TABLE = " (\"Key Col\" int PRIMARY KEY, \"Some \"\"Quoted\"\" Col?\" text)";
    /** About 100 kB of random hex: does not compress, so it is stored out of line. */
    private static final String BIG = "(SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 3200))";

    /** PostgreSQL 13 as a source speaks pgoutput v1, 14 and later v2. */
    @ParameterizedTest(name = "source PostgreSQL {0}")
    @ValueSource(strings = {"14", "13"})
    void replayKeepsUpWithSeveralWritersAndEndsIdentical(String sourceVersion) throws Exception {
        try (ReplicationFixture f = new ReplicationFixture(PgServer.version(sourceVersion), PgServer.pg17(), "concurrent")) {
            f.both(SCHEMA);
            f.sourceDb.execute("CREATE TABLE \"My Schema\".\"Odd \"\"Name\"\" T\"" + ODD_TABLE);
            f.targetDb.execute("CREATE TABLE \"My Schema\".\"renamed on target\"" + ODD_TABLE);
            f.sourceDb.execute("INSERT INTO accounts (balance, note, doc) SELECT g, 'n' || g, " + BIG
                    + " FROM generate_series(1, 40) g;"
                    + "INSERT INTO accounts (balance, note) SELECT g, 'n' || g FROM generate_series(41, 200) g;"
                    + "INSERT INTO parent SELECT g, 'p' || g FROM generate_series(1, 100) g;"
                    + "INSERT INTO child (parent_id, v) SELECT p, c FROM generate_series(1, 100) p, generate_series(1, 3) c;"
                    + "INSERT INTO dups SELECT g % 10, 'd', '{\"k\": 1}', point(g % 10, 0) FROM generate_series(1, 60) g;"
                    + "INSERT INTO dups VALUES (NULL, NULL, NULL, NULL), (NULL, NULL, NULL, NULL);"
                    + "INSERT INTO comp SELECT g, 'k' || (g % 3), g FROM generate_series(1, 100) g;"
                    + "INSERT INTO \"My Schema\".\"Odd \"\"Name\"\" T\" SELECT g, 'o' || g FROM generate_series(1, 50) g");
            f.plan(List.of(same("public", "accounts"), same("public", "parent"), same("public", "child"),
                    same("public", "dups"), same("public", "comp"),
                    map("My Schema", "Odd \"Name\" T", "My Schema", "renamed on target"))).prepare();

            Replicator replicator = f.startReplicator();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(5);
            try {
                Instant replayStarted = Instant.now();
                Future<?> replay = pool.submit(() -> replicator.replicate(stop::get));
                AtomicLong transactions = new AtomicLong();
                // a number of transactions, not a span of time: as much overlap with replay on any machine
                Instant until = Instant.now().plusSeconds(60);
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    writers.add(pool.submit(() -> write(f.sourceDb, until, transactions)));
                }
                for (Future<?> writer : writers) {
                    writer.get();
                }
                LogSequenceNumber fence = f.emitFence();
                stop.set(true);
                replay.get();
                assertThat(replicator.drainTo(fence, Instant.now().plusSeconds(60))).isTrue();
                double seconds = Duration.between(replayStarted, Instant.now()).toMillis() / 1000.0;
                System.out.printf("concurrent writers: %d source transactions, %d changes applied in %.1f s"
                                + " (%.0f changes/s), %d rows not found%n", transactions.get(),
                        f.board.changesApplied(), seconds, f.board.changesApplied() / seconds, replicator.rowsNotFound());
                assertThat(transactions.get()).isGreaterThanOrEqualTo(TRANSACTIONS);
                assertThat(replicator.usesReplicaRole()).isTrue();
                // the cascade reached the target twice (the source's own child deletes, and the FK on the target
                // would have): the replica role keeps the target's FK quiet, so no row is missing for a DELETE
                assertThat(replicator.rowsNotFound()).isZero();

                ReplicationStatus status = f.board.snapshot().getReplication();
                assertThat(status.getConfirmedLsn()).isEqualTo(replicator.confirmedLsn().asString());
                assertThat(LogSequenceNumber.valueOf(status.getConfirmedLsn()).asLong()).isGreaterThanOrEqualTo(fence.asLong());
                assertThat(status.getLagSeconds()).isZero();
                assertThat(status.getChangesApplied()).isEqualTo(f.board.changesApplied()).isPositive();
            } finally {
                stop.set(true);
                pool.shutdownNow();
                replicator.close();
            }
            f.assertSameRows();
            assertThat(f.checkpoint.appliedLsn()).contains(LogSequenceNumber.valueOf(
                    f.targetDb.queryValue("SELECT applied_lsn::text FROM tablemigrator.migrations WHERE id = '"
                            + f.plan.id() + "'")));
            // the TOASTed documents survived the updates that did not touch them
            assertThat(f.targetDb.queryValue("SELECT count(*) FROM accounts WHERE length(doc) = 102400"))
                    .isEqualTo(f.sourceDb.queryValue("SELECT count(*) FROM accounts WHERE length(doc) = 102400"))
                    .isNotEqualTo("0");
        }
    }

    /** One writer: random single-statement transactions (and a few multi-statement ones) until there are enough. */
    private static Void write(TestDb db, Instant until, AtomicLong transactions) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (Connection c = db.connect()) {
            while (transactions.get() < TRANSACTIONS && Instant.now().isBefore(until)) {
                int op = random.nextInt(100);
                int id = random.nextInt(1, 220);
                try {
                    if (op < 20) {
                        exec(c, "INSERT INTO accounts (balance, note) VALUES (?, 'new')", id);
                    } else if (op < 45) {
                        // leaves doc (TOAST) untouched
                        exec(c, "UPDATE accounts SET balance = balance + 1, note = 'u' WHERE id = ?", id);
                    } else if (op < 48) {
                        exec(c, "UPDATE accounts SET doc = " + BIG + " WHERE id = ?", id);
                    } else if (op < 53) {
                        exec(c, "DELETE FROM accounts WHERE id = ?", id + 40);
                    } else if (op < 58) {
                        exec(c, "DELETE FROM parent WHERE id = ?", id % 100);
                    } else if (op < 63) {
                        c.setAutoCommit(false);
                        exec(c, "INSERT INTO parent VALUES (?, 'again') ON CONFLICT DO NOTHING", id % 100);
                        exec(c, "INSERT INTO child (parent_id, v) VALUES (?, 1), (?, 2)", id % 100, id % 100);
                        c.commit();
                        c.setAutoCommit(true);
                    } else if (op < 68) {
                        exec(c, "UPDATE child SET v = v + 1 WHERE parent_id = ?", id % 100);
                    } else if (op < 73) {
                        exec(c, "INSERT INTO dups VALUES (?, 'd', '{\"k\": 1}', point(?, 0))", id % 10, id % 10);
                    } else if (op < 78) {
                        exec(c, "UPDATE dups SET b = 'changed' || ?, j = '[1, 2]' WHERE ctid ="
                                + " (SELECT ctid FROM dups WHERE a = ? LIMIT 1)", id, id % 10);
                    } else if (op < 81) {
                        exec(c, "DELETE FROM dups WHERE ctid = (SELECT ctid FROM dups WHERE a = ? LIMIT 1)", id % 10);
                    } else if (op < 83) {
                        exec(c, "UPDATE dups SET b = 'was null' WHERE ctid ="
                                + " (SELECT ctid FROM dups WHERE a IS NULL LIMIT 1)");
                    } else if (op < 90) {
                        exec(c, "UPDATE comp SET v = v + 1 WHERE a = ? AND b = 'k' || (? % 3)", id % 100, id % 100);
                    } else if (op < 93) {
                        exec(c, "INSERT INTO comp VALUES (?, 'x' || ?, 0) ON CONFLICT DO NOTHING", id, random.nextInt(50));
                    } else if (op < 95) {
                        exec(c, "DELETE FROM comp WHERE a = ?", id % 100);
                    } else if (op < 98) {
                        exec(c, "UPDATE \"My Schema\".\"Odd \"\"Name\"\" T\" SET \"Some \"\"Quoted\"\" Col?\" = 'it''s ' || ?"
                                + " WHERE \"Key Col\" = ?", id, id % 50);
                    } else {
                        exec(c, "UPDATE comp SET b = b || '!' WHERE a = ?", id % 100); // a key change
                    }
                    transactions.incrementAndGet();
                } catch (SQLException e) {
                    // deadlocks and duplicate keys between writers: the transaction simply did not happen
                    if (!c.getAutoCommit()) {
                        c.rollback();
                        c.setAutoCommit(true);
                    }
                }
            }
        }
        return null;
    }

    private static void exec(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
