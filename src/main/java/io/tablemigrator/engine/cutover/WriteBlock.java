package io.tablemigrator.engine.cutover;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.postgresql.replication.LogSequenceNumber;

import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.Sql;
import io.tablemigrator.engine.replication.Replicator;

/**
 * The cutover's short write block: one source transaction holding LOCK TABLE ... IN EXCLUSIVE MODE on every migrated
 * table. Reads go on; writes wait (they are not refused) until the transaction ends. If this process dies, the
 * server ends the transaction and the writes go on: a crash can never leave the source blocked.
 */
final class WriteBlock implements AutoCloseable {
    /** How long the lock is tried without waiting before it is queued for. */
    private static final Duration MAX_TRYING = Duration.ofSeconds(2);
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(3);

    private final Connection connection;
    private final long startedNanos;
    private long endedNanos;

    private WriteBlock(Connection connection, long startedNanos) {
        this.connection = connection;
        this.startedNanos = startedNanos;
    }

    /**
     * Takes the lock within {@code wait}. First without waiting, tried again every few milliseconds until a moment
     * when no transaction writes the tables: a lock request that waits while this transaction holds some of the
     * tables can close a deadlock with an application transaction that writes two of them (and the application's
     * transaction may be the one PostgreSQL aborts), and writers would queue behind it meanwhile. On tables that are
     * never all free at once, it then queues for the lock for the rest of the wait.
     *
     * @throws SQLException with SQLSTATE 55P03 when the lock was not granted in time, 40P01 when the queued request
     *                      was chosen to end a deadlock
     */
    static WriteBlock acquire(Database source, MigrationPlan plan, Duration wait) throws SQLException {
        Connection c = source.connect();
        try (Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            long started = System.nanoTime();
            long tryUntil = started + Math.min(wait.toNanos() / 2, MAX_TRYING.toNanos());
            String lock = "LOCK TABLE " + Fence.tableList(plan.tables()) + " IN EXCLUSIVE MODE";
            while (true) {
                try {
                    st.execute(lock + " NOWAIT");
                    return new WriteBlock(c, System.nanoTime());
                } catch (SQLException e) {
                    c.rollback();
                    if (!"55P03".equals(e.getSQLState())) {
                        throw e;
                    }
                }
                if (System.nanoTime() > tryUntil) {
                    break;
                }
                LockSupport.parkNanos(RETRY_NANOS);
            }
            long queued = System.nanoTime();
            long rest = Math.max(1, (wait.toNanos() - (queued - started)) / 1_000_000);
            st.execute("SET LOCAL lock_timeout = " + Sql.literal(rest + "ms"));
            st.execute(lock);
            return new WriteBlock(c, queued);
        } catch (SQLException e) {
            Database.closeQuietly(c);
            throw e;
        }
    }

    /**
     * Writes a logical decoding message and returns its LSN: every change committed before the lock was granted
     * comes before it in the replication stream, so the replay has drained once it has passed this point.
     */
    LogSequenceNumber fenceLsn(String migrationId) throws SQLException {
        return markFencePoint(connection, migrationId);
    }

    /**
     * Writes the cutover's logical decoding message (non-transactional, so it is in the WAL at once) and returns its
     * LSN; replay recognises it by {@link Replicator#FENCE_MESSAGE_PREFIX}.
     */
    static LogSequenceNumber markFencePoint(Connection source, String migrationId) throws SQLException {
        try (Statement st = source.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_logical_emit_message(false, "
                     + Sql.literal(Replicator.FENCE_MESSAGE_PREFIX) + ", " + Sql.literal("cutover " + migrationId)
                     + ")::text")) {
            rs.next();
            return LogSequenceNumber.valueOf(rs.getString(1));
        }
    }

    /** Ends the block leaving the tables fenced for good: waiting writers get the fence's error, not the lock. */
    void releaseFenced(Fence fence) throws SQLException {
        try (Statement st = connection.createStatement()) {
            fence.createIn(st, Fence.Purpose.MOVED);
        }
        connection.commit();
        endedNanos = System.nanoTime();
    }

    /** Ends the block and lets the waiting writes through. */
    void release() throws SQLException {
        connection.rollback();
        endedNanos = System.nanoTime();
    }

    /** How long writes were blocked: from the lock (or the queued request, behind which writers wait) to its release. */
    long blockedMillis() {
        long end = endedNanos == 0 ? System.nanoTime() : endedNanos;
        return (end - startedNanos) / 1_000_000;
    }

    @Override
    public void close() {
        if (endedNanos == 0) {
            Fence.rollbackQuietly(connection);
            endedNanos = System.nanoTime();
        }
        Database.closeQuietly(connection);
    }
}
