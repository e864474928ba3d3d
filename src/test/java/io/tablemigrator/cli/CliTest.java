package io.tablemigrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.tablemigrator.testing.Checkpoints;
import io.tablemigrator.testing.EngineProcess;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.ShopWorkload;
import io.tablemigrator.testing.TenantSchema;
import io.tablemigrator.testing.TestDb;

/** The command line as a user runs it: a separate process, its exit code, stdout and stderr. */
class CliTest {
    private final TestDb source = PgServer.pg14().newDatabase("cli_src");
    private final TestDb target = PgServer.pg17().newDatabase("cli_tgt");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> status(EngineProcess p) throws Exception {
        Map<String, Object> doc = new ObjectMapper(new YAMLFactory()).readValue(p.stdout(), Map.class);
        return (Map<String, Object>) doc.get("status");
    }

    @Test
    void completedMigrationExitsZeroAndPrintsItsStatusAsYaml() throws Exception {
        source.execute(ShopWorkload.SCHEMA);
        Path manifest = EngineProcess.manifest("cli-ok", source, target, ShopWorkload.TABLES + "mode: Offline");
        EngineProcess p = EngineProcess.start("migrate", manifest);
        assertThat(p.exitCode(120)).as(p.stderr()).isZero();
        assertThat(status(p)).containsEntry("phase", "Completed").containsKeys("startedAt", "completedAt", "tables");
        assertThat(p.stderr()).contains("Validation (Checksum)").contains("checksums match").doesNotContain("Exception");
    }

    @Test
    void unusableManifestExitsTwoNamingTheField() throws Exception {
        Path manifest = EngineProcess.manifest("cli-bad", source, target, "tables: [{name: t, schemaName: x}]");
        EngineProcess p = EngineProcess.start("migrate", manifest);
        assertThat(p.exitCode(60)).isEqualTo(2);
        assertThat(p.stderr()).contains("spec.tables[0].schemaName: unknown field");
        assertThat(p.stdout()).isEmpty();
    }

    @Test
    void preflightFailureNamesTheTableAndTheFix() throws Exception {
        source.execute("CREATE TABLE events (at timestamptz, what text); INSERT INTO events VALUES (now(), 'x')");
        Path manifest = EngineProcess.manifest("cli-preflight", source, target, "tables: [{name: events}]");
        EngineProcess p = EngineProcess.start("migrate", manifest);
        assertThat(p.exitCode(60)).isEqualTo(2);
        assertThat(status(p)).containsEntry("phase", "Failed");
        assertThat((String) status(p).get("message")).contains("public.events has no primary key and no replica identity")
                .contains("ALTER TABLE \"public\".\"events\" REPLICA IDENTITY FULL;");
        assertThat(p.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void rowLevelSecurityThatWouldHideRowsExitsTwoNamingTheTableAndTheFix() throws Exception {
        TenantSchema.create(source);
        Path manifest = EngineProcess.manifest("cli-rls", source.url(TenantSchema.owner(source), null), target.url(),
                "tables: [{name: tenants_data}]");
        EngineProcess p = EngineProcess.start("migrate", manifest);
        assertThat(p.exitCode(60)).as(p.stderr()).isEqualTo(2);
        assertThat((String) status(p).get("message"))
                .contains("Source table public.tenants_data FORCEs row-level security on its owner")
                .contains("ALTER ROLE \"" + TenantSchema.owner(source) + "\" BYPASSRLS;");
        assertThat(p.stderr()).doesNotContain("Exception");
    }

    @Test
    void unreachableDatabaseIsReportedWithoutThePassword() throws Exception {
        Path manifest = Files.createTempFile("cli-unreachable", ".yaml");
        Files.writeString(manifest, """
                apiVersion: tablemigrator.io/v1alpha1
                kind: TableMigration
                metadata: {name: unreachable}
                spec:
                  source: {url: "postgresql://app:s3cret-pw@127.0.0.1:1/db"}
                  target: {url: "%s"}
                  tables: [{name: t}]
                """.formatted(target.url()));
        EngineProcess p = EngineProcess.start("migrate", manifest);
        assertThat(p.exitCode(60)).isEqualTo(2);
        assertThat(p.stdout() + p.stderr()).contains("Cannot connect to the source database postgresql://app@127.0.0.1:1/db")
                .doesNotContain("s3cret-pw");
    }

    @Test
    void ctrlCStopsCleanlyKeepsTheSlotAndTheNextRunResumes() throws Exception {
        source.execute(ShopWorkload.SCHEMA);
        Path manifest = EngineProcess.manifest("cli-stop", source, target, ShopWorkload.TABLES + "cutover: {policy: Manual}");
        try (ShopWorkload app = ShopWorkload.start(source, 2, 10)) {
            EngineProcess first = EngineProcess.start("migrate", manifest);
            awaitStage(first, "Replicating");
            first.interrupt();
            assertThat(first.exitCode(60)).as(first.stderr()).isEqualTo(130);
            assertThat(status(first)).containsEntry("phase", "Paused");
            assertThat(first.stderr()).contains("stopping at the next safe point");
            assertThat(source.queryValue("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                    .as("the slot is kept while stopped").isEqualTo("1");
            long before = app.transactions();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.transactions() > before + 50);

            EngineProcess second = EngineProcess.start("migrate", manifest, "--approve-cutover");
            assertThat(second.exitCode(180)).as(second.stderr()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> app.refusal() != null);
            // the resumed run prints the whole migration: the first run's copy, and the changes both replayed
            assertThat(number(second, "progress", "rowsCopied")).isPositive().isEqualTo(number(first, "progress", "rowsCopied"));
            assertThat(number(second, "replication", "changesApplied"))
                    .isGreaterThan(number(first, "replication", "changesApplied"));
        }
        assertThat(target.rowsOf("orders")).isEqualTo(source.rowsOf("orders"));
        assertThat(target.rowsOf("customers")).isEqualTo(source.rowsOf("customers"));
    }

    @SuppressWarnings("unchecked")
    private static long number(EngineProcess p, String field, String key) throws Exception {
        return ((Number) ((Map<String, Object>) status(p).get(field)).get(key)).longValue();
    }

    @Test
    void offlineCtrlCLeavesNothingBlockedOnTheSource() throws Exception {
        source.execute(ShopWorkload.SCHEMA);
        source.execute("INSERT INTO orders (customer, total) SELECT 1 + g % 20000, g FROM generate_series(1, 400000) g");
        Path manifest = EngineProcess.manifest("cli-offline-stop", source, target,
                ShopWorkload.TABLES + "mode: Offline\ncopy: {parallelism: 1}");
        EngineProcess p = EngineProcess.start("migrate", manifest);
        awaitStage(p, "Copying");
        p.interrupt();
        assertThat(p.exitCode(60)).as(p.stderr()).isEqualTo(130);
        source.execute("INSERT INTO customers (name) VALUES ('written right after Ctrl-C')");
    }

    @Test
    void cancelFromAnotherTerminalRemovesEverythingAndStopsTheRunningMigration() throws Exception {
        source.execute(ShopWorkload.SCHEMA);
        Path manifest = EngineProcess.manifest("cli-cancel", source, target, ShopWorkload.TABLES + "cutover: {policy: Manual}");
        EngineProcess running = EngineProcess.start("migrate", manifest);
        awaitStage(running, "Replicating");

        EngineProcess cancel = EngineProcess.start("cancel", manifest);
        assertThat(cancel.exitCode(90)).as(cancel.stderr()).isZero();
        assertThat(running.exitCode(60)).as(running.stderr()).isEqualTo(130);
        assertThat(source.queryValue("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                .isEqualTo("0");
        assertThat(source.queryValue("SELECT count(*) FROM pg_publication")).isEqualTo("0");
        assertThat(target.queryValue("SELECT count(*) FROM pg_tables WHERE tablename IN ('customers', 'orders')"))
                .isEqualTo("0");
        source.execute("INSERT INTO customers (name) VALUES ('writable')");
    }

    @Test
    void ctrlCTwiceCancels() throws Exception {
        source.execute(ShopWorkload.SCHEMA);
        Path manifest = EngineProcess.manifest("cli-twice", source, target, ShopWorkload.TABLES + "cutover: {policy: Manual}");
        EngineProcess p = EngineProcess.start("migrate", manifest);
        awaitStage(p, "Replicating");
        p.interrupt();
        p.interrupt();
        assertThat(p.exitCode(60)).as(p.stderr()).isEqualTo(130);
        assertThat(status(p).get("message").toString()).startsWith("Cancelled");
        assertThat(source.queryValue("SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                .isEqualTo("0");
    }

    private void awaitStage(EngineProcess engine, String stage) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> !engine.isAlive() || Checkpoints.stage(target).equals(stage));
        assertThat(engine.isAlive()).as("still running at " + stage + "; stderr:\n" + engine.stderr()).isTrue();
    }
}
