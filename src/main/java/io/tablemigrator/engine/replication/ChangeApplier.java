package io.tablemigrator.engine.replication;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.postgresql.replication.LogSequenceNumber;

import io.tablemigrator.engine.checkpoint.CheckpointStore;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.replication.ApplyStatement.Operation;

/**
 * Applies row changes to the target inside one open transaction, which the caller commits together with the
 * checkpoint ({@link #commit}).
 *
 * <p>Speed: changes are not sent one by one. They queue up as runs of the same statement and go out as JDBC
 * batches, which pgjdbc pipelines, so a change costs no network round trip of its own. With
 * {@code session_replication_role = replica} the target fires no foreign key or user triggers, so changes to
 * different tables are independent: a change joins the latest run of its own table even when other tables' runs came
 * after (a pgbench transaction's four changes then become four long batches). Changes to one table always keep
 * their source order. Without the replica role a change only joins the run right before it, so order is kept
 * exactly.
 *
 * <p>Pipelined: a full queue is handed to a sender thread, which executes it on the target connection while the
 * replay thread decodes the next changes. Only one hand-over is in flight at a time and the next waits for it, so
 * the target sees the same statements in the same order in the same transaction as if sent in place; everything
 * else that touches the connection (truncate, commit, rollback) first waits for the sender. On a two-core machine
 * this took replay of a pgbench backlog from about the native subscription's speed to well past it.
 */
public final class ChangeApplier implements AutoCloseable {
    /** Bounds what waits in memory before it is sent (not committed). */
    private static final int MAX_PENDING_ROWS = 5_000;
    private static final long MAX_PENDING_BYTES = 32L << 20;
    private static final int MAX_CACHED_STATEMENTS = 2_000;
    /** From this many rows on, a run goes out as one set-based statement rather than a JDBC batch. */
    private static final int SET_BASED_MIN_ROWS = 4;

    /** Queued executions of one statement, in source order. */
    private static final class Run {
        final ApplyStatement statement;
        final List<String[]> rows = new ArrayList<>();

        Run(ApplyStatement statement) {
            this.statement = statement;
        }
    }

    private final Connection connection;
    private final boolean replicaRole;
    private final Map<ApplyStatement, PreparedStatement> statements = new HashMap<>();
    private final Map<ApplyStatement, PreparedStatement> setBasedStatements = new HashMap<>();
    private final List<Run> runs = new ArrayList<>();
    private final Map<QualifiedName, Run> lastRunOfTable = new HashMap<>();
    private int pendingRows;
    private long pendingBytes;
    private volatile long rowsNotFound;
    /** Executes handed-over queues, one at a time (see the class comment). */
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "apply-sender");
        t.setDaemon(true);
        return t;
    });
    /** The hand-over being executed, if any. */
    private Future<?> inFlight;
    /** Changes were sent since the last commit or rollback. */
    private boolean uncommitted;

    private ChangeApplier(Connection connection, boolean replicaRole) {
        this.connection = connection;
        this.replicaRole = replicaRole;
    }

    /**
     * Opens the apply session on the target. It runs with {@code session_replication_role = replica} when the target
     * user may set it, as PostgreSQL's subscriptions do: the target's foreign keys and user triggers do not fire, so a
     * cascade the source already replicated is not applied twice and the order of tables does not matter.
     */
    public static ChangeApplier open(Database target) {
        Connection connection = target.connect();
        try {
            boolean replica = trySetReplicaRole(connection);
            try (Statement st = connection.createStatement()) {
                // a set-based UPDATE or DELETE joins a few thousand changed keys to a possibly huge table: the
                // planner, not knowing the array's size, may hash the whole table; index lookups per key are what
                // a subscriber does and never cost more than the changes themselves
                st.execute("SET enable_hashjoin = off");
                st.execute("SET enable_mergejoin = off");
            }
            connection.setAutoCommit(false);
            return new ChangeApplier(connection, replica);
        } catch (SQLException e) {
            Database.closeQuietly(connection);
            throw ReplicationErrors.targetApply("the target", e);
        }
    }

    /**
     * Whether the target user may set {@code session_replication_role} (a superuser, or since PostgreSQL 15 a user
     * granted SET on that parameter). When not, the orchestrator must create foreign keys only after replay, since
     * replay then runs with the target's triggers and checks active.
     */
    public static boolean canUseReplicaRole(Database target) {
        try (Connection c = target.connect()) {
            return trySetReplicaRole(c);
        } catch (SQLException e) {
            throw ReplicationErrors.targetApply("the target", e);
        }
    }

    private static boolean trySetReplicaRole(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET session_replication_role = replica");
            return true;
        } catch (SQLException e) {
            if (ReplicationErrors.isPermissionDenied(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Whether this session runs with the replica role (see {@link #open}). */
    public boolean usesReplicaRole() {
        return replicaRole;
    }

    /** The target connection, inside the open apply transaction. */
    Connection connection() {
        return connection;
    }

    /** Work on the apply connection. */
    interface Ddl<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs DDL on the apply connection after every change queued before it, so that it acts between the same
     * changes as on the source. In a transaction that holds changes it joins them (committed with them and the
     * checkpoint, or rolled back with them); otherwise it is committed at once, so that its locks are not held while
     * replay waits for changes.
     */
    <T> T ddl(Ddl<T> work) {
        flush();
        awaitSent();
        try {
            T result = work.run(connection);
            if (!uncommitted) {
                connection.commit();
            }
            return result;
        } catch (SQLException e) {
            throw ReplicationErrors.targetApply("the target's partitions", e);
        }
    }

    public void insert(TargetTable table, TupleData row) {
        int n = checkWidth(table, row);
        BitSet set = new BitSet(n);
        String[] params = new String[n];
        int p = 0;
        for (int i = 0; i < n; i++) {
            if (!row.isUnchangedToast(i)) {
                set.set(i);
                params[p++] = row.text(i);
            }
        }
        enqueue(new ApplyStatement(table, Operation.INSERT, set, new BitSet(), new BitSet(), false, false),
                p == n ? params : java.util.Arrays.copyOf(params, p), row.approximateBytes());
    }

    /**
     * @param oldKind 'K' (old key), 'O' (whole old row) or 0 (none: the key did not change, the new row's key
     *                columns find the row)
     */
    public void update(TargetTable table, char oldKind, TupleData oldRow, TupleData newRow) {
        int n = checkWidth(table, newRow);
        BitSet set = new BitSet(n);
        List<String> params = new ArrayList<>(n + 4);
        for (int i = 0; i < n; i++) {
            // an unchanged TOASTed value is not sent: leaving it out of SET keeps the target's copy
            if (!newRow.isUnchangedToast(i)) {
                set.set(i);
                params.add(newRow.text(i));
            }
        }
        TupleData matchRow = oldKind == 0 ? newRow : oldRow;
        enqueue(matching(table, Operation.UPDATE, set, oldKind, matchRow, params),
                params.toArray(String[]::new), newRow.approximateBytes() + (oldRow == null ? 0 : oldRow.approximateBytes()));
    }

    public void delete(TargetTable table, char oldKind, TupleData oldRow) {
        checkWidth(table, oldRow);
        List<String> params = new ArrayList<>();
        enqueue(matching(table, Operation.DELETE, new BitSet(), oldKind, oldRow, params),
                params.toArray(String[]::new), oldRow.approximateBytes());
    }

    /** Empties the target tables (the source truncated them); RESTART IDENTITY when the source asked for it. */
    public void truncate(List<TargetTable> tables, boolean restartIdentity) {
        flush();
        awaitSent();
        uncommitted = true;
        String list = tables.stream().map(t -> t.target().quoted()).distinct().collect(Collectors.joining(", "));
        // no CASCADE: it would reach target tables this migration does not own; the source lists every
        // published table its own cascade emptied
        try (Statement st = connection.createStatement()) {
            st.execute("TRUNCATE " + list + (restartIdentity ? " RESTART IDENTITY" : ""));
        } catch (SQLException e) {
            throw ReplicationErrors.targetApply(tables.stream().map(t -> t.target().display())
                    .collect(Collectors.joining(", ")), e);
        }
    }

    private ApplyStatement matching(TargetTable table, Operation operation, BitSet set, char oldKind,
                                    TupleData row, List<String> params) {
        int n = table.columnCount();
        BitSet match = new BitSet(n);
        BitSet matchNull = new BitSet(n);
        boolean wholeRow = oldKind == 'O';
        int firstMatchParam = params.size();
        for (int i = 0; i < n; i++) {
            boolean use = wholeRow ? !row.isUnchangedToast(i) : table.isKey(i);
            if (!use) {
                continue;
            }
            if (row.isUnchangedToast(i)) {
                throw new IllegalStateException("the replica identity column " + table.column(i) + " of " + table
                        + " came as an unchanged TOAST value");
            }
            match.set(i);
            if (row.isNull(i)) {
                matchNull.set(i);
            } else {
                params.add(row.text(i));
            }
        }
        if (match.isEmpty()) {
            throw new IllegalStateException("no replica identity columns to find a row of " + table + " with");
        }
        if (wholeRow && table.partitioned()) {
            params.addAll(new ArrayList<>(params.subList(firstMatchParam, params.size()))); // see ApplyStatement.oneRow
        }
        return new ApplyStatement(table, operation, set, match, matchNull, wholeRow,
                operation == Operation.UPDATE && oldKind == 0);
    }

    private static int checkWidth(TargetTable table, TupleData row) {
        if (row.columnCount() != table.columnCount()) {
            throw new IllegalStateException("a change of " + table + " has " + row.columnCount()
                    + " columns where its relation has " + table.columnCount());
        }
        return row.columnCount();
    }

    private void enqueue(ApplyStatement statement, String[] params, long bytes) {
        Run run;
        if (replicaRole) {
            run = lastRunOfTable.get(statement.table().target());
        } else {
            run = runs.isEmpty() ? null : runs.get(runs.size() - 1);
        }
        if (run == null || !run.statement.equals(statement)) {
            run = new Run(statement);
            runs.add(run);
            lastRunOfTable.put(statement.table().target(), run);
        }
        run.rows.add(params);
        pendingRows++;
        pendingBytes += bytes;
        if (pendingRows >= MAX_PENDING_ROWS || pendingBytes >= MAX_PENDING_BYTES) {
            flush();
        }
    }

    /**
     * Hands every queued change over to the sender, which sends it to the target (inside the open transaction, not
     * committed); first waits for the previous hand-over, and throws what went wrong there.
     */
    public void flush() {
        awaitSent();
        if (runs.isEmpty()) {
            return;
        }
        List<Run> queued = new ArrayList<>(runs);
        runs.clear();
        lastRunOfTable.clear();
        pendingRows = 0;
        pendingBytes = 0;
        uncommitted = true;
        inFlight = sender.submit(() -> queued.forEach(this::execute));
    }

    /** Waits until everything handed over has been executed on the target; throws what went wrong there. */
    void awaitSent() {
        Future<?> sending = inFlight;
        if (sending == null) {
            return;
        }
        inFlight = null;
        try {
            sending.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("applying changes failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.tablemigrator.engine.MigrationError("Interrupted", "Replay was interrupted.");
        }
    }

    private void execute(Run run) {
        ApplyStatement statement = run.statement;
        try {
            if (run.rows.size() >= SET_BASED_MIN_ROWS && statement.setBased()) {
                executeSetBased(run);
                return;
            }
            PreparedStatement ps = prepared(statement);
            if (run.rows.size() == 1) {
                bind(ps, run.rows.get(0));
                countNotFound(statement, ps.executeUpdate());
                return;
            }
            for (String[] row : run.rows) {
                bind(ps, row);
                ps.addBatch();
            }
            for (int count : ps.executeBatch()) {
                countNotFound(statement, count);
            }
        } catch (SQLException e) {
            SQLException cause = e instanceof BatchUpdateException && e.getNextException() != null
                    ? e.getNextException() : e;
            throw ReplicationErrors.targetApply(statement.table().target().display(), cause);
        }
    }

    /**
     * A run as one statement: each parameter position becomes a text array. Updates of the same key collapse to
     * the last one first: all changes of a run set the same columns, so the last one alone gives the same row.
     */
    private void executeSetBased(Run run) throws SQLException {
        ApplyStatement statement = run.statement;
        List<String[]> rows = run.rows;
        if (statement.operation() == Operation.UPDATE) {
            int keyStart = statement.set().cardinality();
            Map<List<String>, String[]> lastPerKey = new LinkedHashMap<>();
            for (String[] row : rows) {
                List<String> key = Arrays.asList(row).subList(keyStart, row.length);
                lastPerKey.remove(key);
                lastPerKey.put(key, row);
            }
            rows = new ArrayList<>(lastPerKey.values());
        }
        int width = rows.get(0).length;
        PreparedStatement ps = preparedSetBased(statement);
        for (int p = 0; p < width; p++) {
            String[] column = new String[rows.size()];
            for (int r = 0; r < column.length; r++) {
                column[r] = rows.get(r)[p];
            }
            ps.setArray(p + 1, connection.createArrayOf("text", column));
        }
        int changed = ps.executeUpdate();
        if (statement.operation() != Operation.INSERT) {
            rowsNotFound += Math.max(0, rows.size() - changed);
        }
    }

    private PreparedStatement preparedSetBased(ApplyStatement statement) throws SQLException {
        PreparedStatement ps = setBasedStatements.get(statement);
        if (ps == null) {
            if (setBasedStatements.size() >= MAX_CACHED_STATEMENTS) {
                setBasedStatements.values().forEach(Database::closeQuietly);
                setBasedStatements.clear();
            }
            ps = connection.prepareStatement(statement.setBasedSql());
            setBasedStatements.put(statement, ps);
        }
        return ps;
    }

    /** A row that is gone already (a cascade the source replicated too) is skipped, as a subscriber does. */
    private void countNotFound(ApplyStatement statement, int count) {
        if (count == 0 && statement.operation() != Operation.INSERT) {
            rowsNotFound++;
        }
    }

    private static void bind(PreparedStatement ps, String[] row) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            // unspecified type: the server casts the text to the target column's type
            if (row[i] == null) {
                ps.setNull(i + 1, Types.OTHER);
            } else {
                ps.setObject(i + 1, row[i], Types.OTHER);
            }
        }
    }

    private PreparedStatement prepared(ApplyStatement statement) throws SQLException {
        PreparedStatement ps = statements.get(statement);
        if (ps == null) {
            if (statements.size() >= MAX_CACHED_STATEMENTS) {
                statements.values().forEach(Database::closeQuietly);
                statements.clear();
            }
            ps = connection.prepareStatement(statement.sql());
            statements.put(statement, ps);
        }
        return ps;
    }

    /** Changes queued but not yet sent. */
    public int pendingRows() {
        return pendingRows;
    }

    /** UPDATEs and DELETEs that found no row on the target, and were skipped. */
    public long rowsNotFound() {
        return rowsNotFound;
    }

    /**
     * Sends what is queued, records {@code endLsn} as applied (and the {@code changes} it holds in the count) in the
     * same transaction, and commits: the changes, the position and the count are durable together or not at all.
     */
    public void commit(CheckpointStore checkpoint, LogSequenceNumber endLsn, long changes) {
        flush();
        awaitSent();
        try {
            checkpoint.recordApplied(connection, endLsn, changes);
            connection.commit();
            uncommitted = false;
        } catch (SQLException e) {
            if (ReplicationErrors.isPermissionDenied(e)) {
                throw new io.tablemigrator.engine.MigrationError("TargetPermissionDenied", "The target user cannot"
                        + " record the applied position in the checkpoint table " + CheckpointStore.SCHEMA
                        + ".migrations (" + io.tablemigrator.engine.db.PgErrors.firstLine(e) + "). Let it use schema "
                        + CheckpointStore.SCHEMA + " and update that table, or let the same user create it.", e);
            }
            throw ReplicationErrors.targetApply("the checkpoint", e);
        }
    }

    /**
     * Ends a transaction that applied nothing (it only read the target's catalogs), so that the session does not sit
     * idle in a transaction holding back the target's vacuum.
     */
    public void endEmptyTransaction() {
        awaitSent();
        try {
            if (pendingRows == 0 && !uncommitted && connection.unwrap(BaseConnection.class).getTransactionState()
                    != TransactionState.IDLE) {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw ReplicationErrors.targetApply("the target", e);
        }
    }

    /** Forgets everything since the last commit. */
    public void rollback() {
        runs.clear();
        lastRunOfTable.clear();
        pendingRows = 0;
        pendingBytes = 0;
        try {
            awaitSent();
        } catch (RuntimeException e) {
            // what failed is rolled back with the rest
        }
        uncommitted = false;
        try {
            connection.rollback();
        } catch (SQLException e) {
            // the connection is broken: nothing was committed, which is what a rollback wants
        }
    }

    @Override
    public void close() {
        rollback();
        sender.shutdownNow();
        statements.values().forEach(Database::closeQuietly);
        statements.clear();
        setBasedStatements.values().forEach(Database::closeQuietly);
        setBasedStatements.clear();
        Database.closeQuietly(connection);
    }
}
