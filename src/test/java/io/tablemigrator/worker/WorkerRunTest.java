package io.tablemigrator.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.tablemigrator.api.Phase;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.engine.MigrationControl;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.Outcome;
import io.tablemigrator.engine.StatusBoard;
import io.tablemigrator.testing.ApiServer;
import io.tablemigrator.testing.KubeFixtures;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.TenantSchema;
import io.tablemigrator.testing.TestDb;

/** The worker's contract: what it reads, what it writes, and the exit code and termination message it leaves. */
class WorkerRunTest {
    static ApiServer server;
    static KubernetesClient client;

    @BeforeAll
    static void startApiServer() {
        server = ApiServer.start();
        client = server.client();
    }

    @AfterAll
    static void stopApiServer() {
        server.close();
    }

    @TempDir
    Path dir;
    Path terminationLog;
    Map<String, String> env;

    interface Engine {
        Outcome run(MigrationPlan plan, MigrationControl control, StatusBoard board);
    }

    static MigrationRunner runner(Engine engine) {
        return new MigrationRunner() {
            @Override
            public Outcome run(MigrationPlan plan, MigrationControl control, StatusBoard board) {
                return engine.run(plan, control, board);
            }
        };
    }

    @BeforeEach
    void setUp() {
        KubeFixtures.installCrd(client);
        terminationLog = dir.resolve("termination-log");
        env = new HashMap<>(Map.of(WorkerEnv.TERMINATION_LOG, terminationLog.toString(),
                WorkerEnv.SOURCE_URL, "postgresql://app:secret@source:5432/shop"));
    }

    String create(String name, boolean manual) {
        var m = KubeFixtures.migration("shop", name).sourceSecret("shop-source", "url").targetUrl("postgresql://app:pw@target/shop")
                .table("public", "orders");
        if (manual) {
            m.manual();
        }
        client.resource(m.build()).create();
        return name;
    }

    int run(Engine engine, String... args) {
        return new WorkerRun(client, runner(engine), WorkerEnv.of(env), Duration.ofMillis(50), args).execute();
    }

    String terminationMessage() throws IOException {
        return Files.readString(terminationLog);
    }

    TableMigration get(String name) {
        return client.resources(TableMigration.class).inNamespace("shop").withName(name).get();
    }

    @Test
    void completedExitsZeroAndPublishesTheWorkersFieldsOnly() {
        String name = create("done", false);
        AtomicReference<MigrationPlan> seen = new AtomicReference<>();
        int code = run((plan, control, board) -> {
            seen.set(plan);
            board.phase(Phase.Completed);
            return Outcome.COMPLETED;
        }, "--namespace", "shop", "--name", name);
        assertThat(code).isZero();
        assertThat(seen.get().id()).isEqualTo("shop/done");
        assertThat(seen.get().source().redacted()).isEqualTo("postgresql://app@source:5432/shop");
        assertThat(seen.get().target().hosts()).isEqualTo("target");
        var status = get(name).getStatus();
        assertThat(status.getTables()).singleElement().satisfies(t -> assertThat(t.getPhase()).isEqualTo(Phase.Completed));
        assertThat(status.getPhase()).as("phase is the operator's").isNull();
        assertThat(status.getMessage()).isNull();
        assertThat(terminationLog).doesNotExist();
    }

    @Test
    void aFixableErrorExitsTwoWithReasonAndMessageInTheTerminationLog() throws IOException {
        String name = create("fixable", false);
        int code = run((plan, control, board) -> {
            throw new MigrationError("WalLevelNotLogical", "The source has wal_level replica; set wal_level = logical.");
        }, "--namespace", "shop", "--name", name);
        assertThat(code).isEqualTo(2);
        assertThat(terminationMessage()).isEqualTo("WalLevelNotLogical: The source has wal_level replica; set wal_level = logical.");
        assertThat(get(name).getStatus().getTables()).as("the status so far is published").hasSize(1);
    }

    /** The real engine against real databases: what the operator turns into a Degraded condition. */
    @Test
    void aPreflightProblemOfTheRealEngineExitsTwoWithItsSentence() throws IOException {
        TestDb source = PgServer.pg14().newDatabase("wrk_src");
        TestDb target = PgServer.pg17().newDatabase("wrk_tgt");
        TenantSchema.create(source);
        env.put(WorkerEnv.SOURCE_URL, source.url(TenantSchema.owner(source), null));
        client.resource(KubeFixtures.migration("shop", "rls").sourceSecret("shop-source", "url").targetUrl(target.url())
                .table("public", "tenants_data").build()).create();

        int code = new WorkerRun(client, new MigrationRunner(), WorkerEnv.of(env), Duration.ofMillis(50),
                new String[] {"--namespace", "shop", "--name", "rls"}).execute();
        assertThat(code).isEqualTo(2);
        assertThat(terminationMessage()).startsWith("SourceRowSecurity: Source table public.tenants_data FORCEs"
                + " row-level security on its owner").contains("BYPASSRLS;");
    }

    @Test
    void theTerminationMessageIsOneLine() throws IOException {
        String name = create("multiline", false);
        run((plan, control, board) -> {
            throw new MigrationError("PreflightFailed", "Preflight could not query the databases: ERROR: boom\n  Detail: x\n");
        }, "--namespace", "shop", "--name", name);
        assertThat(terminationMessage()).isEqualTo("PreflightFailed: Preflight could not query the databases: ERROR: boom Detail: x");
    }

    @Test
    void aPermanentErrorExitsThree() throws IOException {
        String name = create("permanent", false);
        assertThat(run((plan, control, board) -> {
            throw MigrationError.permanent("ChecksumMismatch", "Table public.orders differs.");
        }, "--namespace", "shop", "--name", name)).isEqualTo(3);
        assertThat(terminationMessage()).startsWith("ChecksumMismatch: ");
    }

    @Test
    void anUnexpectedErrorExitsOneWithoutAStackTraceInTheMessage() throws IOException {
        String name = create("crash", false);
        assertThat(run((plan, control, board) -> {
            throw new NullPointerException("oops");
        }, "--namespace", "shop", "--name", name)).isEqualTo(1);
        assertThat(terminationMessage()).startsWith("WorkerCrashed: NullPointerException: oops").doesNotContain("\tat ");
    }

    @Test
    void aMissingSecretValueIsAFixableErrorNamingTheSecret() throws IOException {
        String name = create("nosecret", false);
        env.remove(WorkerEnv.SOURCE_URL);
        assertThat(run((plan, control, board) -> Outcome.COMPLETED, "--namespace", "shop", "--name", name)).isEqualTo(2);
        assertThat(terminationMessage()).startsWith("SecretKeyNotFound: ").contains("shop-source", "url", "TM_SOURCE_URL");
    }

    @Test
    void aMissingTableMigrationOrBadArgumentsExitTwo() throws IOException {
        assertThat(run((plan, control, board) -> Outcome.COMPLETED, "--namespace", "shop", "--name", "nope")).isEqualTo(2);
        assertThat(terminationMessage()).startsWith("TableMigrationNotFound: TableMigration shop/nope does not exist");
        assertThat(run((plan, control, board) -> Outcome.COMPLETED, "--name", "x")).isEqualTo(2);
        assertThat(terminationMessage()).startsWith("InvalidArguments: ");
    }

    @Test
    void stopRequestStopsTheEngineAndExitsNonZeroSoThatTheJobDoesNotCountItDone() throws Exception {
        String name = create("stop", false);
        WorkerRun run = new WorkerRun(client, runner((plan, control, board) -> {
            await().atMost(Duration.ofSeconds(30)).until(control::stopRequested);
            return Outcome.STOPPED;
        }), WorkerEnv.of(env), Duration.ofMillis(50), new String[] {"--namespace", "shop", "--name", name});
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(run::execute);
        run.requestStop(); // SIGTERM
        assertThat(code.get()).isEqualTo(WorkerRun.EXIT_STOPPED);
    }

    @Test
    void approvalAndSuspendReachTheRunningEngine() throws Exception {
        String name = create("approve", true);
        CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> run((plan, control, board) -> {
            board.phase(Phase.Replicating);
            await().atMost(Duration.ofSeconds(30)).until(control::cutoverApproved);
            board.phase(Phase.Completed);
            return Outcome.COMPLETED;
        }, "--namespace", "shop", "--name", name));
        await().atMost(Duration.ofSeconds(30)).until(() -> get(name).getStatus() != null
                && get(name).getStatus().getTables().get(0).getPhase() == Phase.Replicating);
        KubeFixtures.editSpec(client, "shop", name, m -> {
            m.getSpec().getCutover().setApproved(true);
            return m;
        });
        assertThat(code.get()).isZero();

        String paused = create("pause", false);
        CompletableFuture<Integer> stopped = CompletableFuture.supplyAsync(() -> run((plan, control, board) -> {
            await().atMost(Duration.ofSeconds(30)).until(control::stopRequested);
            return Outcome.STOPPED;
        }, "--namespace", "shop", "--name", paused));
        KubeFixtures.editSpec(client, "shop", paused, m -> {
            m.getSpec().setSuspend(true);
            return m;
        });
        assertThat(stopped.get()).isEqualTo(143);
    }

    @Test
    void argumentsParseBothForms() {
        assertThat(WorkerArgs.parse("--namespace", "shop", "--name", "m")).isEqualTo(new WorkerArgs("shop", "m"));
        assertThat(WorkerArgs.parse("--namespace=shop", "--name=m")).isEqualTo(new WorkerArgs("shop", "m"));
    }
}
