package io.tablemigrator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.tablemigrator.api.Phase;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.Plans;
import io.tablemigrator.testing.TestDb;

/**
 * Columns of OID-alias types (regclass, regtype, regproc...) hold OIDs that name different objects in another
 * database. The target here is a clone of the source whose schema {@code app} was renamed and made again: every OID
 * the source's values hold names a {@code filler_app} object on the target. Values must arrive naming the objects
 * of the same names.
 */
class OidAliasColumnsTest {
    /** The objects the audit table refers to; made again on the target, under new OIDs. */
    private static final String APP_OBJECTS = """
            CREATE SCHEMA app;
            CREATE TABLE app.audit_target (id int PRIMARY KEY, name text);
            CREATE TYPE app.status AS ENUM ('new', 'done');
            CREATE FUNCTION app.touch(integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT $1';
            CREATE FUNCTION app.plus(integer, integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT $1 + $2';
            CREATE OPERATOR app.## (LEFTARG = integer, RIGHTARG = integer, FUNCTION = app.plus);
            CREATE TEXT SEARCH CONFIGURATION app.english_nostop (COPY = pg_catalog.english);
            CREATE TEXT SEARCH DICTIONARY app.simple_dict (TEMPLATE = pg_catalog.simple);
            CREATE COLLATION app.bytewise FROM "C";
            """;

    private static String audit(String role) {
        return """
                CREATE DOMAIN app.table_ref AS regclass;
                CREATE TABLE audit (
                    id int PRIMARY KEY,
                    tbl regclass,
                    typ regtype,
                    fn regproc,
                    prc regprocedure,
                    opr regoperator,
                    op regoper,
                    cfg regconfig,
                    dict regdictionary,
                    nsp regnamespace,
                    rol regrole,
                    coll regcollation,
                    tbls regclass[],
                    ref app.table_ref,
                    note text);
                INSERT INTO audit VALUES
                  (1, 'app.audit_target', 'app.status', 'app.touch', 'app.touch(integer)', 'app.##(integer,integer)',
                   'app.##', 'app.english_nostop', 'app.simple_dict', 'app', '%1$s', 'app.bytewise',
                   '{app.audit_target,pg_class}', 'app.audit_target', 'the application''s own objects'),
                  (2, 'pg_class', 'integer', 'now', 'now()', '+(integer,integer)', NULL, 'english', 'simple',
                   'public', 'postgres', '"C"', '{}', 'pg_type', 'built-in objects'),
                  (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'nothing');
                """.formatted(role);
    }

    private final TestDb source = PgServer.pg17().newDatabase("oid_src");
    private TestDb target;

    /** The source with the audit table, and its clone as the target, where the source's OIDs name other objects. */
    private void sourceAndClonedTarget(String extraOnSourceOnly) {
        String role = source.name() + "_auditor";
        source.execute("CREATE ROLE " + role + ";" + APP_OBJECTS + audit(role) + extraOnSourceOnly);
        target = PgServer.pg17().copyOf(source, "oid_tgt");
        target.execute("DROP TABLE audit; ALTER SCHEMA app RENAME TO filler_app;" + APP_OBJECTS);
        // the application finds its objects through its search_path on the source; the target's is the default
        source.execute("ALTER DATABASE " + source.name() + " SET search_path = app, public");
        String sourceOid = source.queryValue("SELECT 'app.audit_target'::regclass::oid");
        assertThat(target.queryValue("SELECT " + sourceOid + "::regclass::text"))
                .as("on the target, the source's OID names another table").isEqualTo("filler_app.audit_target");
    }

    private void everyValueNamesTheSameObject() throws SQLException {
        assertThat(qualifiedRows(target)).isEqualTo(qualifiedRows(source)).isNotEmpty();
        assertThat(target.queryValue("""
                SELECT count(*) FROM audit WHERE id = 1 AND tbl = 'app.audit_target'::regclass
                  AND typ = 'app.status'::regtype AND prc = 'app.touch(integer)'::regprocedure
                  AND opr = 'app.##(integer,integer)'::regoperator AND cfg = 'app.english_nostop'::regconfig
                  AND dict = 'app.simple_dict'::regdictionary AND nsp = 'app'::regnamespace
                  AND coll = 'app.bytewise'::regcollation AND tbls[1] = 'app.audit_target'::regclass
                  AND ref = 'app.audit_target'::regclass""")).isEqualTo("1");
        assertThat(target.queryValue("SELECT count(*) FROM audit WHERE tbl::text LIKE 'filler%' OR typ::text LIKE 'filler%'"
                + " OR nsp::text LIKE 'filler%' OR ref::text LIKE 'filler%'")).isEqualTo("0");
    }

    /** The audit table's rows as text, with every name outside pg_catalog schema-qualified. */
    private static List<String> qualifiedRows(TestDb db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET search_path = ''");
            try (ResultSet rs = st.executeQuery("SELECT a::text FROM public.audit a ORDER BY id")) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        return rows;
    }

    @Test
    void offline() throws SQLException {
        sourceAndClonedTarget("");
        var plan = Plans.plan("oid-offline", source, target, "mode: Offline\ntables: [{name: audit}]");
        assertThat(new Migration(plan, Plans.runToEnd(), new StatusBoard(plan.tables())).run()).isEqualTo(Outcome.COMPLETED);
        everyValueNamesTheSameObject();
        target.execute("INSERT INTO audit (id, tbl, typ) VALUES (100, 'app.audit_target', 'app.status')");
    }

    @Test
    void onlineWithRowsWrittenDuringReplay() throws SQLException {
        sourceAndClonedTarget("");
        var plan = Plans.plan("oid-online", source, target, "tables: [{name: audit}]\ncutover: {policy: Manual}");
        StatusBoard board = new StatusBoard(plan.tables());
        AtomicBoolean approved = new AtomicBoolean();
        var run = CompletableFuture.supplyAsync(() -> new Migration(plan,
                Plans.control(approved::get, () -> false, () -> false), board).run());
        await().atMost(Duration.ofMinutes(2)).until(() -> run.isDone() || board.overallPhase() == Phase.Replicating);
        source.execute("""
                INSERT INTO audit (id, tbl, typ, prc, nsp, tbls, ref, note)
                  SELECT 10 + g, 'app.audit_target', 'app.status[]', 'app.plus(integer,integer)', 'app',
                         '{app.audit_target}', 'app.audit_target', 'written during replay'
                  FROM generate_series(1, 20) g;
                UPDATE audit SET tbl = 'app.audit_target', cfg = 'app.english_nostop' WHERE id = 2;
                DELETE FROM audit WHERE id = 3;
                """);
        approved.set(true);
        assertThat(run.join()).isEqualTo(Outcome.COMPLETED);

        everyValueNamesTheSameObject();
        assertThat(target.queryValue("SELECT count(*) FROM audit WHERE tbl = 'app.audit_target'::regclass"
                + " AND typ = 'app.status[]'::regtype AND prc = 'app.plus(integer,integer)'::regprocedure")).isEqualTo("20");
        assertThat(target.queryValue("SELECT cfg = 'app.english_nostop'::regconfig FROM audit WHERE id = 2")).isEqualTo("t");
    }

    @Test
    void aValueNamingAnObjectTheTargetLacksStopsTheCopyNamingTableColumnAndValue() {
        sourceAndClonedTarget("""
                CREATE TABLE app.only_on_source (id int);
                INSERT INTO audit (id, tbl, note) VALUES (4, 'app.only_on_source', 'not migrated');
                """);
        var plan = Plans.plan("oid-missing", source, target, "mode: Offline\ntables: [{name: audit}]");
        assertThatThrownBy(() -> new Migration(plan, Plans.runToEnd(), new StatusBoard(plan.tables())).run())
                .isInstanceOfSatisfying(MigrationError.class, e -> {
                    assertThat(e.reason()).isEqualTo("ReferencedObjectMissing");
                    assertThat(e.isPermanent()).isFalse();
                })
                .hasMessage("Source table public.audit holds 'app.only_on_source' in column \"tbl\" (regclass), which"
                        + " names a table, view, sequence or index that the target database does not have (relation"
                        + " \"app.only_on_source\" does not exist). Values of type regclass are carried by name:"
                        + " create that table, view, sequence or index on the target (or migrate it too), or change"
                        + " the value on the source; then run the migration again.");
    }
}
