package io.tablemigrator.engine.replication;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.StatusBoard;
import io.tablemigrator.engine.checkpoint.CheckpointStore;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.Sql;
import io.tablemigrator.engine.replication.PgOutputMessage.Begin;
import io.tablemigrator.engine.replication.PgOutputMessage.Commit;
import io.tablemigrator.engine.replication.PgOutputMessage.Delete;
import io.tablemigrator.engine.replication.PgOutputMessage.Insert;
import io.tablemigrator.engine.replication.PgOutputMessage.Message;
import io.tablemigrator.engine.replication.PgOutputMessage.Relation;
import io.tablemigrator.engine.replication.PgOutputMessage.StreamAbort;
import io.tablemigrator.engine.replication.PgOutputMessage.StreamCommit;
import io.tablemigrator.engine.replication.PgOutputMessage.StreamStart;
import io.tablemigrator.engine.replication.PgOutputMessage.Truncate;
import io.tablemigrator.engine.replication.PgOutputMessage.Update;

/**
 * Replays the source's changes onto the target, from one thread: reads the slot's pgoutput stream, applies each
 * source transaction in commit order, and commits many of them per target transaction together with the checkpoint.
 * "Source" and "target" are the two ends of a {@link ReplayRoute}: the migration's source and target for forward
 * replay, the other way round for the reverse replay of a rollback window.
 *
 * <p>Exactly once: a target transaction records the end LSN of the last source commit it holds
 * ({@link CheckpointStore#recordApplied}); the source is told only positions the target has committed; on start,
 * transactions whose commit lies at or before the checkpoint are skipped (the source may send them again after a
 * crash). When nothing is half received and everything is committed, the confirmed position follows the server's
 * (keepalives), so a source with no relevant writes does not keep WAL for the slot.
 *
 * <p>Not thread-safe: {@link #replicate}, {@link #drainTo} and {@link #close} are called from one thread.
 */
public final class Replicator implements AutoCloseable {
    /** The prefix of the cutover's fence message ({@code pg_logical_emit_message(false, 'tablemigrator', ...)}). */
    public static final String FENCE_MESSAGE_PREFIX = "tablemigrator";

    private static final Logger LOG = Logger.getLogger(Replicator.class.getName());
    /** How long an idle loop waits before it looks at the stream again (a read itself waits ~1 ms). */
    private static final long IDLE_WAIT_MILLIS = 5;
    /** How often the stop condition is asked (it may cost a query). */
    private static final long STOP_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How long a stop waits for a half-received source transaction to end before abandoning it. */
    private static final long STOP_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    /** How long replay waits for the walsender of a dead earlier run to let go of the slot. */
    private static final Duration SLOT_TAKEOVER_WAIT = Duration.ofSeconds(30);
    /** When caught up, the source hears of a new confirmed position at once, but not more often than this. */
    private static final long CAUGHT_UP_FEEDBACK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * @param batchChanges   a target transaction is committed once it holds this many changes ...
     * @param batchInterval  ... or has been open this long (or when the stream has nothing more to give)
     * @param statusInterval how often the StatusBoard and the source hear from replay
     */
    public record Settings(int batchChanges, Duration batchInterval, Duration statusInterval) {
        public static Settings defaults() {
            return new Settings(20_000, Duration.ofMillis(500), Duration.ofSeconds(1));
        }
    }

    private final ReplayRoute route;
    private final CheckpointStore checkpoint;
    private final ReplayProgress progress;
    private final Settings settings;
    private final ChangeApplier applier;
    private final TargetCatalog catalog;
    private final PartitionFollower partitions;
    private final Map<Integer, TargetTable> relations = new HashMap<>();
    private final Map<Integer, Relation> relationMessages = new HashMap<>();
    private final Map<Integer, TransactionSpool> spools = new HashMap<>();

    private Connection replicationConnection;
    private PGReplicationStream stream;
    private int protocolVersion;
    private Connection lagConnection;

    /** Transactions whose commit ends at or before this are on the target already (the checkpoint). */
    private LogSequenceNumber skipThrough;
    /** The end of the last source commit the target has committed (or that needed nothing on the target). */
    private LogSequenceNumber appliedLsn;
    /** What the source has been told the target has (never goes back). */
    private LogSequenceNumber confirmedLsn;
    /** The confirmed position last sent outside the periodic status updates, and when. */
    private LogSequenceNumber feedbackSentLsn = LogSequenceNumber.INVALID_LSN;
    private long feedbackSentNanos;

    // the source transaction being received
    private boolean inTransaction;
    private boolean skippingTransaction;
    private Instant transactionCommitTime;
    private boolean inStreamBlock;
    private TransactionSpool streamSpool;

    // the target transaction being filled
    private long batchChanges;
    private long batchStartNanos;
    private LogSequenceNumber batchEndLsn;
    private Instant batchOldestCommitTime;
    private Instant lastAppliedCommitTime;

    /** The stream had nothing more to give (or the fence was reached): caught up, lag 0 once committed. */
    private boolean idle;
    private LogSequenceNumber fenceMessageLsn = LogSequenceNumber.INVALID_LSN;
    private long lastStatusNanos;
    private long lastLagBytes;
    private long transactionsApplied;
    private long transactionsSkipped;
    private long streamedTransactionsApplied;

    private Replicator(ReplayRoute route, CheckpointStore checkpoint, ReplayProgress progress,
                       Settings settings, ChangeApplier applier, LogSequenceNumber start,
                       LogSequenceNumber confirmed, LogSequenceNumber skipThrough) {
        this.route = route;
        this.checkpoint = checkpoint;
        this.progress = progress;
        this.settings = settings;
        this.applier = applier;
        this.catalog = new TargetCatalog(applier.connection(), route.tables());
        this.partitions = new PartitionFollower(route.from(), applier, route.tables());
        this.appliedLsn = start;
        this.confirmedLsn = confirmed;
        this.skipThrough = skipThrough;
    }

    /** Forward replay of a migration, source to target, reported on its replication status. */
    public static Replicator start(MigrationPlan plan, Database source, Database target, CheckpointStore checkpoint,
                                   StatusBoard board) {
        return start(plan, source, target, checkpoint, board, Settings.defaults());
    }

    public static Replicator start(MigrationPlan plan, Database source, Database target, CheckpointStore checkpoint,
                                   StatusBoard board, Settings settings) {
        return start(ReplayRoute.forward(plan, source, target), checkpoint, board.forwardReplay(), settings);
    }

    /**
     * Starts streaming from the slot at the checkpoint's applied LSN, or at the slot's consistent point (recorded in
     * the checkpoint when the slot was created) when nothing was applied yet.
     */
    public static Replicator start(ReplayRoute route, CheckpointStore checkpoint, ReplayProgress progress,
                                   Settings settings) {
        LogSequenceNumber consistent = checkpoint.consistentLsn().orElseThrow(() -> new MigrationError(
                "ReplicationNotPrepared", "Migration " + route.id() + " has no replication slot position in its"
                + " checkpoint, so replay cannot start. Cancel the migration and start it again."));
        LogSequenceNumber applied = checkpoint.appliedLsn().orElse(LogSequenceNumber.INVALID_LSN);
        LogSequenceNumber start = max(consistent, applied);
        ReplicationSlots.takeOver(route.from(), route.slotName(), SLOT_TAKEOVER_WAIT);
        LogSequenceNumber slotConfirmed = ReplicationSlots.confirmedFlushLsn(route.from(), route.slotName())
                .orElseThrow(() -> ReplicationErrors.slotMissing(route.slotName()));
        ChangeApplier applier = ChangeApplier.open(route.to());
        Replicator replicator = new Replicator(route, checkpoint, progress, settings, applier, start,
                max(start, slotConfirmed), applied);
        try {
            progress.started(route.slotName(), route.publicationName());
            replicator.openStream();
            replicator.reportStatus(true);
            return replicator;
        } catch (RuntimeException e) {
            replicator.close();
            throw e;
        }
    }

    /** Whether the target applies with {@code session_replication_role = replica}. */
    public boolean usesReplicaRole() {
        return applier.usesReplicaRole();
    }

    /** The end LSN of the last source transaction committed on the target. */
    public LogSequenceNumber appliedLsn() {
        return appliedLsn;
    }

    public LogSequenceNumber confirmedLsn() {
        return confirmedLsn;
    }

    /** UPDATEs and DELETEs whose row was not on the target (e.g. a cascade applied already), skipped. */
    public long rowsNotFound() {
        return applier.rowsNotFound();
    }

    /** Source transactions that arrived streamed (before their commit, through a spool file) and were applied. */
    public long streamedTransactionsApplied() {
        return streamedTransactionsApplied;
    }

    /** Source transactions skipped because the checkpoint showed the target had them already. */
    public long transactionsSkipped() {
        return transactionsSkipped;
    }

    /** The pgoutput protocol version in use: 2 (streaming, messages) from PostgreSQL 14 on, else 1. */
    public int protocolVersion() {
        return protocolVersion;
    }

    private void openStream() {
        String slot = route.slotName();
        ReplicationSlots.checkName(slot);
        // reopened after a stop in the middle of a transaction: what was committed since start is skipped too
        skipThrough = max(skipThrough, appliedLsn);
        replicationConnection = ReplicationErrors.connectReplication(route.from());
        try {
            // the server formats values with the connection's settings (Database): the ones the target parses with
            int major = replicationConnection.getMetaData().getDatabaseMajorVersion();
            protocolVersion = major >= 14 ? 2 : 1;
            ChainedLogicalStreamBuilder builder = replicationConnection.unwrap(PGConnection.class)
                    .getReplicationAPI().replicationStream().logical()
                    .withSlotName(slot)
                    .withStartPosition(appliedLsn)
                    .withSlotOption("proto_version", String.valueOf(protocolVersion))
                    .withSlotOption("publication_names", Sql.ident(route.publicationName()))
                    .withStatusInterval((int) settings.statusInterval().toMillis(), TimeUnit.MILLISECONDS)
                    .withAutomaticFlush(false);
            if (protocolVersion >= 2) {
                builder.withSlotOption("streaming", "on").withSlotOption("messages", "true");
            }
            stream = builder.start();
            stream.setFlushedLSN(confirmedLsn);
            stream.setAppliedLSN(confirmedLsn);
        } catch (SQLException e) {
            Database.closeQuietly(replicationConnection);
            replicationConnection = null;
            throw sourceError(e);
        }
        LOG.fine(() -> "replay of " + route.id() + " starts at " + appliedLsn.asString() + " (protocol "
                + protocolVersion + ")");
    }

    /**
     * Replays until {@code stop} says so, then returns (within about half a second) with every complete source
     * transaction received committed on the target and confirmed to the source.
     */
    public void replicate(BooleanSupplier stop) {
        ensureStream();
        long lastStopCheck = System.nanoTime();
        long stopRequestedAt = 0;
        while (true) {
            long now = System.nanoTime();
            if (stopRequestedAt == 0 && now - lastStopCheck >= STOP_CHECK_NANOS) {
                lastStopCheck = now;
                if (stop.getAsBoolean()) {
                    stopRequestedAt = now;
                }
            }
            if (stopRequestedAt != 0) {
                if (!inTransaction) {
                    break;
                }
                if (now - stopRequestedAt > STOP_GRACE_NANOS) {
                    abandonHalfReceivedTransaction();
                    break;
                }
            }
            step(false);
        }
        commitBatch();
        sendFeedback(true);
        reportStatus(true);
    }

    /**
     * Cutover: the source tables are locked and {@code pg_logical_emit_message(false, 'tablemigrator', ...)} returned
     * {@code fenceLsn}. Returns true once every source change before the fence is committed on the target and
     * confirmed (seen through the fence message, or a keepalive at or past the fence with nothing half-received);
     * false if {@code deadline} passes first.
     */
    public boolean drainTo(LogSequenceNumber fenceLsn, Instant deadline) {
        ensureStream();
        long lastAsk = 0;
        long lastFlush = 0;
        while (Instant.now().isBefore(deadline)) {
            boolean received = step(true);
            if (!inTransaction && fenceReached(fenceLsn)) {
                if (!commitBatch()) {
                    continue;
                }
                confirm(fenceLsn); // every source commit before the fence is on the target now
                idle = true;
                sendFeedback(true);
                reportStatus(true);
                return true;
            }
            long now = System.nanoTime();
            if (!received && now - lastFlush > TimeUnit.MILLISECONDS.toNanos(500)) {
                lastFlush = now;
                flushSourceWal();
            }
            if (!received && now - lastAsk > TimeUnit.MILLISECONDS.toNanos(100)) {
                lastAsk = now;
                try {
                    stream.forceUpdateStatus(); // the walsender answers with a keepalive holding its position
                } catch (SQLException e) {
                    throw sourceError(e);
                }
            }
        }
        if (!inTransaction) {
            commitBatch();
        }
        sendFeedback(true);
        reportStatus(true);
        return false;
    }

    private boolean fenceReached(LogSequenceNumber fenceLsn) {
        return fenceMessageLsn.asLong() >= fenceLsn.asLong()
                || stream.getLastReceiveLSN().asLong() >= fenceLsn.asLong();
    }

    /**
     * One turn of the loop; a row that found no partition on the target (one the source created while replay was
     * behind) has its partitions created, and the source transactions not yet committed on the target are received
     * and applied again.
     */
    private boolean step(boolean eager) {
        try {
            return receiveAndApply(eager);
        } catch (MigrationError e) {
            applyAgainWithNewPartitions(e);
            return true;
        }
    }

    /** {@link #finishBatch()}; false when the batch had to be applied again (see {@link #step}). */
    private boolean commitBatch() {
        try {
            finishBatch();
            return true;
        } catch (MigrationError e) {
            applyAgainWithNewPartitions(e);
            return false;
        }
    }

    /**
     * When an apply error says a row found no partition and the partitions the source has could be created: the
     * target transaction is rolled back and the stream restarts at the applied position, so that everything not
     * committed on the target comes and is applied again. Otherwise the error stands.
     */
    private void applyAgainWithNewPartitions(MigrationError e) {
        List<TargetTable> partitioned = relations.values().stream().filter(TargetTable::partitioned).toList();
        if (partitioned.isEmpty()) {
            throw e;
        }
        applier.rollback();
        if (!partitions.createdFor(e, partitioned)) {
            throw e;
        }
        LOG.fine(() -> "created the partitions a replayed row needed; applying the changes since "
                + appliedLsn.asString() + " again");
        abandonHalfReceivedTransaction();
        fenceMessageLsn = LogSequenceNumber.INVALID_LSN; // it comes again, after what is applied again
        openStream();
    }

    /**
     * One turn of the loop: handles one message if there is one; otherwise commits what is complete, follows the
     * server's position when caught up, and waits a little. Returns whether a message was handled.
     */
    private boolean receiveAndApply(boolean eager) {
        ByteBuffer buffer;
        try {
            buffer = stream.readPending();
        } catch (SQLException e) {
            throw sourceError(e);
        }
        if (buffer != null) {
            idle = false;
            handle(buffer);
            if (!inTransaction && batchEndLsn != null && batchDue()) {
                finishBatch();
            }
            reportStatus(false);
            return true;
        }
        idle = true;
        if (!inTransaction) {
            finishBatch();
            followServerPosition();
            feedbackWhenCaughtUp();
        }
        reportStatus(false);
        if (!eager) {
            pause(IDLE_WAIT_MILLIS);
        }
        return false;
    }

    private boolean batchDue() {
        return batchChanges >= settings.batchChanges()
                || System.nanoTime() - batchStartNanos >= settings.batchInterval().toNanos();
    }

    private void handle(ByteBuffer buffer) {
        if (inStreamBlock) {
            if (PgOutputDecoder.typeOf(buffer) == 'E') {
                inStreamBlock = false;
                streamSpool = null;
            } else {
                streamSpool.append(buffer);
            }
            return;
        }
        PgOutputMessage message = PgOutputDecoder.decode(buffer, false);
        if (message instanceof Begin begin) {
            inTransaction = true;
            // a transaction committed before the checkpoint's position ends at or before it: the target has it
            skippingTransaction = begin.finalLsn().asLong() < skipThrough.asLong();
            transactionCommitTime = begin.commitTime();
        } else if (message instanceof Commit commit) {
            inTransaction = false;
            if (skippingTransaction) {
                transactionsSkipped++;
                skippingTransaction = false;
            } else {
                transactionEnded(commit.endLsn(), commit.commitTime());
            }
        } else if (message instanceof StreamStart start) {
            inStreamBlock = true;
            streamSpool = spools.computeIfAbsent(start.xid(), TransactionSpool::new);
        } else if (message instanceof StreamCommit commit) {
            TransactionSpool spool = spools.remove(commit.xid());
            try (spool) {
                if (spool != null && commit.commitLsn().asLong() >= skipThrough.asLong()) {
                    transactionCommitTime = commit.commitTime();
                    spool.replay(m -> apply(m, true));
                    transactionEnded(commit.endLsn(), commit.commitTime());
                    streamedTransactionsApplied++;
                } else {
                    transactionsSkipped++;
                }
            }
        } else if (message instanceof StreamAbort abort) {
            if (abort.wholeTransaction()) {
                TransactionSpool spool = spools.remove(abort.xid());
                if (spool != null) {
                    spool.close();
                }
            } else {
                TransactionSpool spool = spools.get(abort.xid());
                if (spool != null) {
                    spool.abortSubtransaction(abort.subXid());
                }
            }
        } else {
            apply(message, !skippingTransaction);
        }
    }

    /** A message inside a transaction (or a non-transactional logical message). */
    private void apply(PgOutputMessage message, boolean applyChanges) {
        if (message instanceof Relation relation) {
            // relations are learnt even inside a skipped transaction: later changes refer to them
            Relation known = relationMessages.get(relation.oid());
            if (known == null || !sameShape(known, relation)) {
                applier.awaitSent(); // the catalog is read on the apply connection
                TargetTable table = catalog.resolve(relation);
                if (table == null) {
                    relations.remove(relation.oid());
                } else {
                    relations.put(relation.oid(), table);
                }
                relationMessages.put(relation.oid(), relation);
            }
            TargetTable table = relations.get(relation.oid());
            if (table != null) {
                partitions.described(table); // a change of a new partition may follow
            }
            return;
        }
        if (message instanceof Message logical) {
            if (FENCE_MESSAGE_PREFIX.equals(logical.prefix()) && !logical.transactional()
                    && logical.lsn().asLong() > fenceMessageLsn.asLong()) {
                fenceMessageLsn = logical.lsn();
            }
            return;
        }
        if (!applyChanges) {
            return;
        }
        if (message instanceof Insert insert) {
            applier.insert(table(insert.relationOid()), insert.newTuple());
        } else if (message instanceof Update update) {
            applier.update(table(update.relationOid()), update.oldKind(), update.oldTuple(), update.newTuple());
        } else if (message instanceof Delete delete) {
            applier.delete(table(delete.relationOid()), delete.oldKind(), delete.oldTuple());
        } else if (message instanceof Truncate truncate) {
            List<TargetTable> tables = new ArrayList<>();
            truncate.relationOids().forEach(oid -> tables.add(table(oid)));
            applier.truncate(tables, truncate.restartIdentity());
        } else {
            return; // Type, Origin: nothing to do, values come as text
        }
        if (batchStartNanos == 0) {
            batchStartNanos = System.nanoTime();
        }
        if (batchOldestCommitTime == null) {
            batchOldestCommitTime = transactionCommitTime;
        }
        batchChanges++;
    }

    private static boolean sameShape(Relation a, Relation b) {
        return a.schema().equals(b.schema()) && a.name().equals(b.name())
                && a.replicaIdentity() == b.replicaIdentity() && a.columns().equals(b.columns());
    }

    private TargetTable table(int oid) {
        TargetTable table = relations.get(oid);
        if (table == null) {
            Relation described = relationMessages.get(oid);
            if (described != null) {
                throw TargetCatalog.notMoved(described);
            }
            throw new IllegalStateException("a change refers to relation " + oid + ", which the source never described");
        }
        return table;
    }

    private void transactionEnded(LogSequenceNumber endLsn, Instant commitTime) {
        transactionsApplied++;
        batchEndLsn = endLsn;
        lastAppliedCommitTime = commitTime;
        if (batchStartNanos == 0) {
            batchStartNanos = System.nanoTime();
        }
    }

    /** Commits the complete source transactions received so far, with the checkpoint, and tells the source. */
    private void finishBatch() {
        if (batchEndLsn == null) {
            return;
        }
        if (batchChanges > 0) {
            applier.commit(checkpoint, batchEndLsn, batchChanges);
            progress.applied(batchChanges);
        } else {
            applier.endEmptyTransaction();
        }
        // a batch of transactions without changes (PostgreSQL before 15 sends every transaction, even those
        // that touched no published table) needs nothing on the target
        appliedLsn = max(appliedLsn, batchEndLsn);
        batchEndLsn = null;
        batchChanges = 0;
        batchStartNanos = 0;
        batchOldestCommitTime = null;
        confirm(appliedLsn);
    }

    /**
     * Caught up (nothing half received, everything committed): every source transaction that commits later lies
     * past the server's reported position, so confirming that position loses nothing and frees the source's WAL.
     */
    private void followServerPosition() {
        if (batchEndLsn == null && !inTransaction) {
            confirm(stream.getLastReceiveLSN());
        }
    }

    /**
     * Caught up: the source is told the confirmed position now rather than at the next status interval (up to a
     * second later), so that its slot releases WAL and shows the real lag as soon as replay has applied everything.
     */
    private void feedbackWhenCaughtUp() {
        long now = System.nanoTime();
        if (confirmedLsn.asLong() > feedbackSentLsn.asLong() && now - feedbackSentNanos >= CAUGHT_UP_FEEDBACK_NANOS) {
            sendFeedback(true);
            feedbackSentLsn = confirmedLsn;
            feedbackSentNanos = now;
        }
    }

    private void confirm(LogSequenceNumber lsn) {
        if (lsn.asLong() > confirmedLsn.asLong()) {
            confirmedLsn = lsn;
            stream.setFlushedLSN(lsn);
            stream.setAppliedLSN(lsn);
        }
    }

    private void sendFeedback(boolean now) {
        if (stream == null || stream.isClosed()) {
            return;
        }
        try {
            if (now) {
                stream.forceUpdateStatus();
            }
        } catch (SQLException e) {
            throw sourceError(e);
        }
    }

    /**
     * A stop came while a source transaction was half received: the target transaction is rolled back (it is
     * re-done later), and the stream restarts from the applied position on the next call.
     */
    private void abandonHalfReceivedTransaction() {
        LOG.fine("stopping in the middle of a source transaction: its changes are applied again on the next run");
        applier.rollback();
        batchEndLsn = null;
        batchChanges = 0;
        batchStartNanos = 0;
        batchOldestCommitTime = null;
        closeStream();
    }

    private void ensureStream() {
        if (stream == null) {
            openStream();
        }
    }

    private void closeStream() {
        if (stream != null) {
            try {
                if (!stream.isClosed()) {
                    stream.setFlushedLSN(confirmedLsn);
                    stream.setAppliedLSN(confirmedLsn);
                    stream.forceUpdateStatus();
                    stream.close();
                }
            } catch (SQLException e) {
                LOG.log(Level.FINE, "closing the replication stream", e);
            }
        }
        stream = null;
        Database.closeQuietly(replicationConnection);
        replicationConnection = null;
        inTransaction = false;
        skippingTransaction = false;
        inStreamBlock = false;
        streamSpool = null;
        spools.values().forEach(TransactionSpool::close);
        spools.clear();
        relations.clear();
        relationMessages.clear();
    }

    private void reportStatus(boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastStatusNanos < settings.statusInterval().toNanos()) {
            return;
        }
        lastStatusNanos = now;
        lastLagBytes = measureLagBytes();
        long lagSeconds;
        Instant oldest = batchOldestCommitTime != null ? batchOldestCommitTime
                : inTransaction ? transactionCommitTime : null;
        if (oldest != null) {
            lagSeconds = Math.max(0, Duration.between(oldest, Instant.now()).toSeconds());
        } else if (idle || lastAppliedCommitTime == null) {
            lagSeconds = 0;
        } else {
            lagSeconds = Math.max(0, Duration.between(lastAppliedCommitTime, Instant.now()).toSeconds());
        }
        progress.position(confirmedLsn.asString(), lastLagBytes, lagSeconds);
    }

    /**
     * Makes the source flush its WAL. The walsender decodes only flushed WAL, and a non-transactional message (the
     * fence) is not flushed by itself: on an idle, fenced source nothing else may flush it for a long time. A
     * synchronous commit that wrote WAL flushes everything before it; a transactional logical message is such a
     * write that touches no table. Best effort: without the right to call it, the WAL writer gets there later.
     */
    private void flushSourceWal() {
        try {
            Connection c = sourceConnection();
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL synchronous_commit = on");
                st.execute("SELECT pg_logical_emit_message(true, 'tablemigrator-flush', '')");
                c.commit();
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException | MigrationError e) {
            LOG.log(Level.FINE, "could not flush the source's WAL", e);
            Database.closeQuietly(lagConnection);
            lagConnection = null;
        }
    }

    private Connection sourceConnection() {
        if (lagConnection == null) {
            lagConnection = route.from().connect();
        }
        return lagConnection;
    }

    /** WAL the source has written beyond the confirmed position; the last known value if the source does not answer. */
    private long measureLagBytes() {
        try {
            try (PreparedStatement ps = sourceConnection().prepareStatement(
                    "SELECT greatest(0, pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn))::bigint")) {
                ps.setString(1, confirmedLsn.asString());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        } catch (SQLException | MigrationError e) {
            Database.closeQuietly(lagConnection);
            lagConnection = null;
            return lastLagBytes;
        }
    }

    private MigrationError sourceError(SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (message.contains("publication")) {
            return ReplicationErrors.publicationMissing(route.publicationName(), e);
        }
        if ("42704".equals(state) || message.contains("does not exist")) {
            return ReplicationErrors.slotMissing(route.slotName());
        }
        if ("55006".equals(state)) {
            return ReplicationErrors.slotInUse(route.slotName(), e);
        }
        return ReplicationErrors.sourceReplication(route.slotName(), e);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationError("Interrupted", "Replay was interrupted.");
        }
    }

    private static LogSequenceNumber max(LogSequenceNumber a, LogSequenceNumber b) {
        return a.asLong() >= b.asLong() ? a : b;
    }

    /**
     * Stops replay. A target transaction still open holds only part of a source transaction (complete ones are
     * committed as they end), so it is rolled back: the target stays exactly at its checkpoint, which the source
     * has been told.
     */
    @Override
    public void close() {
        try {
            if (stream != null && !inTransaction && !inStreamBlock) {
                finishBatch();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "could not commit the last batch while closing", e);
        } finally {
            applier.close();
            partitions.close();
            closeStream();
            Database.closeQuietly(lagConnection);
            lagConnection = null;
            LOG.fine(() -> "replay of " + route.id() + " closed at " + appliedLsn.asString() + ": "
                    + transactionsApplied + " transactions applied, " + transactionsSkipped + " skipped");
        }
    }
}
