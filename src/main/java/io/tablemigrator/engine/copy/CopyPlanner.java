package io.tablemigrator.engine.copy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits the tables of a copy into chunks for a number of parallel streams: small tables whole, large ones into
 * block ranges, so that one big table does not leave the other streams idle. Largest chunks first, so that the
 * last stream to finish does not start a big one late.
 */
public final class CopyPlanner {
    /** No chunk smaller than this (8 MiB of 8 kB blocks): below it, per-stream overhead outweighs parallelism. */
    static final long MIN_CHUNK_BLOCKS = 1024;

    private CopyPlanner() {
    }

    /**
     * @param splitByBlocks whether the source can scan block ranges efficiently (TID range scans, PostgreSQL 14+)
     */
    public static List<CopyChunk> plan(List<CopyTable> tables, int parallelism, boolean splitByBlocks) {
        long total = tables.stream().mapToLong(CopyTable::blocks).sum();
        long chunkBlocks = Math.max(MIN_CHUNK_BLOCKS, total / Math.max(1, parallelism * 4L));
        List<CopyChunk> chunks = new ArrayList<>();
        for (CopyTable table : tables) {
            if (!splitByBlocks || parallelism == 1 || table.blocks() <= chunkBlocks * 3 / 2) {
                chunks.add(CopyChunk.whole(table));
                continue;
            }
            long from = 0;
            while (from + chunkBlocks < table.blocks()) {
                chunks.add(new CopyChunk(table, from, from + chunkBlocks));
                from += chunkBlocks;
            }
            // the last chunk is open-ended: the table may have grown since its size was read
            chunks.add(new CopyChunk(table, from, -1));
        }
        chunks.sort(Comparator.comparingLong(CopyPlanner::size).reversed());
        return chunks;
    }

    private static long size(CopyChunk chunk) {
        long end = chunk.toBlock() < 0 ? Math.max(chunk.table().blocks(), chunk.fromBlock() + 1) : chunk.toBlock();
        return end - chunk.fromBlock();
    }
}
