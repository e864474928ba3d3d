package io.tablemigrator.engine.replication;

import java.sql.Connection;

import org.postgresql.replication.LogSequenceNumber;

import io.tablemigrator.engine.db.Database;

/**
 * A slot just created, with the snapshot it exported: the copy reads the tables as of {@link #consistentLsn()}
 * by running {@code SET TRANSACTION SNAPSHOT '<snapshotName>'} first in a REPEATABLE READ transaction, and replay
 * starts at that same LSN. The snapshot can be imported only while this handle is open (its replication connection
 * stays idle meanwhile); closing it keeps the slot.
 */
public final class ExportedSnapshotSlot implements AutoCloseable {
    private final Connection replicationConnection;
    private final String slotName;
    private final String snapshotName;
    private final LogSequenceNumber consistentLsn;

    ExportedSnapshotSlot(Connection replicationConnection, String slotName, String snapshotName,
                         LogSequenceNumber consistentLsn) {
        this.replicationConnection = replicationConnection;
        this.slotName = slotName;
        this.snapshotName = snapshotName;
        this.consistentLsn = consistentLsn;
    }

    public String slotName() {
        return slotName;
    }

    public String snapshotName() {
        return snapshotName;
    }

    public LogSequenceNumber consistentLsn() {
        return consistentLsn;
    }

    /** Ends the exported snapshot (not the slot). */
    @Override
    public void close() {
        Database.closeQuietly(replicationConnection);
    }
}
