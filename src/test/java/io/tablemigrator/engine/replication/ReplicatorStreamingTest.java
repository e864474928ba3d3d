package io.tablemigrator.engine.replication;

import static io.tablemigrator.engine.replication.ReplicationFixture.same;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.ArrayList;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.replication.LogSequenceNumber;

import io.tablemigrator.testing.PgServer;

/**
 * Transactions larger than logical_decoding_work_mem (64kB on the test servers) arrive streamed, before they
 * commit: applied at Stream Commit, dropped at Stream Abort, and a rolled-back subtransaction leaves only its own
 * changes out. A PostgreSQL 13 source (pgoutput v1) cannot stream: the same transactions arrive whole at commit.
 */
class ReplicatorStreamingTest {

    @ParameterizedTest(name = "source PostgreSQL {0}")
    @ValueSource(strings = {"13", "14", "17"})
    void streamedTransactionsAreAppliedAtCommitAndDroppedAtAbort(String sourceVersion) throws Exception {
        PgServer sourceServer = PgServer.version(sourceVersion);
        boolean streams = !sourceVersion.equals("13");
        try (ReplicationFixture f = new ReplicationFixture(sourceServer, PgServer.pg17(), "streaming")) {
            f.both("CREATE TABLE big (id int PRIMARY KEY, payload text, note text)");
            f.both("CREATE TABLE small (id serial PRIMARY KEY, v int)");
            f.plan(List.of(same("public", "big"), same("public", "small"))).prepare();

            List<String> largeXids = new ArrayList<>();
            try (Connection c = f.sourceDb.connect(); Connection other = f.sourceDb.connect();
                 Statement st = c.createStatement(); Statement ot = other.createStatement()) {
                c.setAutoCommit(false);
                // a large transaction, with small ones committing in the middle of it
                st.execute("INSERT INTO big SELECT g, repeat('a', 100), 'first' FROM generate_series(1, 5000) g");
                largeXids.add(xid(st));
                ot.execute("INSERT INTO small (v) VALUES (1)");
                st.execute("UPDATE big SET note = 'updated' WHERE id % 2 = 0");
                ot.execute("INSERT INTO small (v) VALUES (2)");
                st.execute("DELETE FROM big WHERE id % 10 = 0");
                c.commit();

                // a large transaction that rolls back
                st.execute("INSERT INTO big SELECT g, repeat('r', 100), 'rolled back' FROM generate_series(10001, 15000) g");
                largeXids.add(xid(st));
                st.execute("DELETE FROM big WHERE id < 100");
                c.rollback();

                // a subtransaction rolls back inside a large one, another is released
                st.execute("INSERT INTO big SELECT g, repeat('s', 100), 'outer' FROM generate_series(20001, 22000) g");
                largeXids.add(xid(st));
                st.execute("SAVEPOINT a");
                st.execute("INSERT INTO big SELECT g, repeat('x', 100), 'aborted sub' FROM generate_series(30001, 33000) g");
                st.execute("UPDATE big SET note = 'aborted sub' WHERE id BETWEEN 20001 AND 21000");
                st.execute("SAVEPOINT nested");
                st.execute("INSERT INTO big SELECT g, 'n', 'nested in aborted' FROM generate_series(35001, 36000) g");
                st.execute("ROLLBACK TO SAVEPOINT a");
                st.execute("SAVEPOINT b");
                st.execute("INSERT INTO big SELECT g, repeat('k', 100), 'kept sub' FROM generate_series(40001, 42000) g");
                st.execute("RELEASE SAVEPOINT b");
                st.execute("UPDATE big SET note = 'after' WHERE id BETWEEN 21001 AND 21500");
                c.commit();
            }
            LogSequenceNumber fence = f.emitFence();
            try (Replicator replicator = f.startReplicator()) {
                assertThat(replicator.protocolVersion()).isEqualTo(streams ? 2 : 1);
                assertThat(replicator.drainTo(fence, Instant.now().plusSeconds(60))).isTrue();
                assertThat(replicator.streamedTransactionsApplied()).isEqualTo(streams ? 2 : 0);
            }
            f.assertSameRows();
            assertThat(f.targetDb.queryValue("SELECT count(*) FROM big WHERE note LIKE '%aborted%'")).isEqualTo("0");
            assertThat(f.targetDb.queryValue("SELECT count(*) FROM big WHERE note = 'kept sub'")).isEqualTo("2000");
            assertThat(f.targetDb.queryValue("SELECT count(*) FROM small")).isEqualTo("2");
            assertThat(spoolFiles(largeXids)).as("spool files left behind").isEmpty();
        }
    }

    private static String xid(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT txid_current() % (2^32)::bigint")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Spool files of these source transactions (named by xid; other processes on the machine may have their own). */
    private static List<Path> spoolFiles(List<String> xids) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> xids.stream().anyMatch(
                    xid -> p.getFileName().toString().startsWith("tablemigrator-xid" + xid + "-"))).toList();
        }
    }
}
