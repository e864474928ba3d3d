package io.tablemigrator.engine.copy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.tablemigrator.engine.ParallelRunner;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.Sql;

/**
 * The copy phase: every chunk moved by COPY from one exported snapshot (DESIGN.md, invariant 2), over as many
 * parallel streams as the runner has threads. When the last chunk of a table is in, {@code onTableCopied} is called
 * (on a runner thread), so that the table's indexes can be built while other tables still copy.
 */
public final class SnapshotCopy {
    private final Database source;
    private final Database target;
    private final String snapshot;
    private final BooleanSupplier stop;

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
    public void submit(ParallelRunner runner, List<CopyChunk> chunks, Consumer<CopyTable> onTableCopied) {
        Map<CopyTable, AtomicInteger> chunksLeft = new HashMap<>();
        chunks.forEach(c -> chunksLeft.computeIfAbsent(c.table(), t -> new AtomicInteger()).incrementAndGet());
        for (CopyChunk chunk : chunks) {
            runner.submit(() -> {
                copy(chunk, () -> stop.getAsBoolean() || runner.failed());
                if (chunksLeft.get(chunk.table()).decrementAndGet() == 0) {
                    onTableCopied.accept(chunk.table());
                }
            });
        }
    }

    private void copy(CopyChunk chunk, BooleanSupplier giveUp) throws SQLException {
        try (Connection src = source.connect(); Connection tgt = target.connect()) {
            src.setAutoCommit(false);
            try (Statement st = src.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                st.execute("SET TRANSACTION SNAPSHOT " + Sql.literal(snapshot));
            }
            new ChunkCopier().copy(src, tgt, chunk, giveUp);
            src.commit();
        }
    }
}
