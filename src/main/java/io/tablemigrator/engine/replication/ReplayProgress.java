package io.tablemigrator.engine.replication;

/** Where replay reports how far it got: the status of the migration, for the direction it replays. */
public interface ReplayProgress {
    /** Replay (re)started reading this slot through this publication. */
    void started(String slotName, String publicationName);

    /** The position the source side has been told is applied, and how far behind the applying side is. */
    void position(String confirmedLsn, long lagBytes, long lagSeconds);

    /** Row changes committed on the applying side. */
    void applied(long changes);
}
