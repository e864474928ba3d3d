package io.tablemigrator.operator;

import java.time.Duration;
import java.time.Instant;

/**
 * The delay before the operator tries again after a fixable failure, without any state of its own: the time the
 * migration has already been Degraded (the condition's lastTransitionTime is kept while it stays True), clamped
 * to [min, max]. Failing again right after each retry roughly doubles the delay: 10 s, 20 s, 40 s ... 5 min.
 */
public final class Backoff {
    private Backoff() {
    }

    public static Duration delay(Instant degradedSince, Instant failedAt, Duration min, Duration max) {
        Duration elapsed = degradedSince == null || failedAt == null ? Duration.ZERO : Duration.between(degradedSince, failedAt);
        if (elapsed.compareTo(min) < 0) {
            return min;
        }
        return elapsed.compareTo(max) > 0 ? max : elapsed;
    }

    /** "40s", "2m30s": short, for messages. */
    public static String human(Duration d) {
        long s = Math.max(0, (d.toMillis() + 999) / 1000);
        if (s < 60) {
            return s + "s";
        }
        return s % 60 == 0 ? (s / 60) + "m" : (s / 60) + "m" + (s % 60) + "s";
    }
}
