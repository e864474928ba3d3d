package io.tablemigrator.operator;

import java.time.Duration;

/**
 * What the reconciler does about one migration this time round.
 *
 * @param workerWanted keep the worker Job, or create it when there is none; false deletes it
 * @param problem what the user must fix (Degraded), or null
 * @param waiting why nothing starts yet although nothing is wrong (an old worker pod still stopping), or null
 * @param retry for a problem the operator retries by itself: when, as words that stay the same from one round to
 *        the next ("retrying at 2025-01-01T10:00:20Z"), so that status does not change on every round; else null
 * @param requeueAfter look again after this long even if nothing changes, or null
 */
public record Decision(boolean workerWanted, Problem problem, String waiting, String retry, Duration requeueAfter) {
    /** Key of the decision in the reconcile context, where the Job's reconcile precondition reads it. */
    public static final String KEY = "tablemigrator.decision";
}
