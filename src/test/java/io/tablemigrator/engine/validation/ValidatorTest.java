package io.tablemigrator.engine.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.tablemigrator.api.ValidationMode;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.StatusBoard;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.schema.CopyColumns;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.Plans;
import io.tablemigrator.testing.TestDb;

/** What validation must not let pass. */
class ValidatorTest {
    private final TestDb source = PgServer.pg14().newDatabase("val_src");
    private final TestDb target = PgServer.pg17().newDatabase("val_tgt");

    /**
     * A read that cannot see some rows shows the copy and the validation the same part of the table: they agree, and
     * the checksums match. Here the reads are in snapshots taken before the rows were written (the way a policy would
     * hide them, without one). PostgreSQL's statistics saw the rows written, and validation fails on both sides.
     */
    @Test
    void readsThatMissedTheSameRowsOnBothSidesFailNamingTheTables() throws Exception {
        String ddl = "CREATE TABLE events (id bigint PRIMARY KEY, at timestamptz, body text)";
        source.execute(ddl);
        target.execute(ddl);
        MigrationPlan plan = Plans.plan("val", source, target, "tables: [{name: events}]");
        var table = new StatusBoard(plan.tables()).tables().get(0);
        var columns = new CopyColumns(List.of("id", "at", "body"), List.of("id", "at", "body"), true);
        Validator validator = new Validator(new Database("source", plan.source()), new Database("target", plan.target()),
                ValidationMode.Checksum, 2);

        try (Connection sourceBefore = source.connect(); Connection targetBefore = target.connect()) {
            String sourceSnapshot = exportSnapshot(sourceBefore);
            String targetSnapshot = exportSnapshot(targetBefore);
            String rows = "INSERT INTO events SELECT g, timestamptz '2026-01-01' + g * interval '1 minute', 'event ' || g"
                    + " FROM generate_series(1, 1000) g";
            source.execute(rows);
            target.execute(rows);
            awaitStatistics(source, 1000);
            awaitStatistics(target, 1000);

            assertThatThrownBy(() -> validator.validate(Map.of(table, columns), m -> false, sourceSnapshot, targetSnapshot))
                    .isInstanceOfSatisfying(MigrationError.class, e -> {
                        assertThat(e.reason()).isEqualTo("ValidationFailed");
                        assertThat(e.isPermanent()).isTrue();
                    })
                    .hasMessageContaining("source table public.events: validation counted 0 rows where PostgreSQL's"
                            + " statistics count about 1000 live rows, so its reads did not see every row")
                    .hasMessageContaining("target table public.events: validation counted 0 rows");
            assertThat(table.checksumMatch()).as("the two parts agree with each other").isTrue();
        }

        validator.validate(Map.of(table, columns), m -> false, null, null);
        assertThat(table.sourceRows()).isEqualTo(1000L);
    }

    private static String exportSnapshot(Connection c) throws Exception {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            try (ResultSet rs = st.executeQuery("SELECT pg_export_snapshot()")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** The inserting session reports to the statistics when it ends, and they reach the view a moment later. */
    private static void awaitStatistics(TestDb db, long rows) {
        await().atMost(Duration.ofSeconds(30)).until(() -> Long.parseLong(db.queryValue(
                "SELECT n_live_tup FROM pg_stat_all_tables WHERE relid = 'public.events'::regclass")) >= rows);
    }
}
