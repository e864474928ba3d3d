package io.tablemigrator.engine.cutover;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
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
     * Takes the lock within {@code wait}, or returns empty. A lock request that waits while this transaction holds
     * some of the tables can close a deadlock with an application transaction that writes two of them, and
     * PostgreSQL may then abort the application's transaction. So the lock is first tried without waiting, again
     * every few milliseconds, until a moment when no transaction writes the tables (writers never queue behind it
     * meanwhile). On tables that are never all free at once it then queues for the lock, in rounds that each end
     * before the server's deadlock_timeout: no deadlock check, the application's or this one's, can find a cycle
     * through a request that has already given up.
     */
    static Optional<WriteBlock> acquire(Database source, MigrationPlan plan, Duration wait) throws SQLException {
        Connection c = source.connect();
        try (Statement st = c.createStatement()) {
            long started = System.nanoTime();
            long deadline = started + wait.toNanos();
            long tryUntil = started + Math.min(wait.toNanos() / 2, MAX_TRYING.toNanos());
            long roundMillis = Math.max(1, deadlockTimeoutMillis(st) / 2);
            c.setAutoCommit(false);
            String lock = "LOCK TABLE " + Fence.tableList(plan.tables()) + " IN EXCLUSIVE MODE";
            while (System.nanoTime() < tryUntil) {
                if (granted(c, st, lock + " NOWAIT", "55P03")) {
                    return Optional.of(new WriteBlock(c, System.nanoTime()));
                }
                LockSupport.parkNanos(RETRY_NANOS);
            }
            while (true) {
                long queued = System.nanoTime();
                long rest = (deadline - queued) / 1_000_000;
                if (rest <= 0) {
                    Database.closeQuietly(c);
                    return Optional.empty();
                }
                st.execute("SET LOCAL statement_timeout = " + Sql.literal(Math.min(rest, roundMillis) + "ms"));
                if (granted(c, st, lock, "57014")) {
                    st.execute("SET LOCAL statement_timeout = 0");
                    return Optional.of(new WriteBlock(c, queued));
                }
            }
        } catch (SQLException e) {
            Database.closeQuietly(c);
            throw e;
        }
    }

    /** Runs the lock statement; false (and the transaction rolled back) when it failed with {@code notGranted}. */
    private static boolean granted(Connection c, Statement st, String lock, String notGranted) throws SQLException {
        try {
            st.execute(lock);
            return true;
        } catch (SQLException e) {
            c.rollback();
            if (!notGranted.equals(e.getSQLState())) {
                throw e;
            }
            return false;
        }
    }

    private static long deadlockTimeoutMillis(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT setting::bigint FROM pg_settings WHERE name = 'deadlock_timeout'")) {
            return rs.next() ? rs.getLong(1) : 1000;
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
