package io.tablemigrator.engine.replication;

import java.util.List;

import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.Database;

/**
 * One direction of replay: the database whose changes are decoded (through a slot and a publication there), the
 * database they are applied to, and what each table of the one is called on the other. A migration replays forward,
 * source to target, until its cutover; a rollback window replays the other way, target to source, after it.
 *
 * @param id     names the replay in logs and messages (the migration's id, and the direction when it is not forward)
 * @param tables each table of {@code from} and its name on {@code to}
 */
public record ReplayRoute(String id, Database from, Database to, String slotName, String publicationName,
                          List<TableMapping> tables) {

    /** Source to target, through the migration's slot and publication on the source. */
    public static ReplayRoute forward(MigrationPlan plan, Database source, Database target) {
        return new ReplayRoute(plan.id(), source, target, plan.slotName(), plan.publicationName(), plan.tables());
    }
}
