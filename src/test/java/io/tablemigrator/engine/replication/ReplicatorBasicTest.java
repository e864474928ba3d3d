package io.tablemigrator.engine.replication;

import static io.tablemigrator.engine.replication.ReplicationFixture.same;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postgresql.replication.LogSequenceNumber;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.testing.PgServer;

class ReplicatorBasicTest {

    @Test
    void insertsUpdatesAndDeletesAfterTheSnapshotReachTheTarget() {
        try (ReplicationFixture f = new ReplicationFixture(PgServer.pg14(), PgServer.pg17(), "basic")) {
            f.both("CREATE TABLE items (id int PRIMARY KEY, name text, big text)");
            f.sourceDb.execute("INSERT INTO items SELECT g, 'item ' || g, NULL FROM generate_series(1, 100) g");
            f.plan(List.of(same("public", "items"))).prepare();
            f.sourceDb.execute("INSERT INTO items VALUES (101, 'new', NULL);"
                    + "UPDATE items SET name = 'changed' WHERE id = 5;"
                    + "DELETE FROM items WHERE id = 7;"
                    + "UPDATE items SET big = (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 4000) g)"
                    + " WHERE id = 9;"
                    + "UPDATE items SET name = 'toast kept' WHERE id = 9");
            LogSequenceNumber fence = f.emitFence();
            try (Replicator replicator = f.startReplicator()) {
                assertThat(replicator.drainTo(fence, Instant.now().plusSeconds(30))).isTrue();
            }
            f.assertSameRows();
            assertThat(f.targetDb.queryValue("SELECT length(big) FROM items WHERE id = 9")).isEqualTo("128000");
        }
    }

    /**
     * A key stored out of line (TOAST) that an UPDATE leaves alone arrives as "unchanged" in the new row; the source
     * then sends the old key in full, which is what finds the row on the target.
     */
    @Test
    void aKeyStoredOutOfLineStillFindsItsRow() {
        try (ReplicationFixture f = new ReplicationFixture(PgServer.pg14(), PgServer.pg17(), "toastkey")) {
            f.both("CREATE TABLE docs (k text PRIMARY KEY, v int); ALTER TABLE docs ALTER k SET STORAGE EXTERNAL");
            f.plan(List.of(same("public", "docs"))).prepare();
            f.sourceDb.execute("INSERT INTO docs SELECT repeat(md5(g::text), 75), g"
                    + " FROM generate_series(1, 20) g;"
                    + "UPDATE docs SET v = v * 100;"
                    + "DELETE FROM docs WHERE v = 700");
            assertThat(f.sourceDb.queryValue("SELECT pg_relation_size(reltoastrelid) > 0 FROM pg_class WHERE relname = 'docs'"))
                    .as("the keys are stored out of line").isEqualTo("t");
            LogSequenceNumber fence = f.emitFence();
            try (Replicator replicator = f.startReplicator()) {
                assertThat(replicator.drainTo(fence, Instant.now().plusSeconds(30))).isTrue();
            }
            f.assertSameRows();
            assertThat(f.targetDb.queryValue("SELECT sum(v) FROM docs")).isEqualTo(String.valueOf(100 * (210 - 7)));
        }
    }

    /**
     * The application adds a column on the source while replay runs: replay stops with the fix (add it on the
     * target), as a PostgreSQL subscription would, and goes on from its checkpoint once that is done.
     */
    @Test
    void aColumnAddedOnTheSourceStopsReplayWithTheFixAndReplayGoesOnOnceTheTargetHasIt() {
        try (ReplicationFixture f = new ReplicationFixture(PgServer.pg14(), PgServer.pg17(), "addcol")) {
            f.both("CREATE TABLE items (id int PRIMARY KEY, name text)");
            f.plan(List.of(same("public", "items"))).prepare();
            f.sourceDb.execute("INSERT INTO items VALUES (1, 'before');"
                    + "ALTER TABLE items ADD COLUMN price numeric(10, 2);"
                    + "INSERT INTO items VALUES (2, 'after', 9.5); UPDATE items SET price = 1 WHERE id = 1");
            LogSequenceNumber fence = f.emitFence();
            try (Replicator replicator = f.startReplicator()) {
                assertThatThrownBy(() -> replicator.drainTo(fence, Instant.now().plusSeconds(30)))
                        .isInstanceOfSatisfying(MigrationError.class, e -> {
                            assertThat(e.reason()).isEqualTo("TargetColumnMissing");
                            assertThat(e.isPermanent()).isFalse();
                            assertThat(e.getMessage()).contains("public.items lacks column price")
                                    .contains("Add it to the target table with the same type, then run again.");
                        });
            }
            f.targetDb.execute("ALTER TABLE items ADD COLUMN price numeric(10, 2)");
            try (Replicator replicator = f.startReplicator()) {
                assertThat(replicator.drainTo(fence, Instant.now().plusSeconds(30))).isTrue();
            }
            f.assertSameRows();
        }
    }
}
