package io.tablemigrator.engine;

import io.tablemigrator.engine.db.Database;

/** Drops a migration's replication slot and publication on the source. */
final class ReplicationCleanup {
    private ReplicationCleanup() {
    }

    static void dropSlotAndPublication(MigrationPlan plan, Database source) {
        // replaced by the replication package's slot and publication management when it lands
    }
}
