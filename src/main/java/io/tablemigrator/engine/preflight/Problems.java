package io.tablemigrator.engine.preflight;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.db.QualifiedName;

/**
 * What preflight found, collected so that a user fixes everything in one round: each problem once, and the problems of
 * one {@link TableProblem} kind as one sentence listing their tables. The error puts each on a line of its own.
 */
public final class Problems {
    /** How many names or statements a sentence spells out before it says how many more there are. */
    static final int SPELLED_OUT = 10;

    /** Each entry is a problem of its own, or the place where a kind's group is told. */
    private final List<Object> order = new ArrayList<>();
    private final Map<TableProblem, List<QualifiedName>> groups = new LinkedHashMap<>();

    public void add(Problem problem) {
        order.add(problem);
    }

    public void add(String reason, String message) {
        add(new Problem(reason, message));
    }

    /** A problem of this kind with this table; told together with every other table of the same kind. */
    public void add(TableProblem kind, QualifiedName table) {
        List<QualifiedName> tables = groups.computeIfAbsent(kind, k -> {
            order.add(k);
            return new ArrayList<>();
        });
        if (!tables.contains(table)) {
            tables.add(table);
        }
    }

    public boolean isEmpty() {
        return order.isEmpty();
    }

    /** Each problem as a reason and its sentence, in the order found. */
    public List<Problem> list() {
        return order.stream().map(o -> o instanceof TableProblem kind
                ? new Problem(kind.reason(), kind.sentence().apply(List.copyOf(groups.get(kind))))
                : (Problem) o).toList();
    }

    /** The error for all of them: the first one's reason, and one line per problem. */
    public MigrationError toError() {
        List<Problem> problems = list();
        return new MigrationError(problems.get(0).reason(),
                problems.stream().map(Problem::message).collect(Collectors.joining("\n")));
    }

    /** "table public.a" or "tables public.a, public.b and public.c" (the first few, then how many more). */
    public static String names(String noun, List<QualifiedName> tables) {
        List<String> shown = tables.stream().limit(SPELLED_OUT).map(QualifiedName::display).toList();
        String list;
        if (tables.size() > SPELLED_OUT) {
            list = String.join(", ", shown) + " and " + (tables.size() - SPELLED_OUT) + " more";
        } else if (shown.size() > 1) {
            list = String.join(", ", shown.subList(0, shown.size() - 1)) + " and " + shown.get(shown.size() - 1);
        } else {
            list = shown.get(0);
        }
        return noun + (tables.size() == 1 ? " " : "s ") + list;
    }

    /** One statement per table, the first few spelled out, for a fix a user can paste. */
    public static String statements(List<QualifiedName> tables, Function<QualifiedName, String> statement) {
        String shown = tables.stream().limit(SPELLED_OUT).map(statement).collect(Collectors.joining(" "));
        return tables.size() > SPELLED_OUT ? shown + " (and the same for the other " + (tables.size() - SPELLED_OUT)
                + " tables)" : shown;
    }
}
