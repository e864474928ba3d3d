package io.tablemigrator.engine;

/**
 * A failure with a cause a user can act on. The reason is a CamelCase word for a status condition;
 * the message is a sentence that names the cause and the fix. It never carries a password, and it is
 * shown as it is: no stack trace reaches a user for one of these.
 */
public class MigrationError extends RuntimeException {
    private final String reason;
    private final boolean permanent;

    /** A failure the user can fix (database settings, privileges, input); running again after the fix succeeds. */
    public MigrationError(String reason, String message) {
        this(reason, message, null, false);
    }

    public MigrationError(String reason, String message, Throwable cause) {
        this(reason, message, cause, false);
    }

    private MigrationError(String reason, String message, Throwable cause, boolean permanent) {
        super(message, cause);
        this.reason = reason;
        this.permanent = permanent;
    }

    /** A failure that running again will not fix, such as a validation mismatch: the migration is Failed for good. */
    public static MigrationError permanent(String reason, String message) {
        return new MigrationError(reason, message, null, true);
    }

    public boolean isPermanent() {
        return permanent;
    }

    public String reason() {
        return reason;
    }
}
