package io.tablemigrator.engine.preflight;

/** One thing preflight found wrong: a reason for the condition and a sentence with the cause and the fix. */
public record Problem(String reason, String message) {
}
