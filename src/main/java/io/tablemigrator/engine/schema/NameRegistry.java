package io.tablemigrator.engine.schema;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The names already used in each target schema, and the ones this plan gives out. Relations (tables,
 * indexes, sequences), constraints and types are counted together, so that a name given out never collides
 * with anything the target holds.
 */
final class NameRegistry {
    private final Map<String, Set<String>> taken = new HashMap<>();

    NameRegistry(Map<String, Set<String>> existing) {
        existing.forEach((schema, names) -> taken.put(schema, new HashSet<>(names)));
    }

    void reserve(String schema, String name) {
        taken.computeIfAbsent(schema, s -> new HashSet<>()).add(name);
    }

    boolean isTaken(String schema, String name) {
        return taken.getOrDefault(schema, Set.of()).contains(name);
    }

    /** {@code desired} cut to 63 bytes, or when that is taken, the first free of desired1, desired2, ... */
    String allocate(String schema, String desired) {
        String name = ObjectNames.truncate(desired, ObjectNames.MAX_BYTES);
        for (int i = 1; isTaken(schema, name); i++) {
            String suffix = Integer.toString(i);
            name = ObjectNames.truncate(desired, ObjectNames.MAX_BYTES - suffix.length()) + suffix;
        }
        reserve(schema, name);
        return name;
    }
}
