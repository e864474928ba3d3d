package io.tablemigrator.engine;

/**
 * What a driver tells a running engine. The engine polls these at safe points (between copy chunks, between
 * replay batches, before a cutover), so an answer may take a moment to act on.
 */
public interface MigrationControl {

    /** With cutover policy Manual: whether a person has approved the cutover (ignored for Automatic). */
    boolean cutoverApproved();

    /**
     * Stop now and keep what can be resumed: the replication slot stays, any fence on the source is lifted,
     * and a later run continues from the checkpoint.
     */
    boolean stopRequested();

    /** Cancel: stop, and remove everything the migration made (slot, publication, fence, half-built tables). */
    boolean cancelRequested();
}
