package io.tablemigrator.engine.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.tablemigrator.api.CutoverPolicy;
import io.tablemigrator.api.MigrationMode;
import io.tablemigrator.api.SourceAfterCutover;
import io.tablemigrator.api.ValidationMode;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.PgUrl;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.TestDb;

class FenceTest {

    private final TestDb db = PgServer.pg14().newDatabase("fence");

    private MigrationPlan plan() {
        db.execute("CREATE SCHEMA \"Sales\"; CREATE TABLE \"Sales\".\"Order Items\" (id int); CREATE TABLE t2 (id int);"
                + " CREATE ROLE " + writer() + " LOGIN; GRANT ALL ON ALL TABLES IN SCHEMA \"Sales\", public TO " + writer()
                + "; GRANT USAGE ON SCHEMA \"Sales\" TO " + writer());
        List<TableMapping> tables = List.of(
                new TableMapping(new QualifiedName("Sales", "Order Items"), new QualifiedName("s", "x")),
                new TableMapping(new QualifiedName("public", "t2"), new QualifiedName("s", "y")));
        return new MigrationPlan("shop/fence-test", MigrationMode.Offline, PgUrl.parse(db.url()), PgUrl.parse(db.url()),
                tables, 1, CutoverPolicy.Automatic, 0, Duration.ofSeconds(5), SourceAfterCutover.ReadOnly,
                ValidationMode.Count, 1, java.util.Set.of(), false, "_old", io.tablemigrator.api.RollbackWindow.Disabled);
    }

    @Test
    void anApplicationRoleCannotWriteFencedTablesAndCanAgainOnceLifted() throws SQLException {
        MigrationPlan plan = plan();
        Fence fence = new Fence(plan);
        Database source = new Database("source", plan.source());
        try (Connection c = source.connect()) {
            fence.install(c, Fence.Purpose.MOVED);
            assertThat(fence.isInstalled(c)).isTrue();
        }
        assertThatThrownBy(() -> asAppWriter("INSERT INTO \"Sales\".\"Order Items\" VALUES (1)"))
                .hasMessageContaining("is read-only: tablemigrator migration shop/fence-test moved it to another database")
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));
        assertThatThrownBy(() -> asAppWriter("TRUNCATE t2")).hasMessageContaining("read-only");
        asAppWriter("SELECT count(*) FROM t2");

        try (Connection c = source.connect()) {
            fence.lift(c);
            assertThat(fence.isInstalled(c)).isFalse();
            fence.lift(c);
        }
        asAppWriter("INSERT INTO \"Sales\".\"Order Items\" VALUES (1)");
    }

    @Test
    void theCutoverLockMakesWritesWaitAndEndsWithTheFence() throws Exception {
        MigrationPlan plan = plan();
        Database source = new Database("source", plan.source());
        try (WriteBlock block = WriteBlock.acquire(source, plan, Duration.ofSeconds(2)).orElseThrow()) {
            assertThat(block.fenceLsn(plan.id()).asLong()).isPositive();
            var writer = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    asAppWriter("INSERT INTO t2 VALUES (1)");
                } catch (SQLException e) {
                    throw new RuntimeException(e);
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "Lock".equals(db.queryValue(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE usename = '" + writer() + "' AND state = 'active'")));
            assertThat(writer).isNotDone();
            block.releaseFenced(new Fence(plan));
            assertThatThrownBy(writer::join).hasMessageContaining("read-only");
            assertThat(block.blockedMillis()).isGreaterThanOrEqualTo(0);
        }
        assertThat(db.count("t2")).isZero();
    }

    /**
     * An application transaction that has written one migrated table and goes on to write another: a lock request
     * that waited for the first while holding the second would deadlock with it, and PostgreSQL might abort the
     * application's transaction. The cutover's lock is tried without waiting first, so the application commits and
     * the lock follows.
     */
    @Test
    void anApplicationTransactionWritingTwoTablesNeverDeadlocksWithTheCutoverLock() throws Exception {
        lockWhileTheApplicationWritesBothTables("query LIKE 'LOCK TABLE%'");
    }

    /**
     * The same, with tables busy for longer than the lock is tried without waiting: the lock queues, holding the first
     * table, and the application's transaction now waits for it. Each queued round gives up before a deadlock check
     * could run, so the application's write goes through, and a later round gets the lock.
     */
    @Test
    void aQueuedLockGivesWayToTheApplicationBeforeADeadlockCheck() throws Exception {
        lockWhileTheApplicationWritesBothTables(
                "wait_event_type = 'Lock' AND query LIKE 'LOCK TABLE%' AND query NOT LIKE '%NOWAIT'");
    }

    /**
     * The application writes t2; the cutover lock is requested; once the lock's session matches {@code lockState}
     * in pg_stat_activity, the application writes the other table and commits. Both the application and the lock
     * must succeed.
     */
    private void lockWhileTheApplicationWritesBothTables(String lockState) throws Exception {
        MigrationPlan plan = plan();
        Database source = new Database("source", plan.source());
        try (Connection app = appConnection(); Statement st = app.createStatement()) {
            app.setAutoCommit(false);
            st.execute("INSERT INTO t2 VALUES (1)");
            var acquiring = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return WriteBlock.acquire(source, plan, Duration.ofSeconds(30));
                } catch (SQLException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                    .until(() -> !"0".equals(db.queryValue("SELECT count(*) FROM pg_stat_activity"
                            + " WHERE datname = current_database() AND " + lockState)));
            st.execute("INSERT INTO \"Sales\".\"Order Items\" VALUES (1)");
            app.commit();
            try (WriteBlock block = acquiring.get(60, java.util.concurrent.TimeUnit.SECONDS).orElseThrow()) {
                block.release();
            }
        }
        assertThat(db.count("t2")).isEqualTo(1);
        assertThat(db.count("\"Sales\".\"Order Items\"")).isEqualTo(1);
    }

    private Connection appConnection() throws SQLException {
        return java.sql.DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + db.server().port() + "/" + db.name(), writer(), "");
    }

    /** An application's role, one per test database (roles are server-wide). */
    private String writer() {
        return db.name() + "_app";
    }

    private void asAppWriter(String sql) throws SQLException {
        try (Connection c = appConnection()) {
            c.createStatement().execute(sql);
        }
    }
}
