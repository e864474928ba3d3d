package io.tablemigrator.engine.copy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;

/**
 * Moves one chunk: COPY TO STDOUT on the source straight into COPY FROM STDIN on the target. Rows are streamed
 * (the server sends one message per row) and re-sent in large buffers, so memory stays flat whatever the size.
 */
final class ChunkCopier {
    private static final int BUFFER_BYTES = 1 << 20;
    /** How often progress counters are updated and the stop flag looked at. */
    private static final int REPORT_EVERY_ROWS = 2_000;

    private final byte[] buffer = new byte[BUFFER_BYTES];

    /**
     * Copies the chunk. The source connection must already be inside the snapshot's transaction.
     *
     * @return the rows written to the target
     */
    long copy(Connection source, Connection target, CopyChunk chunk, BooleanSupplier stop) throws SQLException {
        CopyManager sourceCopy = source.unwrap(PGConnection.class).getCopyAPI();
        CopyManager targetCopy = target.unwrap(PGConnection.class).getCopyAPI();
        var progress = chunk.table().progress();
        CopyIn in = targetCopy.copyIn(chunk.copyInSql());
        CopyOut out = null;
        long rowsCounted = 0;
        try {
            out = sourceCopy.copyOut(chunk.copyOutSql());
            int filled = 0;
            long rowsSinceReport = 0;
            long bytesSinceReport = 0;
            byte[] row;
            while ((row = out.readFromCopy()) != null) {
                if (filled + row.length > BUFFER_BYTES) {
                    in.writeToCopy(buffer, 0, filled);
                    filled = 0;
                }
                if (row.length > BUFFER_BYTES) {
                    in.writeToCopy(row, 0, row.length);
                } else {
                    System.arraycopy(row, 0, buffer, filled, row.length);
                    filled += row.length;
                }
                rowsSinceReport++;
                bytesSinceReport += row.length;
                if (rowsSinceReport == REPORT_EVERY_ROWS) {
                    progress.addCopied(rowsSinceReport, bytesSinceReport);
                    rowsCounted += rowsSinceReport;
                    rowsSinceReport = 0;
                    bytesSinceReport = 0;
                    if (stop.getAsBoolean()) {
                        out.cancelCopy();
                        throw new CopyStopped();
                    }
                }
            }
            if (filled > 0) {
                in.writeToCopy(buffer, 0, filled);
            }
            long rows = in.endCopy();
            // messages are rows, except the binary format's trailer: settle on the target's own count
            progress.addCopied(rows - rowsCounted, bytesSinceReport);
            return rows;
        } catch (SQLException | RuntimeException e) {
            cancelQuietly(in);
            if (out != null && out.isActive()) {
                try {
                    out.cancelCopy();
                } catch (SQLException ignored) {
                    // the first error is the one worth reporting
                }
            }
            progress.addCopied(-rowsCounted, 0);
            throw e;
        }
    }

    private static void cancelQuietly(CopyIn in) {
        if (in.isActive()) {
            try {
                in.cancelCopy();
            } catch (SQLException ignored) {
                // the first error is the one worth reporting
            }
        }
    }
}
