package io.tablemigrator.engine;

/** Online mode: copy from the slot's snapshot, replay, cut over. */
final class OnlineMigration {
    private final MigrationRun run;

    OnlineMigration(MigrationRun run) {
        this.run = run;
    }

    Outcome run() {
        throw new MigrationError("NotBuiltYet", "Online mode is being built; use mode: Offline");
    }
}
