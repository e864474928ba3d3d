package io.tablemigrator.engine.copy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.ParallelRunner;
import io.tablemigrator.engine.StatusBoard.TableProgress;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.Sql;

/**
 * The copy phase: every chunk moved by COPY from one exported snapshot (DESIGN.md, invariant 2), over as many
 * parallel streams as the runner has threads. When the last chunk of a listed table is in (of every partition, for
 * a partitioned table), {@code onTableCopied} is called (on a runner thread), so that the table's indexes can be
 * built while other tables still copy.
 * <p>
 * Each runner thread keeps its pair of connections (the source one inside the snapshot) from one chunk to the next:
 * opening two sessions per chunk cost about as much as copying a small chunk. {@link #close()} ends them.
 */
public final class SnapshotCopy implements AutoCloseable {
    /** One thread's sessions: the source one in a REPEATABLE READ transaction that imported the snapshot. */
    private record Streams(Connection source, Connection target, ChunkCopier copier) {
    }

    private final Database source;
    private final Database target;
    private final String snapshot;
    private final BooleanSupplier stop;
    private final Map<Thread, Streams> streams = new ConcurrentHashMap<>();

    /**
     * @param snapshot the name of an exported snapshot that stays valid for the whole copy
     * @param stop     asked between batches of rows; true makes the copy give up (and throw)
     */
    public SnapshotCopy(Database source, Database target, String snapshot, BooleanSupplier stop) {
        this.source = source;
        this.target = target;
        this.snapshot = snapshot;
        this.stop = stop;
    }

    /** Queues every chunk on the runner; the caller waits with {@link ParallelRunner#awaitAll()}. */
    public void submit(ParallelRunner runner, List<CopyChunk> chunks, Consumer<TableProgress> onTableCopied) {
        Map<TableProgress, AtomicInteger> chunksLeft = new HashMap<>();
        chunks.forEach(c -> chunksLeft.computeIfAbsent(c.table().progress(), t -> new AtomicInteger())
                .incrementAndGet());
        for (CopyChunk chunk : chunks) {
            runner.submit(() -> {
                copy(chunk, () -> stop.getAsBoolean() || runner.failed());
                if (chunksLeft.get(chunk.table().progress()).decrementAndGet() == 0) {
                    onTableCopied.accept(chunk.table().progress());
                }
            });
        }
    }

    private void copy(CopyChunk chunk, BooleanSupplier giveUp) throws SQLException {
        Streams mine = streams.get(Thread.currentThread());
        if (mine == null) {
            mine = open();
            streams.put(Thread.currentThread(), mine);
        }
        boolean copied = false;
        try {
            mine.copier().copy(mine.source(), mine.target(), chunk, giveUp);
            copied = true;
        } catch (SQLException e) {
            Optional<MigrationError> explained = UnresolvedReference.explain(e, chunk.table(), source, snapshot, target);
            if (explained.isPresent()) {
                throw explained.get();
            }
            throw e;
        } finally {
            if (!copied) {
                // a failed or cancelled COPY may leave either session unusable: the next chunk opens new ones
                streams.remove(Thread.currentThread());
                close(mine);
            }
        }
    }

    private Streams open() throws SQLException {
        // a reader's session: text COPY prints values of OID-alias types as qualified names (see Database)
        Connection src = source.connectReader();
        Connection tgt = null;
        try {
            src.setAutoCommit(false);
            try (Statement st = src.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                st.execute("SET TRANSACTION SNAPSHOT " + Sql.literal(snapshot));
            }
            tgt = target.connect();
            return new Streams(src, tgt, new ChunkCopier());
        } catch (SQLException | RuntimeException e) {
            Database.closeQuietly(src);
            Database.closeQuietly(tgt);
            throw e;
        }
    }

    private static void close(Streams s) {
        Database.closeQuietly(s.source());
        Database.closeQuietly(s.target());
    }

    /** Ends every thread's sessions (the source transactions only read: closing ends them). */
    @Override
    public void close() {
        streams.values().forEach(SnapshotCopy::close);
        streams.clear();
    }
}
