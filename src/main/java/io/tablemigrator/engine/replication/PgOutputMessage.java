package io.tablemigrator.engine.replication;

import java.time.Instant;
import java.util.List;

import org.postgresql.replication.LogSequenceNumber;

/**
 * The messages of PostgreSQL's pgoutput plugin ("Logical Replication Message Formats" in the protocol
 * documentation), one record each. A change message's {@code xid} is the (sub)transaction id the server sends
 * only inside a streamed block (protocol 2); it is 0 outside of one.
 */
public sealed interface PgOutputMessage {

    /** A transaction starts; it is sent whole, up to its {@link Commit}. */
    record Begin(LogSequenceNumber finalLsn, Instant commitTime, int xid) implements PgOutputMessage {
    }

    /**
     * A transaction ends.
     *
     * @param commitLsn where the commit record starts
     * @param endLsn where the commit record ends: the position a subscriber confirms
     */
    record Commit(byte flags, LogSequenceNumber commitLsn, LogSequenceNumber endLsn, Instant commitTime)
            implements PgOutputMessage {
    }

    /** The transaction came from another node through replication (ignored: there is no loop to avoid). */
    record Origin(LogSequenceNumber originCommitLsn, String originName) implements PgOutputMessage {
    }

    /** A column of a {@link Relation}; {@code key} when it is part of the replica identity. */
    record Column(boolean key, String name, int typeOid, int typeModifier) {
    }

    /**
     * The shape of a published table, sent before its first change and again after it changes.
     *
     * @param replicaIdentity 'd' default (primary key), 'n' nothing, 'f' full, 'i' an index
     */
    record Relation(int xid, int oid, String schema, String name, char replicaIdentity, List<Column> columns)
            implements PgOutputMessage {
        public boolean identityFull() {
            return replicaIdentity == 'f';
        }
    }

    /** A user type's name (sent for types outside pg_catalog); values come as text, so only informative. */
    record Type(int xid, int oid, String schema, String name) implements PgOutputMessage {
    }

    record Insert(int xid, int relationOid, TupleData newTuple) implements PgOutputMessage {
    }

    /**
     * @param oldKind 'K' when {@code oldTuple} holds the replica identity key (other columns null), 'O' when it
     *                holds the whole old row (REPLICA IDENTITY FULL), 0 when there is no old tuple (the key did
     *                not change: the new tuple's key columns find the row)
     */
    record Update(int xid, int relationOid, char oldKind, TupleData oldTuple, TupleData newTuple)
            implements PgOutputMessage {
    }

    /** @param oldKind 'K' (key columns) or 'O' (whole old row) */
    record Delete(int xid, int relationOid, char oldKind, TupleData oldTuple) implements PgOutputMessage {
    }

    record Truncate(int xid, boolean cascade, boolean restartIdentity, List<Integer> relationOids)
            implements PgOutputMessage {
    }

    /** A message from {@code pg_logical_emit_message}; non-transactional ones arrive as soon as they are decoded. */
    record Message(int xid, boolean transactional, LogSequenceNumber lsn, String prefix, byte[] content)
            implements PgOutputMessage {
    }

    /** Protocol 2: a block of changes of an in-progress transaction {@code xid} follows, up to {@link StreamStop}. */
    record StreamStart(int xid, boolean firstSegment) implements PgOutputMessage {
    }

    record StreamStop() implements PgOutputMessage {
    }

    /** Protocol 2: the streamed transaction {@code xid} committed; its changes are to be applied now. */
    record StreamCommit(int xid, byte flags, LogSequenceNumber commitLsn, LogSequenceNumber endLsn, Instant commitTime)
            implements PgOutputMessage {
    }

    /** Protocol 2: the streamed transaction (when {@code subXid == xid}) or one subtransaction of it aborted. */
    record StreamAbort(int xid, int subXid) implements PgOutputMessage {
        public boolean wholeTransaction() {
            return xid == subXid;
        }
    }
}
