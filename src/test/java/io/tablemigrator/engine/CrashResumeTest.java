package io.tablemigrator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.tablemigrator.testing.Checkpoints;
import io.tablemigrator.testing.EngineProcess;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.ShopWorkload;
import io.tablemigrator.testing.TestDb;

/**
 * The engine killed with SIGKILL (a separate process, no chance to clean up) in the middle of the copy, the replay
 * and the cutover, while an application writes; started again, it ends with source and target identical and
 * nothing left behind on the source.
 */
class CrashResumeTest {

    private final TestDb source = PgServer.pg14().newDatabase("crash_src");
    private final TestDb target = PgServer.pg17().newDatabase("crash_tgt");

    @Test
    void killedDuringTheCopy() throws Exception {
        source.execute(ShopWorkload.SCHEMA);
        source.execute("INSERT INTO orders (customer, total) SELECT 1 + g % 20000, g % 1000 FROM generate_series(1, 400000) g;"
                + " ANALYZE");
        Path manifest = EngineProcess.manifest("crash-copy", source, target, ShopWorkload.TABLES + "copy: {parallelism: 2}");
        try (ShopWorkload app = ShopWorkload.start(source, 3, 5)) {
            EngineProcess first = EngineProcess.start("migrate", manifest);
            awaitStage(first, "Copying");
            first.kill();

            EngineProcess second = EngineProcess.start("migrate", manifest);
            assertThat(second.exitCode(180)).as(second.stderr()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.refusal() != null);
        }
        assertIdenticalAndClean();
    }

    @Test
    void killedDuringTheReplay() throws Exception {
        source.execute(ShopWorkload.SCHEMA);
        Path manifest = EngineProcess.manifest("crash-replay", source, target,
                ShopWorkload.TABLES + "cutover: {policy: Manual}");
        try (ShopWorkload app = ShopWorkload.start(source, 3, 5)) {
            EngineProcess first = EngineProcess.start("migrate", manifest);
            awaitStage(first, "Replicating");
            await().atMost(Duration.ofSeconds(60)).until(() -> target.queryValue(
                    "SELECT applied_lsn IS NOT NULL FROM tablemigrator.migrations").equals("t"));
            first.kill();
            long before = app.transactions();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.transactions() > before + 200);

            EngineProcess second = EngineProcess.start("migrate", manifest, "--approve-cutover");
            assertThat(second.exitCode(180)).as(second.stderr()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.refusal() != null);
        }
        assertIdenticalAndClean();
    }

    @Test
    void killedDuringTheCutoverLeavesTheSourceWritable() throws Exception {
        source.execute(ShopWorkload.SCHEMA);
        Path manifest = EngineProcess.manifest("crash-cutover", source, target,
                ShopWorkload.TABLES + "cutover: {policy: Automatic, timeoutSeconds: 30}");
        try (ShopWorkload app = ShopWorkload.start(source, 3, 5); Connection blocker = source.connect()) {
            // a long transaction holding a write lock keeps the cutover waiting for its table lock
            blocker.setAutoCommit(false);
            blocker.createStatement().execute("UPDATE \"Audit Log\".\"Events\" SET amount = amount WHERE false");
            EngineProcess first = EngineProcess.start("migrate", manifest);
            awaitStage(first, "CuttingOver");
            first.kill();
            blocker.commit();
            long before = app.transactions();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.transactions() > before + 100);
            assertThat(app.refusal()).as("writes go on after the cutover's process died").isNull();

            EngineProcess second = EngineProcess.start("migrate", manifest);
            assertThat(second.exitCode(180)).as(second.stderr()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.refusal() != null);
        }
        assertIdenticalAndClean();
    }

    private void awaitStage(EngineProcess engine, String stage) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> !engine.isAlive() || Checkpoints.stage(target).equals(stage));
        assertThat(engine.isAlive()).as("still running at " + stage + "; stderr:\n" + engine.stderr()).isTrue();
    }

    private void assertIdenticalAndClean() {
        assertThat(target.rowsOf("customers")).isEqualTo(source.rowsOf("customers"));
        assertThat(target.rowsOf("orders")).isEqualTo(source.rowsOf("orders"));
        assertThat(target.rowsOf("audit.events")).isEqualTo(source.rowsOf("\"Audit Log\".\"Events\""));
        assertThat(source.queryValue("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()")).isEqualTo("0");
        assertThat(source.queryValue("SELECT count(*) FROM pg_publication")).isEqualTo("0");
        assertThat(Long.parseLong(target.queryValue("SELECT nextval('orders_id_seq')")))
                .isGreaterThan(Long.parseLong(source.queryValue("SELECT max(id) FROM orders")));
    }
}
