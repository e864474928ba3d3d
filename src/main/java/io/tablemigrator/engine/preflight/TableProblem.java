package io.tablemigrator.engine.preflight;

import java.util.List;
import java.util.function.Function;

import io.tablemigrator.engine.db.QualifiedName;

/**
 * A kind of problem that can concern many tables, told in one sentence for all of them: a migration of a schema with
 * 55 partitions that are all UNLOGGED gets one line naming them, not 55 lines.
 *
 * @param reason   the condition's reason
 * @param sentence the cause and the fix for the given tables (one or more, in the order found); {@link Problems#names}
 *                 and {@link Problems#statements} help it read the same for one table as for many
 */
public record TableProblem(String reason, Function<List<QualifiedName>, String> sentence) {
}
