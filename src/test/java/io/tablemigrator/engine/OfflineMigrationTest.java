package io.tablemigrator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import io.tablemigrator.api.Phase;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.Plans;
import io.tablemigrator.testing.TestDb;

/** Offline mode end to end, PostgreSQL 14 to 17: what a user checks after a migration. */
class OfflineMigrationTest {

    private static final String SCHEMA = """
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
            CREATE SCHEMA "Sales";
            CREATE TABLE "Sales"."Order ""Items\""" (
                "Order Id" bigint NOT NULL,
                "Line" int NOT NULL,
                "Unit Price" numeric(12,2) NOT NULL CHECK ("Unit Price" >= 0),
                PRIMARY KEY ("Order Id", "Line"));
            CREATE TABLE people (
                id bigserial PRIMARY KEY,
                name text NOT NULL,
                mood mood DEFAULT 'ok',
                moods mood[],
                doc jsonb,
                photo bytea,
                born timestamptz,
                big text,
                name_upper text GENERATED ALWAYS AS (upper(name)) STORED);
            CREATE UNIQUE INDEX people_name_idx ON people (lower(name)) WHERE born IS NOT NULL;
            CREATE TABLE pets (
                id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                owner bigint REFERENCES people (id) ON DELETE CASCADE,
                nick text);
            CREATE TABLE log (at timestamptz, line text);
            INSERT INTO "Sales"."Order ""Items\""" SELECT g / 3, g % 3, g * 1.5 FROM generate_series(1, 30000) g;
            INSERT INTO people (name, mood, moods, doc, photo, born, big)
              SELECT 'p' || g, (ARRAY['sad','ok','happy']::mood[])[1 + g % 3], ARRAY['ok','sad']::mood[],
                     jsonb_build_object('g', g), decode(md5(g::text), 'hex'),
                     CASE WHEN g % 5 = 0 THEN NULL ELSE timestamptz '2020-01-01' + g * interval '1 hour' END,
                     CASE WHEN g % 500 = 0 THEN (SELECT string_agg(md5(i::text || g), '') FROM generate_series(1, 4000) i) END
              FROM generate_series(1, 20000) g;
            INSERT INTO people (name, mood) VALUES ('nulls everywhere', NULL);
            INSERT INTO pets (owner, nick) SELECT g, 'pet' || g FROM generate_series(1, 5000) g;
            INSERT INTO pets (owner, nick) VALUES (NULL, NULL);
            INSERT INTO log SELECT now(), NULL FROM generate_series(1, 100);
            """;

    private final TestDb source = PgServer.pg14().newDatabase("off_src");
    private final TestDb target = PgServer.pg17().newDatabase("off_tgt");

    private io.tablemigrator.engine.MigrationPlan plan(String extra) {
        return Plans.plan("offline", source, target, """
                mode: Offline
                tables:
                  - {schema: Sales, name: 'Order "Items"', targetSchema: archive, targetName: order_items}
                  - {name: people}
                  - {name: pets}
                  - {name: log}
                copy: {parallelism: 3}
                """ + extra);
    }

    @Test
    void movesEveryRowWithItsIndexesConstraintsAndSequencesAndLeavesTheSourceReadOnly() throws SQLException {
        source.execute(SCHEMA);
        var plan = plan("");
        StatusBoard board = new StatusBoard(plan.tables());

        assertThat(new Migration(plan, Plans.runToEnd(), board).run()).isEqualTo(Outcome.COMPLETED);

        assertThat(target.rowsOf("archive.order_items")).isEqualTo(source.rowsOf("\"Sales\".\"Order \"\"Items\"\"\""));
        for (String table : new String[] {"people", "pets", "log"}) {
            assertThat(target.rowsOf(table)).as(table).isEqualTo(source.rowsOf(table));
        }
        assertThat(target.queryValue("SELECT count(*) FROM pg_indexes WHERE tablename = 'people'")).isEqualTo("2");
        assertThat(target.queryValue("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'pets'::regclass"
                + " AND contype = 'f'")).isEqualTo("FOREIGN KEY (owner) REFERENCES people(id) ON DELETE CASCADE");
        assertThat(target.queryValue("SELECT attidentity FROM pg_attribute WHERE attrelid = 'pets'::regclass "
                + "AND attname = 'id'")).isEqualTo("a");
        assertThat(Long.parseLong(target.queryValue("SELECT nextval('people_id_seq')"))).isGreaterThan(20000);
        assertThat(Long.parseLong(target.queryValue("INSERT INTO pets (nick) VALUES ('new') RETURNING id"))).isGreaterThan(5001);

        var status = board.snapshot();
        assertThat(status.getTables()).allSatisfy(t -> {
            assertThat(t.getPhase()).isEqualTo(Phase.Completed);
            assertThat(t.getSourceRows()).isEqualTo(t.getTargetRows());
            assertThat(t.getChecksumMatch()).isTrue();
        });
        assertThat(status.getProgress().getPercent()).isEqualTo(100);
        assertThat(status.getProgress().getRowsCopied()).isEqualTo(30000 + 20001 + 5001 + 100);

        assertThatThrownBy(() -> source.execute("INSERT INTO log VALUES (now(), 'late')"))
                .hasMessageContaining("read-only: tablemigrator migration test/offline moved it");
    }

    @Test
    void writableSourceIsReleasedAndARerunOfAFinishedMigrationOnlyReportsIt() {
        source.execute(SCHEMA);
        var plan = plan("cutover: {sourceAfterCutover: Writable}\nvalidation: {mode: Count}");
        assertThat(new Migration(plan, Plans.runToEnd(), new StatusBoard(plan.tables())).run()).isEqualTo(Outcome.COMPLETED);
        source.execute("INSERT INTO log VALUES (now(), 'still writable')");

        StatusBoard again = new StatusBoard(plan.tables());
        assertThat(new Migration(plan, Plans.runToEnd(), again).run()).isEqualTo(Outcome.COMPLETED);
        assertThat(again.snapshot().getTables().get(1).getSourceRows()).isEqualTo(20001);
        assertThat(target.count("log")).isEqualTo(100);
    }

    @Test
    void aNonEmptyTargetTableIsRefusedByName() {
        source.execute(SCHEMA);
        target.execute("CREATE TABLE pets (id int, owner bigint, nick text); INSERT INTO pets VALUES (1, 1, 'x')");
        var plan = plan("");
        assertThatThrownBy(() -> new Migration(plan, Plans.runToEnd(), new StatusBoard(plan.tables())).run())
                .isInstanceOf(MigrationError.class)
                .hasMessageContaining("Target table public.pets already exists and holds rows")
                .extracting(e -> ((MigrationError) e).reason()).isEqualTo("TargetTableNotEmpty");
        source.execute("INSERT INTO log VALUES (now(), 'writable: nothing was fenced')");
    }

    @Test
    void aPreCreatedEmptyTargetTableIsFilledAsItIs() {
        source.execute(SCHEMA);
        target.execute("CREATE TABLE log (line text, at timestamptz, extra int DEFAULT 7)");
        var plan = plan("");
        new Migration(plan, Plans.runToEnd(), new StatusBoard(plan.tables())).run();
        assertThat(target.queryValue("SELECT count(*) FROM log WHERE extra = 7")).isEqualTo("100");
    }

    @Test
    void stoppingLiftsTheFenceAndTheNextRunStartsOverAndFinishes() {
        source.execute(SCHEMA);
        var plan = plan("");
        StatusBoard board = new StatusBoard(plan.tables());
        var stopAtCopy = Plans.control(() -> true, () -> board.overallPhase() == Phase.Copying, () -> false);
        assertThat(new Migration(plan, stopAtCopy, board).run()).isEqualTo(Outcome.STOPPED);
        source.execute("INSERT INTO log VALUES (now(), 'written while stopped')");

        assertThat(new Migration(plan, Plans.runToEnd(), new StatusBoard(plan.tables())).run()).isEqualTo(Outcome.COMPLETED);
        assertThat(target.rowsOf("log")).isEqualTo(source.rowsOf("log")).hasSize(101);
    }

    @Test
    void cancellingRemovesTheTargetTablesAndTheFence() throws SQLException {
        source.execute(SCHEMA);
        var plan = plan("");
        StatusBoard board = new StatusBoard(plan.tables());
        var cancelAtIndexing = Plans.control(() -> true, () -> false, () -> board.overallPhase() == Phase.Indexing);
        assertThat(new Migration(plan, cancelAtIndexing, board).run()).isEqualTo(Outcome.CANCELLED);
        assertThat(target.queryValue("SELECT count(*) FROM pg_tables WHERE tablename IN ('people', 'pets', 'log')"))
                .isEqualTo("0");
        assertThat(target.queryValue("SELECT count(*) FROM tablemigrator.migrations")).isEqualTo("0");
        source.execute("INSERT INTO log VALUES (now(), 'writable again')");
    }
}
