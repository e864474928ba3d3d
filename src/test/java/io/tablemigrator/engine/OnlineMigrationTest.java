package io.tablemigrator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.tablemigrator.api.Phase;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.Plans;
import io.tablemigrator.testing.ShopWorkload;
import io.tablemigrator.testing.TestDb;

/** Online mode with an application writing through copy, replay and cutover. */
class OnlineMigrationTest {

    private final TestDb source = PgServer.pg14().newDatabase("on_src");
    private final TestDb target = PgServer.pg17().newDatabase("on_tgt");

    @Test
    void everyWriteArrivesOnceAndTheSourceEndsReadOnly() throws Exception {
        migrateUnderLoad(source, target, "online");
    }

    /** PostgreSQL 13 speaks pgoutput v1: no streamed transactions, no logical message to mark the cutover point. */
    @Test
    void aPostgres13SourceMovesTheSameWay() throws Exception {
        migrateUnderLoad(PgServer.version("13").newDatabase("on13_src"), target, "from13");
    }

    /** Back to an older major version, the way out should a move need undoing. */
    @Test
    void aPostgres13TargetWorksToo() throws Exception {
        migrateUnderLoad(PgServer.pg17().newDatabase("on17_src"), PgServer.version("13").newDatabase("on13_tgt"), "to13");
    }

    /** The oldest supported version, on both sides. */
    @Test
    void postgres12ToPostgres12() throws Exception {
        migrateUnderLoad(PgServer.version("12").newDatabase("on12_src"), PgServer.version("12").newDatabase("on12_tgt"),
                "on12");
    }

    private static void migrateUnderLoad(TestDb source, TestDb target, String name) throws Exception {
        source.execute(ShopWorkload.SCHEMA);
        var plan = Plans.plan(name, source, target, ShopWorkload.TABLES + """
                copy: {parallelism: 3}
                cutover: {policy: Manual, timeoutSeconds: 10}
                """);
        StatusBoard board = new StatusBoard(plan.tables());
        try (ShopWorkload app = ShopWorkload.start(source, 3, 5)) {
            var approval = new ApproveAfter(app, board, 300);
            var run = CompletableFuture.supplyAsync(() -> new Migration(plan,
                    Plans.control(approval::approved, () -> false, () -> false), board).run());
            await().atMost(Duration.ofMinutes(3)).until(run::isDone);
            assertThat(run.join()).isEqualTo(Outcome.COMPLETED);
            await().atMost(Duration.ofSeconds(30)).until(() -> app.refusal() != null);
            app.stop();
            assertThat(approval.writesDuringReplay()).isGreaterThanOrEqualTo(300);
            assertThat(app.refusal()).contains("read-only: tablemigrator migration test/" + name + " moved it");
        }

        assertThat(target.rowsOf("customers")).isEqualTo(source.rowsOf("customers"));
        assertThat(target.rowsOf("orders")).isEqualTo(source.rowsOf("orders"));
        assertThat(target.rowsOf("audit.events")).isEqualTo(source.rowsOf("\"Audit Log\".\"Events\""));
        assertThat(Long.parseLong(target.queryValue("SELECT last_value FROM customers_id_seq")))
                .isGreaterThanOrEqualTo(Long.parseLong(source.queryValue("SELECT last_value FROM customers_id_seq")));
        assertThat(Long.parseLong(target.queryValue("SELECT nextval('orders_id_seq')")))
                .isGreaterThan(Long.parseLong(source.queryValue("SELECT max(id) FROM orders")));
        assertThat(source.queryValue("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()")).isEqualTo("0");
        assertThat(source.queryValue("SELECT count(*) FROM pg_publication")).isEqualTo("0");

        var status = board.snapshot();
        assertThat(status.getTables()).allSatisfy(t -> assertThat(t.getChecksumMatch()).isTrue());
        assertThat(status.getReplication().getChangesApplied()).isPositive();
        assertThat(status.getCutover().getWritesBlockedMillis()).isNotNull();
        assertThat(status.getCutover().getFenceLsn()).isNotBlank();
        assertThatThrownBy(() -> source.execute("DELETE FROM orders")).hasMessageContaining("read-only");
    }

    @Test
    void aTargetThatDiffersAtValidationFailsNamingTheTableAndFreesTheSourceAndARerunStartsOver() throws Exception {
        source.execute(ShopWorkload.SCHEMA);
        var plan = Plans.plan("mismatch", source, target, ShopWorkload.TABLES + "cutover: {policy: Manual}");
        StatusBoard board = new StatusBoard(plan.tables());
        var approved = new java.util.concurrent.atomic.AtomicBoolean();
        var run = CompletableFuture.supplyAsync(() -> new Migration(plan,
                Plans.control(approved::get, () -> false, () -> false), board).run());
        await().atMost(Duration.ofMinutes(2)).until(() -> board.overallPhase() == Phase.Replicating);
        target.execute("DELETE FROM orders WHERE id = 7");
        approved.set(true);

        assertThatThrownBy(run::join).hasCauseInstanceOf(MigrationError.class)
                .hasMessageContaining("Validation failed: public.orders has 59999 rows where source public.orders has 60000");
        assertThat(source.queryValue("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                .isEqualTo("0");
        assertThat(source.queryValue("SELECT count(*) FROM pg_publication")).isEqualTo("0");
        source.execute("INSERT INTO customers (name) VALUES ('the source is writable again')");

        assertThat(new Migration(plan, Plans.runToEnd(), new StatusBoard(plan.tables())).run()).isEqualTo(Outcome.COMPLETED);
        assertThat(target.rowsOf("orders")).isEqualTo(source.rowsOf("orders"));
        assertThat(target.rowsOf("customers")).isEqualTo(source.rowsOf("customers"));
    }

    @Test
    void stoppingDuringTheCopyLeavesNoSlotAndTheNextRunStartsOver() {
        source.execute(ShopWorkload.SCHEMA);
        var plan = Plans.plan("stop-copy", source, target, ShopWorkload.TABLES);
        StatusBoard board = new StatusBoard(plan.tables());
        var stopAtCopy = Plans.control(() -> true, () -> board.overallPhase() == Phase.Copying, () -> false);
        assertThat(new Migration(plan, stopAtCopy, board).run()).isEqualTo(Outcome.STOPPED);
        assertThat(source.queryValue("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                .isEqualTo("0");

        assertThat(new Migration(plan, Plans.runToEnd(), new StatusBoard(plan.tables())).run()).isEqualTo(Outcome.COMPLETED);
        assertThat(target.rowsOf("orders")).isEqualTo(source.rowsOf("orders"));
    }

    /** Approves the cutover once the application has written this many transactions during replay. */
    private static final class ApproveAfter {
        private final ShopWorkload app;
        private final StatusBoard board;
        private final long writes;
        private long atReplicating = -1;

        ApproveAfter(ShopWorkload app, StatusBoard board, long writes) {
            this.app = app;
            this.board = board;
            this.writes = writes;
        }

        synchronized long writesDuringReplay() {
            return atReplicating < 0 ? 0 : app.transactions() - atReplicating;
        }

        synchronized boolean approved() {
            if (atReplicating < 0 && board.overallPhase() == Phase.Replicating) {
                atReplicating = app.transactions();
            }
            return writesDuringReplay() >= writes;
        }
    }
}
