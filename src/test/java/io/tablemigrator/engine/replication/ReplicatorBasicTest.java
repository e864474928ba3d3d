package io.tablemigrator.engine.replication;

import static io.tablemigrator.engine.replication.ReplicationFixture.same;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postgresql.replication.LogSequenceNumber;

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
}
