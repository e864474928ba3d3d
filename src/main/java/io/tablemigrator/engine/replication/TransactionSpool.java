package io.tablemigrator.engine.replication;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

import io.tablemigrator.engine.replication.PgOutputMessage.Delete;
import io.tablemigrator.engine.replication.PgOutputMessage.Insert;
import io.tablemigrator.engine.replication.PgOutputMessage.Message;
import io.tablemigrator.engine.replication.PgOutputMessage.Truncate;
import io.tablemigrator.engine.replication.PgOutputMessage.Update;

/**
 * The messages of one streamed, still running source transaction (protocol 2 sends a large transaction in blocks
 * before it commits), kept in a temporary file so that its size does not matter. At Stream Commit the messages are
 * read back in order and applied; at Stream Abort of the whole transaction the file is deleted; at Stream Abort of a
 * subtransaction only that subtransaction's changes are left out when reading back.
 */
final class TransactionSpool implements AutoCloseable {
    private final int xid;
    private final Path file;
    private DataOutputStream out;
    private final Set<Integer> abortedSubtransactions = new HashSet<>();
    private long messages;

    TransactionSpool(int xid) {
        this.xid = xid;
        try {
            this.file = Files.createTempFile("tablemigrator-xid" + Integer.toUnsignedString(xid) + "-", ".spool");
            this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a spool file for streamed transaction " + xid
                    + " in " + System.getProperty("java.io.tmpdir"), e);
        }
    }

    int xid() {
        return xid;
    }

    long messages() {
        return messages;
    }

    /** Appends one message exactly as it arrived (from its type byte on), leaving the buffer's position alone. */
    void append(ByteBuffer message) {
        try {
            ByteBuffer m = message.duplicate();
            int length = m.remaining();
            out.writeInt(length);
            if (m.hasArray()) {
                out.write(m.array(), m.arrayOffset() + m.position(), length);
            } else {
                byte[] bytes = new byte[length];
                m.get(bytes);
                out.write(bytes);
            }
            messages++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the spool file " + file, e);
        }
    }

    void abortSubtransaction(int subXid) {
        abortedSubtransactions.add(subXid);
    }

    /**
     * Reads the messages back in order and hands each over, except the changes of aborted subtransactions. Relation
     * and Type messages are handed over whatever subtransaction sent them: they describe tables, not changes.
     */
    void replay(Consumer<PgOutputMessage> handler) {
        try {
            out.close();
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
                while (true) {
                    int length;
                    try {
                        length = in.readInt();
                    } catch (EOFException end) {
                        return;
                    }
                    byte[] bytes = new byte[length];
                    in.readFully(bytes);
                    PgOutputMessage message = PgOutputDecoder.decode(ByteBuffer.wrap(bytes), true);
                    if (!abortedSubtransactions.contains(changeXid(message))) {
                        handler.accept(message);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spool file " + file, e);
        }
    }

    /** The (sub)transaction a change belongs to; 0 for messages that are not changes. */
    private static int changeXid(PgOutputMessage message) {
        if (message instanceof Insert m) {
            return m.xid();
        } else if (message instanceof Update m) {
            return m.xid();
        } else if (message instanceof Delete m) {
            return m.xid();
        } else if (message instanceof Truncate m) {
            return m.xid();
        } else if (message instanceof Message m) {
            return m.xid();
        }
        return 0;
    }

    /** Deletes the file. */
    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // the file goes anyway
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover temporary file is harmless
        }
    }
}
