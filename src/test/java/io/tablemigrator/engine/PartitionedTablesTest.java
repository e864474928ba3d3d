package io.tablemigrator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.tablemigrator.api.Phase;
import io.tablemigrator.testing.PartitionedShop;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.Plans;
import io.tablemigrator.testing.TestDb;

/**
 * Partitioned tables end to end: listing the partitioned table moves it with every partition (range, list, hash,
 * default, sub-partitions), their bounds, the indexes and keys created on it, and foreign keys into it; partitions
 * created on the source while the migration runs arrive too; the application's own INSERT works on the target.
 */
class PartitionedTablesTest {

    /** The partitions of a table, every level, as (name, bound), by name. */
    private static List<List<String>> partitions(TestDb db, String table) {
        return db.query("SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.relkind FROM pg_partition_tree('"
                + table + "') t JOIN pg_class c ON c.oid = t.relid WHERE t.level > 0 ORDER BY 1");
    }

    /** Same partitions, same bounds, and in each leaf the same rows. */
    private static void assertSameTree(TestDb source, TestDb target, String table) {
        List<List<String>> partitions = partitions(source, table);
        assertThat(partitions).isNotEmpty();
        assertThat(partitions(target, table)).isEqualTo(partitions);
        for (List<String> partition : partitions) {
            if (partition.get(2).equals("r")) {
                assertThat(target.rowsOf(partition.get(0))).as(partition.get(0)).isEqualTo(source.rowsOf(partition.get(0)));
            }
        }
        assertThat(target.rowsOf(table)).isEqualTo(source.rowsOf(table));
    }

    /** What the application does first after the cutover: plain inserts, no ids given, into every month. */
    private static void applicationInsertsWork(TestDb source, TestDb target) {
        long maxSourceId = Long.parseLong(source.queryValue("SELECT max(id) FROM payments"));
        long id = Long.parseLong(target.queryValue("INSERT INTO payments (customer_id, paid_at, amount)"
                + " VALUES (1, '2026-03-15 10:00', 12.5) RETURNING id"));
        assertThat(id).isGreaterThan(maxSourceId);
        target.execute("INSERT INTO payments (customer_id, paid_at, amount) VALUES (2, '2031-01-01', 3)");
        target.execute("INSERT INTO refunds (payment_id, payment_paid_at, amount) VALUES (" + id
                + ", '2026-03-15 10:00', 2)");
        assertThat(target.queryValue("SELECT tableoid::regclass FROM payments WHERE id = " + id)).isEqualTo("payments_2026_03");
        long eventId = Long.parseLong(target.queryValue("INSERT INTO events (region, at, kind)"
                + " VALUES ('eu-central', '2026-02-02', 'signup') RETURNING id"));
        assertThat(eventId).isGreaterThan(Long.parseLong(source.queryValue("SELECT max(id) FROM events")));
        assertThatThrownBy(() -> target.execute("INSERT INTO refunds (payment_id, payment_paid_at, amount)"
                + " VALUES (-1, now(), 1)")).hasMessageContaining("refunds_payment_id_payment_paid_at_fkey");
    }

    @Test
    void offlineMovesEveryPartitionWithItsBoundsKeysAndIndexes() {
        moveOffline(PgServer.pg14().newDatabase("part_off_src"), PgServer.pg17().newDatabase("part_off_tgt"));
    }

    /** PostgreSQL 12 cannot publish a partitioned table, but Offline mode needs no publication. */
    @Test
    void offlineFromPostgres12() {
        moveOffline(PgServer.version("12").newDatabase("part12_src"), PgServer.pg14().newDatabase("part12_tgt"));
    }

    private static void moveOffline(TestDb source, TestDb target) {
        source.execute(PartitionedShop.SCHEMA);
        var plan = Plans.plan("parts-offline", source, target, "mode: Offline\n" + PartitionedShop.TABLES
                + "copy: {parallelism: 3}\n");
        StatusBoard board = new StatusBoard(plan.tables());

        assertThat(new Migration(plan, Plans.runToEnd(), board).run()).isEqualTo(Outcome.COMPLETED);

        for (String table : List.of("payments", "sessions", "events")) {
            assertSameTree(source, target, table);
        }
        assertThat(target.rowsOf("refunds")).isEqualTo(source.rowsOf("refunds"));
        // indexes made on the parent exist on the parent and on every partition, attached
        assertThat(target.queryValue("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhparent"
                + " WHERE c.relname = 'payments_customer_idx'")).isEqualTo("4");
        assertThat(target.queryValue("SELECT pg_get_indexdef('payments_status_idx'::regclass)"))
                .isEqualTo("CREATE INDEX payments_status_idx ON ONLY public.payments USING btree (status)"
                        + " WHERE (status <> 'captured'::text)");
        assertThat(target.queryValue("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"
                + " WHERE c.relname LIKE 'sessions_p_' AND i.indisprimary")).isEqualTo("4");
        assertThat(target.queryValue("SELECT relreplident FROM pg_class WHERE relname = 'events_us_1'")).isEqualTo("f");
        var status = board.snapshot();
        var payments = status.getTables().stream().filter(t -> t.getSource().equals("public.payments")).findFirst().orElseThrow();
        assertThat(payments.getRowsCopied()).isEqualTo(Long.parseLong(source.queryValue("SELECT count(*) FROM payments")));
        assertThat(payments.getChecksumMatch()).isTrue();
        applicationInsertsWork(source, target);
    }

    /**
     * A renamed table gives its partitions derived names (payments_2026_01 of payments, moved as payments_v2,
     * becomes payments_v2_2026_01), so that they can never take the source's names; the schema follows the table.
     */
    @Test
    void aRenamedTableGivesItsPartitionsDerivedNames() {
        TestDb source = PgServer.pg14().newDatabase("part_ren_src");
        TestDb target = PgServer.pg17().newDatabase("part_ren_tgt");
        source.execute(PartitionedShop.SCHEMA);
        var plan = Plans.plan("parts-renamed", source, target, """
                mode: Offline
                targetSuffix: _v2
                tables:
                  - {name: customers}
                  - {name: payments, targetSchema: billing}
                  - {name: refunds, targetSchema: billing}
                  - {name: events, targetName: event_log}
                """);
        assertThat(new Migration(plan, Plans.runToEnd(), new StatusBoard(plan.tables())).run()).isEqualTo(Outcome.COMPLETED);

        assertThat(partitions(target, "billing.payments_v2")).extracting(p -> p.get(0)).containsExactly(
                "payments_v2_2026_01", "payments_v2_2026_02", "payments_v2_2026_03", "payments_v2_default");
        assertThat(partitions(target, "event_log")).extracting(p -> p.get(0)).containsExactly("event_log_eu",
                "event_log_eu_2026_01", "event_log_eu_2026_02", "event_log_eu_2026_03", "event_log_other",
                "event_log_us", "event_log_us_0", "event_log_us_1");
        assertThat(partitions(target, "event_log")).extracting(p -> p.get(1))
                .isEqualTo(partitions(source, "events").stream().map(p -> p.get(1)).toList());
        assertThat(target.rowsOf("billing.payments_v2_2026_02")).isEqualTo(source.rowsOf("payments_2026_02"));
        assertThat(target.rowsOf("event_log_eu_2026_03")).isEqualTo(source.rowsOf("events_eu_2026_03"));
        assertThat(target.queryValue("SELECT confrelid::regclass FROM pg_constraint WHERE conname"
                + " = 'refunds_v2_payment_id_payment_paid_at_fkey' AND conparentid = 0")).isEqualTo("billing.payments_v2");
    }

    /**
     * A partition listed on its own moves as a table of its own (the plan says so): its rows and keys, not its
     * parent or bounds; its changes are published as its own, not its partitioned table's.
     */
    @Test
    void aPartitionListedAloneMovesAsAPlainTable() throws Exception {
        TestDb source = PgServer.pg14().newDatabase("part_one_src");
        TestDb target = PgServer.pg17().newDatabase("part_one_tgt");
        source.execute(PartitionedShop.SCHEMA);
        // the partition's id default calls its table's sequence, which nobody owns on the target: created by hand
        target.execute("CREATE SEQUENCE payments_id_seq");
        try (var c = source.connect()) {
            assertThat(io.tablemigrator.engine.schema.SchemaReader.read(c,
                    new io.tablemigrator.engine.db.QualifiedName("public", "payments_2026_02")).notCarried())
                    .anySatisfy(w -> assertThat(w).contains("is a partition; listed alone it moves as a table of its own"));
        }
        var plan = Plans.plan("one-partition", source, target, """
                tables: [{name: payments_2026_02, targetName: payments_february}]
                cutover: {policy: Manual}
                """);
        StatusBoard board = new StatusBoard(plan.tables());
        AtomicBoolean approved = new AtomicBoolean();
        var run = CompletableFuture.supplyAsync(() -> new Migration(plan,
                Plans.control(approved::get, () -> false, () -> false), board).run());
        await().atMost(Duration.ofMinutes(2)).until(() -> board.overallPhase() == Phase.Replicating || run.isDone());
        source.execute("INSERT INTO payments (customer_id, paid_at, amount) VALUES (1, '2026-02-20', 5), (2, '2026-03-20', 6);"
                + " UPDATE payments SET status = 'refunded' WHERE paid_at < '2026-02-03' AND paid_at >= '2026-02-01'");
        approved.set(true);
        assertThat(run.get()).isEqualTo(Outcome.COMPLETED);

        assertThat(target.queryValue("SELECT relkind::text || relispartition FROM pg_class WHERE relname = 'payments_february'"))
                .isEqualTo("rfalse");
        assertThat(target.rowsOf("payments_february")).isEqualTo(source.rowsOf("payments_2026_02"));
        assertThat(target.queryValue("SELECT count(*) FROM pg_constraint WHERE conrelid = 'payments_february'::regclass"
                + " AND contype IN ('p', 'c')")).isEqualTo("2");
    }

    /**
     * Retention during the migration: a partition dropped on the source, another detached. At the cutover the
     * target detaches its copies (keeping their rows as tables of their own), and the trees match again.
     */
    @Test
    void partitionsDroppedOrDetachedOnTheSourceAreDetachedOnTheTargetAtTheCutover() throws Exception {
        TestDb source = PgServer.pg14().newDatabase("part_ret_src");
        TestDb target = PgServer.pg17().newDatabase("part_ret_tgt");
        source.execute(PartitionedShop.SCHEMA);
        var plan = Plans.plan("retention", source, target, PartitionedShop.TABLES + "cutover: {policy: Manual}\n");
        StatusBoard board = new StatusBoard(plan.tables());
        AtomicBoolean approved = new AtomicBoolean();
        var run = CompletableFuture.supplyAsync(() -> new Migration(plan,
                Plans.control(approved::get, () -> false, () -> false), board).run());
        await().atMost(Duration.ofMinutes(2)).until(() -> board.overallPhase() == Phase.Replicating || run.isDone());
        source.execute("DROP TABLE events_eu_2026_01; ALTER TABLE events DETACH PARTITION events_other;"
                + " INSERT INTO events (region, at, kind) VALUES ('eu-west', '2026-02-10', 'after')");
        approved.set(true);
        assertThat(run.get()).isEqualTo(Outcome.COMPLETED);

        assertSameTree(source, target, "events");
        assertThat(target.queryValue("SELECT relispartition FROM pg_class WHERE relname = 'events_eu_2026_01'")).isEqualTo("f");
        assertThat(target.count("events_other")).isEqualTo(source.count("events_other"));
        assertThat(board.snapshot().getTables()).allSatisfy(t -> assertThat(t.getChecksumMatch()).isTrue());
    }

    @Test
    void onlineFromPostgres13WhileTheApplicationWritesAndTheMonthlyJobAddsAPartition() throws Exception {
        migrateOnlineUnderLoad(PgServer.version("13").newDatabase("part13_src"), PgServer.pg17().newDatabase("part13_tgt"),
                "parts13");
    }

    @Test
    void onlineFromPostgres17WhileTheApplicationWritesAndTheMonthlyJobAddsAPartition() throws Exception {
        migrateOnlineUnderLoad(PgServer.pg17().newDatabase("part17_src"), PgServer.pg14().newDatabase("part17_tgt"),
                "parts17");
    }

    private static void migrateOnlineUnderLoad(TestDb source, TestDb target, String name) throws Exception {
        source.execute(PartitionedShop.SCHEMA);
        var plan = Plans.plan(name, source, target, PartitionedShop.TABLES + """
                copy: {parallelism: 3}
                cutover: {policy: Manual, timeoutSeconds: 10}
                """);
        StatusBoard board = new StatusBoard(plan.tables());
        AtomicBoolean approved = new AtomicBoolean();
        try (PartitionedShop app = PartitionedShop.start(source, 3, 5)) {
            var run = CompletableFuture.supplyAsync(() -> new Migration(plan,
                    Plans.control(approved::get, () -> false, () -> false), board).run());
            await().atMost(Duration.ofMinutes(3)).until(() -> board.overallPhase() == Phase.Replicating || run.isDone());
            long atReplicating = app.transactions();
            await().atMost(Duration.ofMinutes(2)).until(() -> app.transactions() > atReplicating + 200 || run.isDone());
            app.addNextMonth();
            long afterJob = app.transactions();
            await().atMost(Duration.ofMinutes(2)).until(() -> app.transactions() > afterJob + 200 || run.isDone());
            approved.set(true);
            await().atMost(Duration.ofMinutes(3)).until(run::isDone);
            assertThat(run.join()).isEqualTo(Outcome.COMPLETED);
            await().atMost(Duration.ofSeconds(30)).until(() -> app.refusal() != null);
            app.stop();
            assertThat(app.refusal()).contains("read-only: tablemigrator migration test/" + name + " moved it");
        }

        for (String table : List.of("payments", "sessions", "events")) {
            assertSameTree(source, target, table);
        }
        assertThat(target.rowsOf("customers")).isEqualTo(source.rowsOf("customers"));
        assertThat(target.rowsOf("refunds")).isEqualTo(source.rowsOf("refunds"));
        assertThat(target.count("payments_2026_04")).isGreaterThanOrEqualTo(500);
        assertThat(target.count("events_eu_2026_04")).isGreaterThanOrEqualTo(300);
        var status = board.snapshot();
        assertThat(status.getTables()).allSatisfy(t -> assertThat(t.getChecksumMatch()).isTrue());
        assertThat(status.getReplication().getChangesApplied()).isPositive();
        // writes that name a partition are fenced too, not only those through the partitioned table
        assertThatThrownBy(() -> source.execute("DELETE FROM payments_2026_04")).hasMessageContaining("read-only");
        assertThat(source.queryValue("SELECT count(*) FROM pg_publication")).isEqualTo("0");
        applicationInsertsWork(source, target);
    }
}
