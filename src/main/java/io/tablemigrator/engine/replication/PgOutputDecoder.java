package io.tablemigrator.engine.replication;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.postgresql.replication.LogSequenceNumber;

import io.tablemigrator.engine.replication.PgOutputMessage.Begin;
import io.tablemigrator.engine.replication.PgOutputMessage.Column;
import io.tablemigrator.engine.replication.PgOutputMessage.Commit;
import io.tablemigrator.engine.replication.PgOutputMessage.Delete;
import io.tablemigrator.engine.replication.PgOutputMessage.Insert;
import io.tablemigrator.engine.replication.PgOutputMessage.Message;
import io.tablemigrator.engine.replication.PgOutputMessage.Origin;
import io.tablemigrator.engine.replication.PgOutputMessage.Relation;
import io.tablemigrator.engine.replication.PgOutputMessage.StreamAbort;
import io.tablemigrator.engine.replication.PgOutputMessage.StreamCommit;
import io.tablemigrator.engine.replication.PgOutputMessage.StreamStart;
import io.tablemigrator.engine.replication.PgOutputMessage.StreamStop;
import io.tablemigrator.engine.replication.PgOutputMessage.Truncate;
import io.tablemigrator.engine.replication.PgOutputMessage.Type;
import io.tablemigrator.engine.replication.PgOutputMessage.Update;

/**
 * Turns pgoutput's bytes into {@link PgOutputMessage}s, following "Logical Replication Message Formats"
 * (protocol versions 1 and 2). Stateless: whether a change message carries a transaction id depends on being
 * inside a Stream Start/Stop block, which the caller knows and passes in, so that spooled messages can be decoded
 * again later exactly as they arrived.
 */
public final class PgOutputDecoder {
    /** PostgreSQL's timestamps count microseconds from 2000-01-01 00:00 UTC. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

    private PgOutputDecoder() {
    }

    /**
     * Decodes one message.
     *
     * @param buffer   the XLogData payload, from its first byte (the message type) to its end
     * @param inStream whether the message arrived between Stream Start and Stream Stop (then change, relation,
     *                 type and message messages start with the xid of their (sub)transaction)
     */
    public static PgOutputMessage decode(ByteBuffer buffer, boolean inStream) {
        byte type = buffer.get();
        return switch (type) {
            case 'B' -> new Begin(lsn(buffer), timestamp(buffer.getLong()), buffer.getInt());
            case 'C' -> new Commit(buffer.get(), lsn(buffer), lsn(buffer), timestamp(buffer.getLong()));
            case 'O' -> new Origin(lsn(buffer), string(buffer));
            case 'R' -> relation(buffer, xid(buffer, inStream));
            case 'Y' -> new Type(xid(buffer, inStream), buffer.getInt(), string(buffer), string(buffer));
            case 'I' -> insert(buffer, xid(buffer, inStream));
            case 'U' -> update(buffer, xid(buffer, inStream));
            case 'D' -> delete(buffer, xid(buffer, inStream));
            case 'T' -> truncate(buffer, xid(buffer, inStream));
            case 'M' -> message(buffer, xid(buffer, inStream));
            case 'S' -> new StreamStart(buffer.getInt(), buffer.get() == 1);
            case 'E' -> new StreamStop();
            case 'c' -> new StreamCommit(buffer.getInt(), buffer.get(), lsn(buffer), lsn(buffer),
                    timestamp(buffer.getLong()));
            // protocol 4 (parallel streaming) appends the abort LSN and time; this engine asks for 1 or 2
            case 'A' -> new StreamAbort(buffer.getInt(), buffer.getInt());
            default -> throw new IllegalStateException(
                    "unknown pgoutput message type '" + (char) type + "' (" + type + ")");
        };
    }

    /** The type byte of a message without decoding it. */
    public static char typeOf(ByteBuffer buffer) {
        return (char) buffer.get(buffer.position());
    }

    private static int xid(ByteBuffer buffer, boolean inStream) {
        return inStream ? buffer.getInt() : 0;
    }

    private static Relation relation(ByteBuffer buffer, int xid) {
        int oid = buffer.getInt();
        String schema = string(buffer);
        String name = string(buffer);
        char identity = (char) buffer.get();
        int count = Short.toUnsignedInt(buffer.getShort());
        List<Column> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean key = (buffer.get() & 1) != 0;
            columns.add(new Column(key, string(buffer), buffer.getInt(), buffer.getInt()));
        }
        return new Relation(xid, oid, schema, name, identity, List.copyOf(columns));
    }

    private static Insert insert(ByteBuffer buffer, int xid) {
        int oid = buffer.getInt();
        expect(buffer.get(), 'N', "Insert");
        return new Insert(xid, oid, tuple(buffer));
    }

    private static Update update(ByteBuffer buffer, int xid) {
        int oid = buffer.getInt();
        byte marker = buffer.get();
        char oldKind = 0;
        TupleData oldTuple = null;
        if (marker == 'K' || marker == 'O') {
            oldKind = (char) marker;
            oldTuple = tuple(buffer);
            marker = buffer.get();
        }
        expect(marker, 'N', "Update");
        return new Update(xid, oid, oldKind, oldTuple, tuple(buffer));
    }

    private static Delete delete(ByteBuffer buffer, int xid) {
        int oid = buffer.getInt();
        byte marker = buffer.get();
        if (marker != 'K' && marker != 'O') {
            throw new IllegalStateException("Delete without an old key or row (marker '" + (char) marker + "')");
        }
        return new Delete(xid, oid, (char) marker, tuple(buffer));
    }

    private static Truncate truncate(ByteBuffer buffer, int xid) {
        int count = buffer.getInt();
        byte options = buffer.get();
        List<Integer> oids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            oids.add(buffer.getInt());
        }
        return new Truncate(xid, (options & 1) != 0, (options & 2) != 0, List.copyOf(oids));
    }

    private static Message message(ByteBuffer buffer, int xid) {
        boolean transactional = (buffer.get() & 1) != 0;
        LogSequenceNumber lsn = lsn(buffer);
        String prefix = string(buffer);
        byte[] content = new byte[buffer.getInt()];
        buffer.get(content);
        return new Message(xid, transactional, lsn, prefix, content);
    }

    static TupleData tuple(ByteBuffer buffer) {
        int count = Short.toUnsignedInt(buffer.getShort());
        byte[] kinds = new byte[count];
        String[] texts = new String[count];
        byte[][] binaries = null;
        for (int i = 0; i < count; i++) {
            byte kind = buffer.get();
            kinds[i] = kind;
            switch (kind) {
                case TupleData.NULL, TupleData.UNCHANGED_TOAST -> {
                }
                case TupleData.TEXT -> {
                    int length = buffer.getInt();
                    texts[i] = utf8(buffer, length);
                }
                case TupleData.BINARY -> {
                    byte[] value = new byte[buffer.getInt()];
                    buffer.get(value);
                    if (binaries == null) {
                        binaries = new byte[count][];
                    }
                    binaries[i] = value;
                }
                default -> throw new IllegalStateException("unknown tuple column kind '" + (char) kind + "'");
            }
        }
        return new TupleData(kinds, texts, binaries);
    }

    private static String utf8(ByteBuffer buffer, int length) {
        String text;
        if (buffer.hasArray()) {
            text = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length, StandardCharsets.UTF_8);
            buffer.position(buffer.position() + length);
        } else {
            byte[] bytes = new byte[length];
            buffer.get(bytes);
            text = new String(bytes, StandardCharsets.UTF_8);
        }
        return text;
    }

    /** A NUL-terminated string. */
    private static String string(ByteBuffer buffer) {
        int start = buffer.position();
        int end = start;
        while (buffer.get(end) != 0) {
            end++;
        }
        String text = utf8(buffer, end - start);
        buffer.get(); // the terminator
        return text;
    }

    private static LogSequenceNumber lsn(ByteBuffer buffer) {
        return LogSequenceNumber.valueOf(buffer.getLong());
    }

    static Instant timestamp(long micros) {
        return Instant.ofEpochSecond(POSTGRES_EPOCH_SECONDS + Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1000L);
    }

    private static void expect(byte actual, char expected, String message) {
        if (actual != expected) {
            throw new IllegalStateException(message + ": expected '" + expected + "' but found '" + (char) actual + "'");
        }
    }
}
