package io.tablemigrator.testing;

/** What a migration's checkpoint on the target says, for tests that wait for a stage. */
public final class Checkpoints {
    private Checkpoints() {
    }

    /** The stage of the only migration on this target, or "none" before its checkpoint exists. */
    public static String stage(TestDb target) {
        try {
            String stage = target.queryValue("SELECT stage FROM tablemigrator.migrations");
            return stage == null ? "none" : stage;
        } catch (IllegalStateException notCreatedYet) {
            return "none";
        }
    }
}
