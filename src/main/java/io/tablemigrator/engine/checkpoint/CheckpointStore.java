package io.tablemigrator.engine.checkpoint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.postgresql.replication.LogSequenceNumber;

import io.tablemigrator.api.Phase;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.QualifiedName;

/**
 * Where a migration remembers how far it got, so that any process can be killed and started again
 * (DESIGN.md, invariant 4). It lives on the target, in schema {@code tablemigrator}: the applied source LSN is
 * written in the same transaction as the changes it covers (invariant 3), and the CLI and the worker resume
 * the same way without any local file. One row per migration id.
 */
public final class CheckpointStore implements AutoCloseable {
    public static final String SCHEMA = "tablemigrator";
    private static final String TABLE = SCHEMA + ".migrations";

    private final String id;
    /**
     * One session for the store's life: its reads and writes (a migration makes dozens, and a connection costs
     * more than the query), and the migration's advisory lock, which lives as long as the session does.
     */
    private final Connection session;

    private CheckpointStore(Connection session, String id) {
        this.session = session;
        this.id = id;
    }

    /** Opens the checkpoint of a migration, creating the bookkeeping table and the row when missing. */
    public static CheckpointStore open(Database target, String id) {
        CheckpointStore store = new CheckpointStore(target.connect(), id);
        try {
            store.ensure();
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public String id() {
        return id;
    }

    private void ensure() {
        Connection c = session;
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                    + " id text PRIMARY KEY,"
                    + " stage text NOT NULL DEFAULT 'Pending',"
                    + " consistent_lsn pg_lsn,"
                    + " applied_lsn pg_lsn,"
                    + " created_tables jsonb NOT NULL DEFAULT '[]',"
                    + " cutover_approved boolean NOT NULL DEFAULT false,"
                    + " cancel_requested boolean NOT NULL DEFAULT false,"
                    + " status jsonb,"
                    + " copied jsonb,"
                    + " changes_applied bigint NOT NULL DEFAULT 0,"
                    + " updated_at timestamptz NOT NULL DEFAULT now())");
            // a table made by an earlier version lacks the totals; the ALTER only when needed (it locks the table)
            st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = '" + TABLE
                    + "'::regclass AND attname = 'changes_applied' AND NOT attisdropped) THEN ALTER TABLE " + TABLE
                    + " ADD COLUMN copied jsonb, ADD COLUMN changes_applied bigint NOT NULL DEFAULT 0; END IF; END $$");
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO " + TABLE + " (id) VALUES (?) ON CONFLICT (id) DO NOTHING")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new MigrationError("TargetPermissionDenied", "Cannot keep the migration's checkpoint on the target: "
                    + e.getMessage() + ". The target user needs CREATE on the target database (for schema "
                    + SCHEMA + ").", e);
        }
    }

    /**
     * Takes the migration's lock for the life of this store: only one engine may run a migration at a time,
     * whatever drives it. The lock is a session advisory lock, so a killed process releases it.
     */
    public void lockOrFail() {
        if (!tryLock()) {
            throw new MigrationError("AlreadyRunning", "Another process is running migration " + id
                    + " right now; stop it first, or wait for it to finish.");
        }
    }

    /**
     * Takes the lock for a cancel: when another process runs the migration, asks it to cancel (through this row)
     * and waits for it to let go.
     */
    public void lockWaitingForRunner(java.time.Duration wait) {
        if (tryLock()) {
            return;
        }
        requestCancel();
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(500_000_000L);
            if (tryLock()) {
                return;
            }
        }
        throw new MigrationError("CancelTimedOut", "Migration " + id + " is still running elsewhere " + wait.toSeconds()
                + " s after it was asked to cancel; stop that process, then cancel again.");
    }

    private synchronized boolean tryLock() {
        try (PreparedStatement ps = session.prepareStatement("SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
            ps.setString(1, "tablemigrator:" + id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new MigrationError("TargetUnreachable", "Cannot lock migration " + id + " on the target: "
                    + e.getMessage(), e);
        }
    }

    /** False once the migration was cancelled (its row deleted), for instance by the process that ran it. */
    public synchronized boolean exists() {
        try (PreparedStatement ps = session.prepareStatement("SELECT 1 FROM " + TABLE + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the checkpoint of " + id + ": " + e.getMessage(), e);
        }
    }

    public Phase stage() {
        return Phase.valueOf(readString("stage"));
    }

    public void stage(Phase stage) {
        update("stage = ?", stage.name());
    }

    /** The replication slot's consistent point: replay starts here; null until the slot exists. */
    public Optional<LogSequenceNumber> consistentLsn() {
        return Optional.ofNullable(readString("consistent_lsn")).map(LogSequenceNumber::valueOf);
    }

    /** A new slot (or none): nothing of it is applied yet, and the count of changes replayed starts again. */
    public void consistentLsn(LogSequenceNumber lsn) {
        update("consistent_lsn = ?::pg_lsn, applied_lsn = NULL, changes_applied = 0", lsn == null ? null : lsn.asString());
    }

    /** The end LSN of the last source transaction the target has committed. */
    public Optional<LogSequenceNumber> appliedLsn() {
        return Optional.ofNullable(readString("applied_lsn")).map(LogSequenceNumber::valueOf);
    }

    /**
     * Records the applied position, and adds the changes applied up to it to the migration's count, inside the
     * caller's open target transaction: the changes, the position and the count commit together or not at all, so
     * the count is exact whatever process applied them (each change is applied once).
     */
    public void recordApplied(Connection transaction, LogSequenceNumber endLsn, long changes) throws SQLException {
        try (PreparedStatement ps = transaction.prepareStatement("UPDATE " + TABLE
                + " SET applied_lsn = ?::pg_lsn, changes_applied = changes_applied + ?, updated_at = now() WHERE id = ?")) {
            ps.setString(1, endLsn.asString());
            ps.setLong(2, changes);
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    /** Changes replayed onto the target since the slot was created, by every run. */
    public long changesApplied() {
        return Long.parseLong(readString("changes_applied"));
    }

    /** What one table's finished copy moved. */
    public record CopyTotals(long rows, long bytes) {
    }

    /**
     * What each table's copy moved, by source table, once the whole copy is done (recorded before the stage moves
     * past Copying); empty before that, and again when the copy starts over.
     */
    public Map<QualifiedName, CopyTotals> copyTotals() {
        String json = readString("copied");
        Map<QualifiedName, CopyTotals> totals = new LinkedHashMap<>();
        if (json != null) {
            try {
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).forEach(n -> totals.put(
                        new QualifiedName(n.get("schema").asText(), n.get("name").asText()),
                        new CopyTotals(n.get("rows").asLong(), n.get("bytes").asLong())));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return totals;
    }

    /** Records what the copy moved (null forgets it: the copy starts over). */
    public void copyTotals(Map<QualifiedName, CopyTotals> totals) {
        String json = null;
        if (totals != null) {
            var array = new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode();
            totals.forEach((table, t) -> array.addObject().put("schema", table.schema()).put("name", table.name())
                    .put("rows", t.rows()).put("bytes", t.bytes()));
            json = array.toString();
        }
        update("copied = ?::jsonb", json);
    }

    /** Target tables this migration created itself: the only ones it may empty or drop when it starts over. */
    public List<QualifiedName> createdTables() {
        String json = readString("created_tables");
        List<QualifiedName> tables = new ArrayList<>();
        try {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
            node.forEach(n -> tables.add(new QualifiedName(n.get("schema").asText(), n.get("name").asText())));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return tables;
    }

    /**
     * Adds tables to the created list inside the caller's open target transaction: the one that creates them, so
     * that a table is recorded exactly when it exists.
     */
    public void recordCreatedTables(Connection transaction, List<QualifiedName> tables) throws SQLException {
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var array = mapper.createArrayNode();
        tables.forEach(t -> array.addObject().put("schema", t.schema()).put("name", t.name()));
        try (PreparedStatement ps = transaction.prepareStatement("UPDATE " + TABLE
                + " SET created_tables = created_tables || ?::jsonb, updated_at = now() WHERE id = ?")) {
            ps.setString(1, array.toString());
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    public void clearCreatedTables() {
        update("created_tables = '[]'", null);
    }

    /** Set by {@code approve} from another terminal: a Manual cutover may start. */
    public boolean cutoverApproved() {
        return Boolean.parseBoolean(readString("cutover_approved"));
    }

    public void approveCutover() {
        update("cutover_approved = true", null);
    }

    /** Set by {@code cancel} from another terminal: the running engine cancels itself. */
    public boolean cancelRequested() {
        return Boolean.parseBoolean(readString("cancel_requested"));
    }

    public void requestCancel() {
        update("cancel_requested = true", null);
    }

    /** The last status the engine reported, as JSON; kept so that a finished migration can be shown again. */
    public Optional<String> lastStatus() {
        return Optional.ofNullable(readString("status"));
    }

    public void lastStatus(String json) {
        update("status = ?::jsonb", json);
    }

    /** Forgets the migration entirely (after a cancel): a new run starts from nothing. */
    public synchronized void delete() {
        try (PreparedStatement ps = session.prepareStatement("DELETE FROM " + TABLE + " WHERE id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not delete the checkpoint of " + id + ": " + e.getMessage(), e);
        }
    }

    private synchronized String readString(String column) {
        try (PreparedStatement ps = session.prepareStatement("SELECT " + column + "::text FROM " + TABLE + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("the checkpoint of " + id + " has disappeared from the target");
                }
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the checkpoint of " + id + ": " + e.getMessage(), e);
        }
    }

    private synchronized void update(String assignment, String value) {
        try (PreparedStatement ps = session.prepareStatement(
                "UPDATE " + TABLE + " SET " + assignment + ", updated_at = now() WHERE id = ?")) {
            int i = 1;
            if (value != null) {
                ps.setString(i++, value);
            } else if (assignment.contains("?")) {
                ps.setNull(i++, java.sql.Types.VARCHAR);
            }
            ps.setString(i, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not update the checkpoint of " + id + ": " + e.getMessage(), e);
        }
    }

    /** Ends the session, and with it the lock. */
    @Override
    public void close() {
        Database.closeQuietly(session);
    }
}
