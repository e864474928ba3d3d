package io.tablemigrator.operator;

/**
 * Something a user has to fix, as a Degraded condition shows it: a CamelCase reason and a sentence with the cause
 * and the fix. Never a stack trace, never a password.
 */
public record Problem(String reason, String message) {

    /** Reasons the operator finds by itself; every other Degraded reason comes from the worker. */
    public static final java.util.Set<String> OPERATOR_REASONS = java.util.Set.of("SecretNotFound", "SecretKeyNotFound",
            "ServiceAccountNotFound", "InvalidDatabaseUrl", "InvalidSpec", "SpecChangeRejected", "CleanupFailed", Problem.POD_NOT_STARTING);
    /** A worker pod that cannot start (image pull, container config): the operator reads it from the pod. */
    public static final String POD_NOT_STARTING = "WorkerPodNotStarting";

    public boolean fromOperator() {
        return OPERATOR_REASONS.contains(reason);
    }

    /** Parses a worker's termination message, {@code Reason: message}; anything else becomes WorkerFailed. */
    public static Problem fromTerminationMessage(String line, String fallbackReason) {
        if (line == null || line.isBlank()) {
            return null;
        }
        String text = line.strip();
        int colon = text.indexOf(": ");
        if (colon > 0 && text.substring(0, colon).matches("[A-Z][A-Za-z0-9]*")) {
            return new Problem(text.substring(0, colon), text.substring(colon + 2).strip());
        }
        return new Problem(fallbackReason, text);
    }
}
