package io.tablemigrator.engine.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;

import io.tablemigrator.api.CutoverPolicy;
import io.tablemigrator.api.MigrationMode;
import io.tablemigrator.api.SourceAfterCutover;
import io.tablemigrator.api.ValidationMode;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.StatusBoard;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.checkpoint.CheckpointStore;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.PgUrl;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.db.Sql;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.TestDb;

/**
 * A source and a target database with what replay needs around it, the way the orchestrator sets it up: the
 * publication, the slot with its exported snapshot, the copy from that snapshot (done here by COPY, the tables
 * having been created by hand), and the checkpoint's consistent LSN.
 */
final class ReplicationFixture implements AutoCloseable {
    private static final AtomicInteger IDS = new AtomicInteger();

    final TestDb sourceDb;
    final TestDb targetDb;
    final Database source;
    final Database target;
    MigrationPlan plan;
    CheckpointStore checkpoint;
    StatusBoard board;

    ReplicationFixture(PgServer sourceServer, PgServer targetServer, String prefix) {
        sourceDb = sourceServer.newDatabase(prefix + "_src");
        targetDb = targetServer.newDatabase(prefix + "_tgt");
        source = new Database("source", PgUrl.parse(sourceDb.url()));
        target = new Database("target", PgUrl.parse(targetDb.url()));
    }

    static TableMapping same(String schema, String name) {
        return new TableMapping(new QualifiedName(schema, name), new QualifiedName(schema, name));
    }

    static TableMapping map(String schema, String name, String targetSchema, String targetName) {
        return new TableMapping(new QualifiedName(schema, name), new QualifiedName(targetSchema, targetName));
    }

    ReplicationFixture plan(List<TableMapping> tables) {
        plan = new MigrationPlan("test/" + sourceDb.name() + "-" + IDS.incrementAndGet(), MigrationMode.Online,
                source.url(), target.url(), tables, 2, CutoverPolicy.Automatic, 1 << 20, Duration.ofMinutes(1),
                SourceAfterCutover.Writable, ValidationMode.Count, 1, java.util.Set.of(), false, "_old",
                io.tablemigrator.api.RollbackWindow.Disabled);
        checkpoint = CheckpointStore.open(target, plan.id());
        board = new StatusBoard(tables);
        return this;
    }

    /** Publication, slot, copy from the exported snapshot, consistent LSN in the checkpoint. */
    LogSequenceNumber prepare() {
        Publications.ensure(source, plan);
        try (ExportedSnapshotSlot slot = ReplicationSlots.create(source, plan.slotName())) {
            for (TableMapping table : plan.tables()) {
                copy(slot.snapshotName(), table);
            }
            checkpoint.consistentLsn(slot.consistentLsn());
            return slot.consistentLsn();
        }
    }

    private void copy(String snapshot, TableMapping table) {
        try (Connection from = sourceDb.connect(); Connection to = targetDb.connect()) {
            from.setAutoCommit(false);
            from.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement st = from.createStatement()) {
                st.execute("SET TRANSACTION SNAPSHOT " + Sql.literal(snapshot));
            }
            ByteArrayOutputStream rows = new ByteArrayOutputStream();
            from.unwrap(PGConnection.class).getCopyAPI()
                    .copyOut("COPY (SELECT * FROM " + table.source().quoted() + ") TO STDOUT", rows);
            from.commit();
            to.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY " + table.target().quoted() + " FROM STDIN", new ByteArrayInputStream(rows.toByteArray()));
        } catch (SQLException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Replicator startReplicator() {
        return Replicator.start(plan, source, target, checkpoint, board);
    }

    Replicator startReplicator(Replicator.Settings settings) {
        return Replicator.start(plan, source, target, checkpoint, board, settings);
    }

    /** Emits the cutover's fence message on the source and returns its LSN. */
    LogSequenceNumber emitFence() {
        return LogSequenceNumber.valueOf(sourceDb.queryValue(
                "SELECT pg_logical_emit_message(false, 'tablemigrator', 'fence')::text"));
    }

    void assertSameRows() {
        for (TableMapping table : plan.tables()) {
            List<String> expected = sourceDb.rowsOf(table.source().quoted());
            assertThat(targetDb.rowsOf(table.target().quoted()))
                    .as("rows of %s on the target", table.target().display())
                    .isEqualTo(expected);
        }
    }

    void both(String sql) {
        sourceDb.execute(sql);
        targetDb.execute(sql);
    }

    @Override
    public void close() {
        if (plan != null) {
            ReplicationSlots.drop(source, plan.slotName());
            Publications.drop(source, plan.publicationName());
            checkpoint.close();
        }
    }
}
