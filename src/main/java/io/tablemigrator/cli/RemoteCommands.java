package io.tablemigrator.cli;

import io.tablemigrator.api.CutoverPolicy;
import io.tablemigrator.engine.Migration;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.checkpoint.CheckpointStore;
import io.tablemigrator.engine.db.Database;

/** {@code approve} and {@code cancel}: messages to a migration, left in its checkpoint on the target. */
final class RemoteCommands {
    private RemoteCommands() {
    }

    static int approve(MigrationPlan plan) {
        if (plan.cutoverPolicy() != CutoverPolicy.Manual) {
            System.err.println("tablemigrator: " + plan.id() + " has cutover policy " + plan.cutoverPolicy()
                    + "; it cuts over by itself, nothing to approve.");
            return Cli.COMPLETED;
        }
        try (CheckpointStore checkpoint = CheckpointStore.open(new Database("target", plan.target()), plan.id())) {
            checkpoint.approveCutover();
            System.err.println("tablemigrator: cutover of " + plan.id() + " approved; it starts as soon as the "
                    + "replication lag is under " + plan.maxLagBytes() + " bytes.");
            return Cli.COMPLETED;
        } catch (MigrationError e) {
            System.err.println("tablemigrator: " + e.getMessage());
            return Cli.UNUSABLE_INPUT;
        }
    }

    static int cancel(MigrationPlan plan) {
        try {
            Migration.cancel(plan);
            System.err.println("tablemigrator: " + plan.id() + " cancelled: its replication slot, publication, fence "
                    + "and unfinished target tables are gone.");
            return Cli.COMPLETED;
        } catch (MigrationError e) {
            System.err.println("tablemigrator: " + e.getMessage());
            return Cli.UNUSABLE_INPUT;
        }
    }
}
