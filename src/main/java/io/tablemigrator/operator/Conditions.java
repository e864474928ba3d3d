package io.tablemigrator.operator;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

/** kstatus-style conditions: lastTransitionTime moves only when status does; observedGeneration on each. */
public final class Conditions {
    public static final String READY = "Ready";
    public static final String PROGRESSING = "Progressing";
    public static final String DEGRADED = "Degraded";
    public static final String CUTOVER_READY = "CutoverReady";
    public static final List<String> ORDER = List.of(READY, PROGRESSING, DEGRADED, CUTOVER_READY);

    private Conditions() {
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean isTrue(List<Condition> conditions, String type) {
        return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
    }

    /** The condition as it should be now, keeping the previous transition time when the status did not change. */
    public static Condition next(List<Condition> previous, String type, boolean status, String reason, String message,
            Long generation, String now) {
        String value = status ? "True" : "False";
        String since = find(previous, type).filter(c -> value.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime).filter(Objects::nonNull).orElse(now);
        return new ConditionBuilder().withType(type).withStatus(value).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).withObservedGeneration(generation).build();
    }

    /** In the fixed order Ready, Progressing, Degraded, CutoverReady. */
    public static List<Condition> ordered(List<Condition> conditions) {
        List<Condition> sorted = new ArrayList<>(conditions);
        sorted.sort(java.util.Comparator.comparingInt(c -> ORDER.indexOf(c.getType())));
        return sorted;
    }
}
