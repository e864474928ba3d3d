package io.tablemigrator.engine.replication;

import static io.tablemigrator.engine.replication.ReplicationFixture.same;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.PgUrl;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.db.Sql;
import io.tablemigrator.testing.PgServer;

class ReplicationSlotsAndPublicationsTest {

    @Test
    void publicationHoldsExactlyTheMigratedTablesAndIsFixedWhenItDiffers() {
        try (ReplicationFixture f = new ReplicationFixture(PgServer.pg14(), PgServer.pg17(), "pub")) {
            f.sourceDb.execute("CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY);"
                    + "CREATE SCHEMA \"We'ird\"; CREATE TABLE \"We'ird\".\"Ta\"\"ble\" (id int PRIMARY KEY)");
            QualifiedName a = new QualifiedName("public", "a");
            QualifiedName b = new QualifiedName("public", "b");
            QualifiedName weird = new QualifiedName("We'ird", "Ta\"ble");
            String publication = "tm_pub_test";

            Publications.ensure(f.source, publication, List.of(a, weird));
            Publications.ensure(f.source, publication, List.of(a, weird)); // idempotent
            assertThat(Publications.tables(f.source, publication)).containsExactlyInAnyOrder(a, weird);

            Publications.ensure(f.source, publication, List.of(b, weird));
            assertThat(Publications.tables(f.source, publication)).isEqualTo(Set.of(b, weird));

            Publications.drop(f.source, publication);
            Publications.drop(f.source, publication); // idempotent
            assertThat(f.sourceDb.queryValue("SELECT count(*) FROM pg_publication")).isEqualTo("0");

            assertThatThrownBy(() -> Publications.ensure(f.source, publication, List.of(new QualifiedName("public", "nope"))))
                    .isInstanceOfSatisfying(MigrationError.class, e -> {
                        assertThat(e.reason()).isEqualTo("PublicationFailed");
                        assertThat(e.getMessage()).contains("tm_pub_test").contains("does not exist");
                    });
        }
    }

    @Test
    void slotExportsASnapshotThatLivesAsLongAsTheHandle() throws SQLException {
        try (ReplicationFixture f = new ReplicationFixture(PgServer.pg17(), PgServer.pg17(), "slot")) {
            f.sourceDb.execute("CREATE TABLE t (id int)");
            f.plan(List.of(same("public", "t")));
            String slot = f.plan.slotName();
            String snapshot;
            try (ExportedSnapshotSlot created = ReplicationSlots.create(f.source, slot)) {
                snapshot = created.snapshotName();
                assertThat(created.consistentLsn().asLong()).isPositive();
                f.sourceDb.execute("INSERT INTO t VALUES (1)"); // after the snapshot
                try (Connection c = f.sourceDb.connect(); Statement st = c.createStatement()) {
                    c.setAutoCommit(false);
                    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                    st.execute("SET TRANSACTION SNAPSHOT " + Sql.literal(snapshot));
                    try (var rs = st.executeQuery("SELECT count(*) FROM t")) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("rows the snapshot sees").isZero();
                    }
                    c.commit();
                }
            }
            try (Connection c = f.sourceDb.connect(); Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                assertThatThrownBy(() -> st.execute("SET TRANSACTION SNAPSHOT " + Sql.literal(snapshot)))
                        .hasMessageContaining("snapshot");
            }
            assertThat(ReplicationSlots.exists(f.source, slot)).isTrue();
            assertThatThrownBy(() -> ReplicationSlots.create(f.source, slot))
                    .isInstanceOfSatisfying(MigrationError.class, e -> assertThat(e.reason()).isEqualTo("ReplicationSlotExists"));

            long lagBefore = ReplicationSlots.lagBytes(f.source, slot);
            f.sourceDb.execute("INSERT INTO t SELECT g FROM generate_series(1, 1000) g");
            // pg_current_wal_lsn is the written position: the WAL writer gets there within its delay
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(ReplicationSlots.lagBytes(f.source, slot)).isGreaterThan(lagBefore));
        }
    }

    @Test
    void aSlotHeldByARunningReplayIsDroppedAndNothingIsLeft() {
        try (ReplicationFixture f = new ReplicationFixture(PgServer.pg14(), PgServer.pg17(), "dropheld")) {
            f.both("CREATE TABLE t (id int PRIMARY KEY)");
            f.plan(List.of(same("public", "t"))).prepare();
            Replicator replicator = f.startReplicator();
            try {
                assertThat(f.sourceDb.queryValue("SELECT active FROM pg_replication_slots WHERE slot_name = '"
                        + f.plan.slotName() + "'")).isEqualTo("t");
                ReplicationSlots.drop(f.source, f.plan.slotName());
                Publications.drop(f.source, f.plan.publicationName());
            } finally {
                replicator.close();
            }
            assertThat(f.sourceDb.query("SELECT slot_name FROM pg_replication_slots WHERE database = current_database()"))
                    .isEmpty();
            assertThat(f.sourceDb.query("SELECT pubname FROM pg_publication")).isEmpty();
            ReplicationSlots.drop(f.source, f.plan.slotName()); // a missing slot is not an error

            assertThatThrownBy(f::startReplicator).isInstanceOfSatisfying(MigrationError.class, e -> {
                assertThat(e.reason()).isEqualTo("ReplicationSlotMissing");
                assertThat(e.getMessage()).contains(f.plan.slotName()).contains("start it again");
            });
            assertThatThrownBy(() -> ReplicationSlots.lagBytes(f.source, f.plan.slotName()))
                    .isInstanceOfSatisfying(MigrationError.class, e -> assertThat(e.reason()).isEqualTo("ReplicationSlotMissing"));
        }
    }

    @Test
    void aMissingPublicationStopsReplayWithItsOwnReason() {
        try (ReplicationFixture f = new ReplicationFixture(PgServer.pg14(), PgServer.pg17(), "nopub")) {
            f.both("CREATE TABLE t (id int PRIMARY KEY)");
            f.plan(List.of(same("public", "t"))).prepare();
            Publications.drop(f.source, f.plan.publicationName());
            f.sourceDb.execute("INSERT INTO t VALUES (1)");
            try (Replicator replicator = f.startReplicator()) {
                assertThatThrownBy(() -> replicator.drainTo(f.emitFence(), Instant.now().plusSeconds(20)))
                        .isInstanceOfSatisfying(MigrationError.class, e -> {
                            assertThat(e.reason()).isEqualTo("PublicationMissing");
                            assertThat(e.getMessage()).contains(f.plan.publicationName());
                        });
            }
        }
    }

    @Test
    void permissionProblemsNameTheCauseAndTheFix() {
        try (ReplicationFixture f = new ReplicationFixture(PgServer.pg14(), PgServer.pg14(), "perm")) {
            String role = "plain_" + f.sourceDb.name();
            f.sourceDb.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'secret-pw'");
            Database plainSource = new Database("source", PgUrl.parse(f.sourceDb.url(role, "secret-pw")));
            assertThatThrownBy(() -> ReplicationSlots.create(plainSource, "tm_perm_slot"))
                    .isInstanceOfSatisfying(MigrationError.class, e -> {
                        assertThat(e.reason()).isEqualTo("SourcePermissionDenied");
                        assertThat(e.getMessage()).contains("REPLICATION").doesNotContain("secret-pw");
                    });

            // a target user who may write the table but not set session_replication_role (PostgreSQL 14)
            f.both("CREATE TABLE t (id int PRIMARY KEY, v text)");
            f.targetDb.execute("GRANT USAGE, CREATE ON SCHEMA public TO " + role + ";"
                    + "GRANT SELECT ON t TO " + role + "; GRANT CREATE ON DATABASE " + f.targetDb.name() + " TO " + role);
            Database plainTarget = new Database("target", PgUrl.parse(f.targetDb.url(role, "secret-pw")));
            assertThat(ChangeApplier.canUseReplicaRole(plainTarget)).isFalse();
            assertThat(ChangeApplier.canUseReplicaRole(f.target)).isTrue();

            f.plan(List.of(same("public", "t"))).prepare();
            f.targetDb.execute("GRANT USAGE ON SCHEMA tablemigrator TO " + role + ";"
                    + "GRANT SELECT, UPDATE ON tablemigrator.migrations TO " + role);
            f.sourceDb.execute("INSERT INTO t VALUES (1, 'x')");
            try (Replicator replicator = Replicator.start(f.plan, f.source, plainTarget, f.checkpoint, f.board)) {
                assertThat(replicator.usesReplicaRole()).isFalse();
                assertThatThrownBy(() -> replicator.drainTo(f.emitFence(), Instant.now().plusSeconds(20)))
                        .isInstanceOfSatisfying(MigrationError.class, e -> {
                            assertThat(e.reason()).isEqualTo("TargetPermissionDenied");
                            assertThat(e.getMessage()).contains("public.t").contains("INSERT");
                        });
            }
            f.targetDb.execute("GRANT INSERT, UPDATE, DELETE, TRUNCATE ON t TO " + role);
            f.sourceDb.execute("UPDATE t SET v = 'y'; INSERT INTO t VALUES (2, 'z'); DELETE FROM t WHERE id = 1");
            try (Replicator replicator = Replicator.start(f.plan, f.source, plainTarget, f.checkpoint, f.board)) {
                assertThat(replicator.drainTo(f.emitFence(), Instant.now().plusSeconds(20))).isTrue();
            }
            f.assertSameRows();
        }
    }

    @Test
    void truncateEmptiesTheTargetTables() {
        try (ReplicationFixture f = new ReplicationFixture(PgServer.pg17(), PgServer.pg14(), "truncate")) {
            f.both("CREATE TABLE p (id serial PRIMARY KEY); CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES p)");
            f.sourceDb.execute("INSERT INTO p SELECT FROM generate_series(1, 5); INSERT INTO c VALUES (1, 1)");
            f.plan(List.of(same("public", "p"), same("public", "c"))).prepare();
            f.sourceDb.execute("TRUNCATE p, c RESTART IDENTITY; INSERT INTO p DEFAULT VALUES");
            try (Replicator replicator = f.startReplicator()) {
                assertThat(replicator.drainTo(f.emitFence(), Instant.now().plusSeconds(20))).isTrue();
            }
            f.assertSameRows();
            assertThat(f.targetDb.queryValue("SELECT count(*) FROM p")).isEqualTo("1");
        }
    }
}
