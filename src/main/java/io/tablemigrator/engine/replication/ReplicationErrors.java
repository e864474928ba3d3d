package io.tablemigrator.engine.replication;

import java.sql.SQLException;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.db.PgErrors;

/**
 * The replication part's failures as {@link MigrationError}s: a CamelCase reason and one sentence with the cause
 * and the fix. Only the driver's first line goes into the sentence (it never holds a password).
 */
final class ReplicationErrors {
    private ReplicationErrors() {
    }

    static boolean isPermissionDenied(SQLException e) {
        String state = e.getSQLState();
        return "42501".equals(state) || "28000".equals(state);
    }

    /**
     * A replication connection; a role without REPLICATION is refused at connect time (SQLSTATE 42501), which the
     * generic connect error would call unreachable.
     */
    static java.sql.Connection connectReplication(io.tablemigrator.engine.db.Database source) {
        try {
            return source.connectReplication();
        } catch (MigrationError e) {
            if (e.getCause() instanceof SQLException cause && isPermissionDenied(cause)) {
                throw new MigrationError("SourcePermissionDenied", "The source refused a replication connection to"
                        + " user " + source.url().user() + " (" + PgErrors.firstLine(cause) + "). Give it the"
                        + " REPLICATION attribute (ALTER ROLE ... REPLICATION, or rds_replication on RDS) and allow"
                        + " replication connections for it in pg_hba.conf.", cause);
            }
            throw e;
        }
    }

    static MigrationError slotMissing(String slot) {
        return new MigrationError("ReplicationSlotMissing", "The replication slot " + slot
                + " no longer exists on the source, so the changes made since the copy are lost to this migration"
                + " (it was dropped, or invalidated by max_slot_wal_keep_size). Cancel the migration and start it"
                + " again, which copies the tables anew.");
    }

    static MigrationError slotInUse(String slot, SQLException e) {
        return new MigrationError("ReplicationSlotInUse", "The replication slot " + slot
                + " is in use by another process (" + PgErrors.firstLine(e) + "). Make sure only one worker runs"
                + " this migration; the slot is released when that process ends.", e);
    }

    static MigrationError slotCreation(String slot, SQLException e) {
        if (isPermissionDenied(e)) {
            return new MigrationError("SourcePermissionDenied", "The source user may not create the replication slot "
                    + slot + " (" + PgErrors.firstLine(e) + "). Give it the REPLICATION attribute"
                    + " (ALTER ROLE ... REPLICATION, or rds_replication on RDS) and allow replication"
                    + " connections in pg_hba.conf.", e);
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("53400") || state.startsWith("53")) {
            return new MigrationError("ReplicationSlotLimit", "The source cannot create the replication slot " + slot
                    + " (" + PgErrors.firstLine(e) + "). Raise max_replication_slots or max_wal_senders on the"
                    + " source, or drop unused slots.", e);
        }
        if (state.equals("55000")) {
            return new MigrationError("SourceNotLogical", "The source cannot create the logical replication slot "
                    + slot + " (" + PgErrors.firstLine(e) + "). Set wal_level = logical on the source and restart"
                    + " it.", e);
        }
        return new MigrationError("ReplicationSlotFailed", "Cannot create the replication slot " + slot
                + " on the source: " + PgErrors.firstLine(e) + ".", e);
    }

    static MigrationError publication(String publication, SQLException e) {
        if (isPermissionDenied(e)) {
            return new MigrationError("SourcePermissionDenied", "The source user may not create or change the"
                    + " publication " + publication + " (" + PgErrors.firstLine(e) + "). It must own the migrated"
                    + " tables and have CREATE on the source database (or be a superuser).", e);
        }
        return new MigrationError("PublicationFailed", "Cannot set up the publication " + publication
                + " on the source: " + PgErrors.firstLine(e) + ". Check that every migrated table exists there.", e);
    }

    static MigrationError publicationMissing(String publication, SQLException e) {
        return new MigrationError("PublicationMissing", "The publication " + publication
                + " is missing on the source or does not publish the migrated tables (" + PgErrors.firstLine(e)
                + "). Cancel the migration and start it again.", e);
    }

    static MigrationError sourceReplication(String slot, SQLException e) {
        if (isPermissionDenied(e)) {
            return new MigrationError("SourcePermissionDenied", "The source refused to stream changes from slot "
                    + slot + " (" + PgErrors.firstLine(e) + "). Give the source user the REPLICATION attribute and"
                    + " allow replication connections for it in pg_hba.conf.", e);
        }
        return new MigrationError("SourceReplicationFailed", "Streaming changes from slot " + slot
                + " failed: " + PgErrors.firstLine(e) + ". The migration resumes from its checkpoint when run"
                + " again.", e);
    }

    static MigrationError targetApply(String what, SQLException e) {
        if (isPermissionDenied(e)) {
            return new MigrationError("TargetPermissionDenied", "The target refused to apply a change to " + what
                    + " (" + PgErrors.firstLine(e) + "). Give the target user INSERT, UPDATE, DELETE and TRUNCATE"
                    + " on the migrated tables.", e);
        }
        return new MigrationError("ApplyFailed", "Applying a source change to " + what + " on the target failed: "
                + PgErrors.firstLine(e) + ". The migration resumes from its last checkpoint when run again.", e);
    }
}
