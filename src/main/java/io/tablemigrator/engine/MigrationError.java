package io.tablemigrator.engine;

/**
 * A failure with a cause a user can act on. The reason is a CamelCase word for a status condition;
 * the message is a sentence that names the cause and the fix. It never carries a password, and it is
 * shown as it is: no stack trace reaches a user for one of these.
 */
public class MigrationError extends RuntimeException {
    private final String reason;

    public MigrationError(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public MigrationError(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
