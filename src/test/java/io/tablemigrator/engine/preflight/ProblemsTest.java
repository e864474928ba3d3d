package io.tablemigrator.engine.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.db.QualifiedName;

/** Problems of one kind about many tables read as one line, however many tables there are. */
class ProblemsTest {
    private static final TableProblem UNLOGGED = new TableProblem("UnloggedTable",
            tables -> "Source " + Problems.names("table", tables) + " are UNLOGGED. Fix: "
                    + Problems.statements(tables, t -> "ALTER TABLE " + t.quoted() + " SET LOGGED;"));

    @Test
    void fiftyFivePartitionsMakeOneLineThatNamesTheFirstTenAndCountsTheRest() {
        Problems problems = new Problems();
        IntStream.rangeClosed(1, 55).forEach(i -> problems.add(UNLOGGED,
                new QualifiedName("public", "payment_p2024_" + String.format("%02d", i))));
        problems.add("WalLevelNotLogical", "The source has wal_level = replica.");

        MigrationError error = problems.toError();

        assertThat(error.reason()).isEqualTo("UnloggedTable");
        assertThat(error.getMessage().lines()).hasSize(2);
        assertThat(error.getMessage().lines().findFirst().orElseThrow())
                .startsWith("Source tables public.payment_p2024_01, public.payment_p2024_02,")
                .contains("public.payment_p2024_10 and 45 more are UNLOGGED")
                .contains("ALTER TABLE \"public\".\"payment_p2024_10\" SET LOGGED; (and the same for the other 45 tables)")
                .doesNotContain("payment_p2024_11");
    }

    @Test
    void oneTableIsNamedAloneAndTheSameTableTwiceOnce() {
        Problems problems = new Problems();
        problems.add(UNLOGGED, new QualifiedName("public", "cache"));
        problems.add(UNLOGGED, new QualifiedName("public", "cache"));
        assertThat(problems.list()).extracting(Problem::message)
                .containsExactly("Source table public.cache are UNLOGGED. Fix: ALTER TABLE \"public\".\"cache\" SET LOGGED;");
        assertThat(Problems.names("table", List.of(new QualifiedName("a", "x"), new QualifiedName("a", "y"))))
                .isEqualTo("tables a.x and a.y");
    }
}
