package io.tablemigrator.engine.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.ReplicationSlotInfo;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.PgErrors;

/** The migration's logical replication slot on the source: create, look up, measure, drop. */
public final class ReplicationSlots {
    /** pgoutput ships with PostgreSQL 10 and later; no extension to install on the source. */
    public static final String OUTPUT_PLUGIN = "pgoutput";

    private ReplicationSlots() {
    }

    /**
     * Creates the slot over a replication connection and keeps that connection open and idle: the exported
     * snapshot, which the copy imports, lives only as long as it does. Close the handle once every copy
     * transaction has imported the snapshot.
     */
    public static ExportedSnapshotSlot create(Database source, String slot) {
        checkName(slot);
        Connection replication = ReplicationErrors.connectReplication(source);
        try {
            ReplicationSlotInfo info = replication.unwrap(PGConnection.class).getReplicationAPI()
                    .createReplicationSlot().logical().withSlotName(slot).withOutputPlugin(OUTPUT_PLUGIN).make();
            if (info.getSnapshotName() == null) {
                throw new MigrationError("ReplicationSlotFailed", "The source created slot " + slot
                        + " without exporting a snapshot. Use PostgreSQL 10 or later as the source.");
            }
            return new ExportedSnapshotSlot(replication, slot, info.getSnapshotName(), info.getConsistentPoint());
        } catch (SQLException e) {
            Database.closeQuietly(replication);
            if ("42710".equals(e.getSQLState())) {
                throw new MigrationError("ReplicationSlotExists", "A replication slot named " + slot
                        + " already exists on the source, left by an earlier run of this migration. It is dropped"
                        + " when the migration starts over; drop it by hand with pg_drop_replication_slot('" + slot
                        + "') if it persists.", e);
            }
            throw ReplicationErrors.slotCreation(slot, e);
        } catch (RuntimeException e) {
            Database.closeQuietly(replication);
            throw e;
        }
    }

    public static boolean exists(Database source, String slot) {
        try (Connection c = source.connect();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw sourceQuery(slot, e);
        }
    }

    /** The position the source has been told the target committed; empty when the slot does not exist. */
    public static Optional<LogSequenceNumber> confirmedFlushLsn(Database source, String slot) {
        try (Connection c = source.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)).map(LogSequenceNumber::valueOf)
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw sourceQuery(slot, e);
        }
    }

    /**
     * How many bytes of WAL the source holds for the slot beyond what the target confirmed: the lag while no replay
     * runs (paused, or before replay starts). Throws ReplicationSlotMissing when the slot is gone.
     */
    public static long lagBytes(Database source, String slot) {
        try (Connection c = source.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT greatest(0, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn))::bigint"
                        + " FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ReplicationErrors.slotMissing(slot);
                }
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw sourceQuery(slot, e);
        }
    }

    /**
     * Drops the slot if it exists, even while a walsender (a worker that did not stop cleanly, or one still shutting
     * down) holds it: that backend is terminated, and the drop retried until {@code wait} has passed.
     */
    public static void drop(Database source, String slot, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try (Connection c = source.connect()) {
            while (releaseHolder(c, slot, deadline, wait)) {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                    ps.setString(1, slot);
                    ps.execute();
                    return;
                } catch (SQLException e) {
                    // 42704: dropped meanwhile; 55006: a walsender took it again between the two statements
                    if ("42704".equals(e.getSQLState())) {
                        return;
                    }
                    if (!"55006".equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        } catch (SQLException e) {
            throw sourceQuery(slot, e);
        }
    }

    /**
     * Frees the slot for this process: a walsender still holding it belongs to a run of the same migration that
     * died (its replication connection not yet noticed as gone, as after a node failure, until
     * wal_sender_timeout) and is terminated. Only the holder of the migration's lock may call this.
     */
    public static void takeOver(Database source, String slot, Duration wait) {
        try (Connection c = source.connect()) {
            releaseHolder(c, slot, System.nanoTime() + wait.toNanos(), wait);
        } catch (SQLException e) {
            throw sourceQuery(slot, e);
        }
    }

    /** Terminates whoever holds the slot and waits until it is free; false when there is no such slot. */
    private static boolean releaseHolder(Connection c, String slot, long deadline, Duration wait) throws SQLException {
        while (true) {
            Integer activePid = activePid(c, slot);
            if (activePid == null) {
                return false;
            }
            if (activePid == 0) {
                return true;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
                ps.setInt(1, activePid);
                ps.execute();
            }
            if (System.nanoTime() > deadline) {
                throw new MigrationError("ReplicationSlotInUse", "The replication slot " + slot + " is still held by"
                        + " process " + activePid + " after " + wait.toSeconds() + " s. Stop that process (SELECT"
                        + " pg_terminate_backend(active_pid) FROM pg_replication_slots), then run again.");
            }
            pause(); // a terminated walsender takes a few milliseconds to release the slot
        }
    }

    public static void drop(Database source, String slot) {
        drop(source, slot, Duration.ofSeconds(30));
    }

    /** The pid holding the slot, 0 when it is free, null when there is no such slot. */
    private static Integer activePid(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT coalesce(active_pid, 0) FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : null;
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationError("Interrupted", "Interrupted while waiting for a replication slot to be released.");
        }
    }

    /** Slot names are restricted by PostgreSQL itself; replication commands cannot quote them. */
    static void checkName(String slot) {
        if (slot == null || !slot.matches("[a-z0-9_]{1,63}")) {
            throw new IllegalArgumentException("invalid replication slot name: " + slot);
        }
    }

    private static MigrationError sourceQuery(String slot, SQLException e) {
        if (ReplicationErrors.isPermissionDenied(e)) {
            return new MigrationError("SourcePermissionDenied", "The source user may not manage replication slot "
                    + slot + " (" + PgErrors.firstLine(e) + "). Give it the REPLICATION attribute.", e);
        }
        return new MigrationError("SourceQueryFailed", "Cannot look up replication slot " + slot + " on the source: "
                + PgErrors.firstLine(e) + ".", e);
    }
}
