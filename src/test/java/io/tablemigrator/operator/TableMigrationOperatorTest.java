package io.tablemigrator.operator;

import static io.tablemigrator.operator.OperatorHarness.awaitStatus;
import static io.tablemigrator.operator.OperatorHarness.events;
import static io.tablemigrator.operator.OperatorHarness.jobs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.tablemigrator.api.MigrationMode;
import io.tablemigrator.api.Phase;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.api.TableSpec;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.testing.FakeEngine;
import io.tablemigrator.testing.FakeKubelet;
import io.tablemigrator.testing.KubeFixtures;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.TestDb;
import io.tablemigrator.testing.WithApiServer;
import io.tablemigrator.worker.MigrationRunner;
import io.tablemigrator.worker.WorkerMain;
import jakarta.inject.Inject;

/**
 * The operator end to end on the mock API server (merging patches as a real one does): the reconciler, the worker Jobs, the in-process worker (run by
 * {@link FakeKubelet}) and the engine against embedded PostgreSQL 14.
 */
@QuarkusTest
@WithApiServer
class TableMigrationOperatorTest {

    @Inject
    KubernetesClient client;
    @Inject
    Operator operator;
    @Inject
    WorkerMain worker;

    FakeKubelet kubelet;
    FakeEngine engine;
    TestDb source;
    TestDb target;

    @BeforeEach
    void start() {
        kubelet = OperatorHarness.start(operator, client, worker);
    }

    /**
     * For tests of the control flow around failures the real engine does not produce on demand (a permanent
     * failure, a crashing engine): the stand-in engine behind the worker's seam.
     */
    void useFakeEngine() {
        engine = new FakeEngine();
        QuarkusMock.installMockForType(engine, MigrationRunner.class);
    }

    /** A namespace with the worker's service account, two fresh databases, and Secrets holding their URIs. */
    String setUp(String prefix, int rows) {
        String ns = OperatorHarness.newNamespace(client, prefix);
        source = PgServer.pg14().newDatabase("src");
        target = PgServer.pg14().newDatabase("tgt");
        source.execute("CREATE TABLE orders (id bigint PRIMARY KEY, item text); INSERT INTO orders"
                + " SELECT g, 'item ' || g FROM generate_series(1, " + rows + ") g");
        KubeFixtures.secret(client, ns, "shop-source", "url", source.url());
        KubeFixtures.secret(client, ns, "shop-target", "url", target.url());
        return ns;
    }

    KubeFixtures.Builder shopMove(String ns) {
        return KubeFixtures.migration(ns, "shop-move").sourceSecret("shop-source", "url").targetSecret("shop-target", "url")
                .table("public", "orders");
    }

    TableMigration awaitTm(String ns, String what, java.util.function.Predicate<TableMigration> condition) {
        return awaitStatus(client, ns, "shop-move", what, condition);
    }

    TableMigration edit(String ns, UnaryOperator<TableMigration> change) {
        return KubeFixtures.editSpec(client, ns, "shop-move", change);
    }

    @Test
    void onlineMigrationFromApplyToCompleted() throws InterruptedException {
        String ns = setUp("online", 50_000);
        // the application keeps writing until the cutover fences the source (ReadOnly): its writes fail from then on
        java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        Thread application = new Thread(() -> {
            for (int id = 1_000_001; !Thread.currentThread().isInterrupted(); id++) {
                try {
                    source.execute("INSERT INTO orders VALUES (" + id + ", 'written during the migration')");
                    written.incrementAndGet();
                    // paces the application at a couple of hundred writes a second; nothing waits on it
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
                } catch (RuntimeException e) {
                    return;
                }
            }
        });
        application.start();
        StatusHistory history = new StatusHistory(client, ns, "shop-move");
        client.resource(shopMove(ns).build()).create();

        List<Phase> seen = new ArrayList<>();
        TableMigration done = awaitTm(ns, "Completed", m -> {
            Phase p = m.getStatus().getPhase();
            if (p != null && (seen.isEmpty() || seen.get(seen.size() - 1) != p)) {
                seen.add(p);
            }
            if (p == Phase.Copying || p == Phase.Replicating) {
                assertThat(condition(m, "Progressing").getStatus()).isEqualTo("True");
                assertThat(condition(m, "Ready").getStatus()).isEqualTo("False");
                assertThat(m.getStatus().getWorker().getJobName()).isEqualTo("shop-move-worker");
                assertThat(m.getStatus().getStartedAt()).isNotNull();
            }
            return p == Phase.Completed;
        });
        application.interrupt();
        application.join();
        assertThat(seen).as("phases in order").isSortedAccordingTo(Enum::compareTo).contains(Phase.Completed);
        assertThat(written.get()).as("the application wrote during the migration").isPositive();

        var s = done.getStatus();
        assertThat(s.getProgress().getRowsCopied()).isGreaterThanOrEqualTo(50_000);
        assertThat(s.getProgress().getPercent()).isEqualTo(100);
        assertThat(s.getTables()).singleElement().satisfies(t -> {
            assertThat(t.getPhase()).isEqualTo(Phase.Completed);
            assertThat(t.getSource()).isEqualTo("public.orders");
        });
        assertThat(s.getReplication().getSlotName()).isNotBlank();
        assertThat(s.getCompletedAt()).isNotNull();
        assertThat(s.getObservedGeneration()).isEqualTo(done.getMetadata().getGeneration());
        assertThat(s.getMessage()).startsWith("Completed: moved 1 table, copied ");
        assertThat(condition(done, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(done, "Degraded").getStatus()).isEqualTo("False");
        assertThat(condition(done, "Progressing").getStatus()).isEqualTo("False");
        assertThat(done.getStatus().getConditions()).allSatisfy(c -> {
            assertThat(c.getObservedGeneration()).isEqualTo(done.getMetadata().getGeneration());
            assertThat(c.getLastTransitionTime()).isNotBlank();
        });
        assertThat(s.getWorker().getAttempts()).isEqualTo(1);
        // written by the worker and the operator many times, the status never grew
        assertThat(s.getConditions()).extracting(Condition::getType)
                .containsExactly("Ready", "Progressing", "Degraded", "CutoverReady");
        awaitCompletedSeenBy(history);
        assertThat(history.versions()).hasSizeGreaterThan(10);
        history.assertConsistent();
        history.close();
        // every row, those copied and those replayed, and nothing else
        assertThat(target.rowsOf("orders")).isEqualTo(source.rowsOf("orders"));
        assertThat(done.getMetadata().getFinalizers()).isNotEmpty();

        Job job = jobs(client, ns).get(0);
        assertThat(job.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(done.getMetadata().getUid()));
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsExactly("worker", "--namespace", ns, "--name", "shop-move");
        assertEventReasons(ns, "WorkerStarted", "Completed");
    }

    @Test
    void manualCutoverWaitsForApproval() {
        String ns = setUp("manual", 100);
        client.resource(shopMove(ns).manual().build()).create();

        TableMigration waiting = awaitTm(ns, "waiting for approval", m -> m.getStatus().getPhase() == Phase.Replicating
                && Conditions.isTrue(m.getStatus().getConditions(), "CutoverReady"));
        assertThat(waiting.getStatus().getMessage()).startsWith("Waiting for approval: set spec.cutover.approved: true");
        assertThat(condition(waiting, "CutoverReady").getReason()).isEqualTo("LagBelowThreshold");
        // it stays there: the worker does not cut over without approval
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> OperatorHarness.get(client, ns, "shop-move").getStatus().getPhase() == Phase.Replicating);

        edit(ns, m -> {
            m.getSpec().getCutover().setApproved(true);
            return m;
        });
        TableMigration done = awaitTm(ns, "Completed after approval", m -> m.getStatus().getPhase() == Phase.Completed);
        assertThat(done.getStatus().getObservedGeneration()).isEqualTo(2);
        assertThat(done.getStatus().getCutover().getStartedAt()).isNotNull();
    }

    @Test
    void suspendStopsTheWorkerKeepsTheSlotAndResumeContinues() {
        String ns = setUp("suspend", 200);
        StatusHistory history = new StatusHistory(client, ns, "shop-move");
        TableMigration created = client.resource(shopMove(ns).manual().build()).create();
        awaitTm(ns, "Replicating", m -> m.getStatus().getPhase() == Phase.Replicating);
        MigrationPlan names = OperatorHarness.names(created, source, target);

        edit(ns, m -> {
            m.getSpec().setSuspend(true);
            return m;
        });
        TableMigration paused = awaitTm(ns, "Paused", m -> m.getStatus().getPhase() == Phase.Paused);
        await("worker Job deleted and its worker stopped").atMost(Duration.ofSeconds(30))
                .until(() -> jobs(client, ns).isEmpty() && kubelet.running(ns) == 0);
        assertThat(condition(paused, "Progressing").getStatus()).isEqualTo("False");
        assertThat(condition(paused, "Progressing").getReason()).isEqualTo("Paused");
        assertThat(slotExists(names)).as("slot kept while paused").isTrue();

        // the source moves on while paused: the operator shows the lag growing
        source.execute("INSERT INTO orders SELECT g, repeat('x', 500) FROM generate_series(1001, 3000) g");
        TableMigration lagging = awaitTm(ns, "lag shown while paused", m -> m.getStatus().getReplication() != null
                && m.getStatus().getReplication().getLagBytes() != null && m.getStatus().getReplication().getLagBytes() > 100_000);
        assertThat(lagging.getStatus().getMessage()).startsWith("Paused (spec.suspend: true)").contains("ahead of the target");

        edit(ns, m -> {
            m.getSpec().setSuspend(false);
            return m;
        });
        awaitTm(ns, "resumed", m -> m.getStatus().getPhase() == Phase.Replicating
                && m.getStatus().getWorker().getAttempts() == 2);
        edit(ns, m -> {
            m.getSpec().getCutover().setApproved(true);
            return m;
        });
        TableMigration done = awaitTm(ns, "Completed", m -> m.getStatus().getPhase() == Phase.Completed);
        // resumed from the slot: what the application wrote while paused reached the target
        assertThat(target.rowsOf("orders")).isEqualTo(source.rowsOf("orders")).hasSize(2200);
        assertThat(slotExists(names)).isFalse();
        assertEventReasons(ns, "Paused");
        // the second worker reports the whole migration: the first one's copy, and the changes both replayed
        assertTotals(done, 200, 2000);
        awaitCompletedSeenBy(history);
        history.assertConsistent();
        history.close();
    }

    @Test
    void deletingARunningMigrationRemovesSlotPublicationAndFence() throws Exception {
        String ns = setUp("delete", 100);
        TableMigration created = client.resource(shopMove(ns).manual().build()).create();
        awaitTm(ns, "Replicating", m -> m.getStatus().getPhase() == Phase.Replicating);
        MigrationPlan names = OperatorHarness.names(created, source, target);
        assertThat(slotExists(names)).isTrue();
        assertThat(publicationExists(names)).isTrue();

        // a fence as a worker that died during an Offline copy or a cutover would leave it
        try (var c = new io.tablemigrator.engine.db.Database("source", names.source()).connect()) {
            new io.tablemigrator.engine.cutover.Fence(names).install(c, io.tablemigrator.engine.cutover.Fence.Purpose.COPYING);
        }
        assertThat(fenceExists(names)).isTrue();

        client.resource(created).delete();
        await("TableMigration gone").atMost(Duration.ofSeconds(90))
                .until(() -> OperatorHarness.get(client, ns, "shop-move") == null);
        assertThat(slotExists(names)).isFalse();
        assertThat(publicationExists(names)).isFalse();
        assertThat(fenceExists(names)).isFalse();
        assertThat(kubelet.running(ns)).isZero();
        assertEventReasons(ns, "CleanedUp");
        source.execute("INSERT INTO orders VALUES (100000, 'writable again')");
    }

    @Test
    void aWorkerThatDiesIsReplacedAndResumesFromItsCheckpoint() {
        String ns = setUp("dies", 100);
        StatusHistory history = new StatusHistory(client, ns, "shop-move");
        client.resource(shopMove(ns).manual().build()).create();
        awaitTm(ns, "Replicating", m -> m.getStatus().getPhase() == Phase.Replicating);

        source.execute("INSERT INTO orders SELECT g, 'before the crash' FROM generate_series(101, 150) g");
        kubelet.kill(ns, "shop-move-worker");
        source.execute("INSERT INTO orders SELECT g, 'while no worker ran' FROM generate_series(151, 200) g");
        TableMigration resumed = awaitTm(ns, "a second worker pod", m -> m.getStatus().getWorker().getAttempts() == 2
                && m.getStatus().getPhase() == Phase.Replicating && m.getStatus().getMessage().contains("restarted 1 time"));
        assertThat(jobs(client, ns)).hasSize(1);
        assertThat(condition(resumed, "Degraded").getStatus()).isEqualTo("False");
        assertThat(resumed.getStatus().getMessage()).contains("resumed from its checkpoint");

        source.execute("UPDATE orders SET item = 'after the restart' WHERE id <= 10");
        edit(ns, m -> {
            m.getSpec().getCutover().setApproved(true);
            return m;
        });
        TableMigration done = awaitTm(ns, "Completed", m -> m.getStatus().getPhase() == Phase.Completed);
        // every change, before and after the replacement pod took over, exactly once
        assertThat(target.rowsOf("orders")).isEqualTo(source.rowsOf("orders")).hasSize(200);
        assertTotals(done, 100, 50 + 50 + 10);
        awaitCompletedSeenBy(history);
        history.assertConsistent();
        history.close();
    }

    @Test
    void aWorkerKilledInTheMiddleOfTheCopyStartsItOverAndCountsEachRowOnce() throws Exception {
        String ns = setUp("midcopy", 3_000);
        source.execute("CREATE TABLE order_lines (id bigint PRIMARY KEY, order_id bigint, qty int); INSERT INTO order_lines"
                + " SELECT g, 1 + g % 3000, 1 + g % 5 FROM generate_series(1, 8000) g");
        StatusHistory history = new StatusHistory(client, ns, "shop-move");
        try (var sourceTx = source.connect(); var targetTx = target.connect()) {
            // a source transaction with an xid holds the slot's creation (it waits for running transactions) ...
            sourceTx.setAutoCommit(false);
            sourceTx.createStatement().execute("SELECT txid_current()");
            TableMigration created = client.resource(shopMove(ns).table("public", "order_lines").build()).create();
            MigrationPlan names = OperatorHarness.names(created, source, target);
            // the publication comes once the target tables are made, right before the slot
            await("target tables created, the slot waiting").atMost(Duration.ofSeconds(90))
                    .until(() -> publicationExists(names));
            // ... until order_lines on the target is locked against the copy: orders is copied, order_lines waits
            targetTx.setAutoCommit(false);
            targetTx.createStatement().execute("LOCK TABLE order_lines IN SHARE MODE");
            sourceTx.commit();
            awaitTm(ns, "orders copied, order_lines not", m -> m.getStatus().getPhase() == Phase.Copying
                    && m.getStatus().getTables().get(0).getRowsCopied() == 3_000
                    && m.getStatus().getTables().get(1).getRowsCopied() == 0);

            kubelet.kill(ns, "shop-move-worker");
            targetTx.rollback(); // order_lines' copy goes on, and stops at its first check
        }
        TableMigration done = awaitTm(ns, "Completed", m -> m.getStatus().getPhase() == Phase.Completed);
        assertThat(done.getStatus().getWorker().getAttempts()).isEqualTo(2);
        assertThat(done.getStatus().getTables()).extracting(t -> t.getRowsCopied()).containsExactly(3_000L, 8_000L);
        assertTotals(done, 11_000, 0);
        assertThat(target.rowsOf("order_lines")).isEqualTo(source.rowsOf("order_lines")).hasSize(8_000);
        awaitCompletedSeenBy(history);
        history.assertConsistent();
        history.close();
    }

    /** The status and the completion message count every row copied once, and every change replayed once. */
    static void assertTotals(TableMigration done, long rowsCopied, long changesApplied) {
        var s = done.getStatus();
        assertThat(s.getProgress().getRowsCopied()).as("progress.rowsCopied").isEqualTo(rowsCopied);
        assertThat(s.getTables().stream().mapToLong(t -> t.getRowsCopied()).sum()).as("tables[].rowsCopied")
                .isEqualTo(rowsCopied);
        assertThat(s.getReplication().getChangesApplied()).as("replication.changesApplied").isEqualTo(changesApplied);
        assertThat(s.getMessage()).startsWith("Completed: moved " + StatusAggregator.plural(s.getTables().size(), "table")
                + ", copied " + StatusAggregator.plural(rowsCopied, "row") + ", replayed "
                + StatusAggregator.plural(changesApplied, "change") + ".");
    }

    /** The watch delivers the version a test saw through a read a moment later. */
    static void awaitCompletedSeenBy(StatusHistory history) {
        await("the watch sees Completed").atMost(Duration.ofSeconds(30)).until(() -> history.versions().stream()
                .anyMatch(v -> v.getStatus().getPhase() == Phase.Completed));
    }

    @Test
    void aMissingSecretIsReportedBeforeAnyJobAndPickedUpOnceCreated() {
        String ns = OperatorHarness.newNamespace(client, "secret");
        source = PgServer.pg14().newDatabase("src");
        target = PgServer.pg14().newDatabase("tgt");
        source.execute("CREATE TABLE orders (id bigint PRIMARY KEY, item text); INSERT INTO orders VALUES (1, 'a')");
        KubeFixtures.secret(client, ns, "shop-target", "url", target.url());
        client.resource(shopMove(ns).build()).create();

        TableMigration missing = awaitTm(ns, "SecretNotFound", m -> Conditions.isTrue(m.getStatus().getConditions(), "Degraded"));
        assertThat(condition(missing, "Degraded").getReason()).isEqualTo("SecretNotFound");
        assertThat(missing.getStatus().getMessage()).contains("Secret shop-source", "spec.source.urlSecretRef",
                "kubectl -n " + ns + " create secret generic shop-source --from-literal=url=");
        assertThat(missing.getStatus().getPhase()).isEqualTo(Phase.Pending);
        assertThat(condition(missing, "Progressing").getStatus()).isEqualTo("False");
        assertThat(jobs(client, ns)).isEmpty();

        KubeFixtures.secret(client, ns, "shop-source", "uri", source.url());
        TableMigration wrongKey = awaitTm(ns, "SecretKeyNotFound",
                m -> "SecretKeyNotFound".equals(condition(m, "Degraded").getReason()));
        assertThat(wrongKey.getStatus().getMessage()).contains("Secret shop-source", "has no key url", "it has uri");
        assertThat(jobs(client, ns)).isEmpty();
        assertEventReasons(ns, "SecretNotFound", "SecretKeyNotFound");

        client.secrets().inNamespace(ns).withName("shop-source").delete();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.secrets().inNamespace(ns).withName("shop-source").get() == null);
        KubeFixtures.secret(client, ns, "shop-source", "url", source.url());
        TableMigration done = awaitTm(ns, "Completed once the Secret is there", m -> m.getStatus().getPhase() == Phase.Completed);
        assertThat(condition(done, "Degraded").getStatus()).isEqualTo("False");
    }

    @Test
    void aNonEmptyTargetTableIsDegradedRetriedAndRecoversOnceEmptied() {
        String ns = setUp("nonempty", 50);
        target.execute("CREATE TABLE orders (id bigint PRIMARY KEY, item text); INSERT INTO orders VALUES (1, 'left over')");
        client.resource(shopMove(ns).build()).create();

        TableMigration degraded = awaitTm(ns, "Degraded", m -> Conditions.isTrue(m.getStatus().getConditions(), "Degraded"));
        // "retrying at T" until T, then "retrying now" while the next Job is made: either may be the first one seen
        assertThat(degraded.getStatus().getMessage()).contains("orders").containsPattern("\\(retrying (at [^)]+|now)\\)")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        assertThat(degraded.getStatus().getPhase()).isNotEqualTo(Phase.Failed);
        assertThat(condition(degraded, "Degraded").getMessage()).contains("orders");

        // the operator tries again after a delay, with a new Job, and stays Degraded meanwhile
        TableMigration retried = awaitTm(ns, "retried", m -> m.getStatus().getWorker() != null
                && m.getStatus().getWorker().getAttempts() >= 2);
        assertThat(condition(retried, "Degraded").getStatus()).isEqualTo("True");
        assertThat(condition(retried, "Degraded").getLastTransitionTime())
                .isEqualTo(condition(degraded, "Degraded").getLastTransitionTime());

        target.execute("TRUNCATE orders");
        TableMigration done = awaitTm(ns, "Completed once the table is empty", m -> m.getStatus().getPhase() == Phase.Completed);
        assertThat(condition(done, "Degraded").getStatus()).isEqualTo("False");
        assertThat(target.count("orders")).isEqualTo(50);
    }

    @Test
    void aWorkerPodThatCannotStartIsReportedAndReplacedOnceTheImageIsFixed() {
        String ns = setUp("image", 20);
        var m = shopMove(ns).build();
        m.getSpec().setWorker(new io.tablemigrator.api.WorkerSpec());
        m.getSpec().getWorker().setImage(FakeKubelet.UNPULLABLE + "tablemigrator:typo");
        client.resource(m).create();

        TableMigration stuck = awaitTm(ns, "WorkerPodNotStarting",
                t -> Conditions.isTrue(t.getStatus().getConditions(), "Degraded"));
        assertThat(condition(stuck, "Degraded").getReason()).isEqualTo("WorkerPodNotStarting");
        assertThat(stuck.getStatus().getMessage()).contains("cannot start: ErrImagePull", "spec.worker.image");
        assertThat(condition(stuck, "Progressing").getStatus()).isEqualTo("False");

        edit(ns, t -> {
            t.getSpec().getWorker().setImage(null);
            return t;
        });
        TableMigration done = awaitTm(ns, "Completed with a new Job", t -> t.getStatus().getPhase() == Phase.Completed);
        assertThat(condition(done, "Degraded").getStatus()).isEqualTo("False");
    }

    @Test
    void anUnreachableSourceHoldsTheDeletionAndIsRetriedUntilItAnswers() {
        String ns = OperatorHarness.newNamespace(client, "cleanup");
        source = PgServer.pg14().newDatabase("src");
        target = PgServer.pg14().newDatabase("tgt");
        source.execute("CREATE TABLE orders (id bigint PRIMARY KEY, item text)");
        KubeFixtures.secret(client, ns, "shop-source", "url", "postgresql://postgres@localhost:1/nowhere");
        KubeFixtures.secret(client, ns, "shop-target", "url", target.url());
        TableMigration created = client.resource(shopMove(ns).suspended().build()).create();
        awaitTm(ns, "Paused", t -> t.getStatus().getPhase() == Phase.Paused);

        client.resource(created).delete();
        TableMigration held = awaitTm(ns, "CleanupFailed", t -> "CleanupFailed".equals(condition(t, "Degraded").getReason()));
        assertThat(held.getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(condition(held, "Degraded").getMessage()).contains("cannot remove the replication slot", "localhost:1",
                "retrying at");
        assertEventReasons(ns, "CleanupFailed");

        // the source answers again (here: the Secret is corrected): the next retry cleans up and lets go
        client.secrets().inNamespace(ns).withName("shop-source").edit(secret -> {
            secret.setData(java.util.Map.of("url", java.util.Base64.getEncoder().encodeToString(source.url().getBytes())));
            return secret;
        });
        await("deleted once the source answers").atMost(Duration.ofSeconds(60))
                .until(() -> OperatorHarness.get(client, ns, "shop-move") == null);
        assertEventReasons(ns, "CleanedUp");
    }

    @Test
    void aDeletedSecretDoesNotBlockDeletionForever() {
        String ns = setUp("nosecret", 10);
        TableMigration created = client.resource(shopMove(ns).suspended().build()).create();
        awaitTm(ns, "Paused", t -> t.getStatus().getPhase() == Phase.Paused);
        client.secrets().inNamespace(ns).withName("shop-source").delete();
        client.resource(created).delete();
        await("deleted without its Secret").atMost(Duration.ofSeconds(60))
                .until(() -> OperatorHarness.get(client, ns, "shop-move") == null);
    }

    @Test
    void aPermanentFailureFailsTheMigrationWithTheWorkersMessage() {
        useFakeEngine();
        String ns = setUp("permanent", 10);
        engine.failWith = MigrationError.permanent("ChecksumMismatch", "Table public.orders differs between source and target.");
        client.resource(shopMove(ns).build()).create();
        TableMigration failed = awaitTm(ns, "Failed", m -> m.getStatus().getPhase() == Phase.Failed);
        assertThat(failed.getStatus().getMessage()).startsWith("Failed: ChecksumMismatch: Table public.orders differs");
        assertThat(condition(failed, "Degraded").getReason()).isEqualTo("ChecksumMismatch");
        assertThat(condition(failed, "Ready").getStatus()).isEqualTo("False");
        assertThat(failed.getStatus().getWorker().getAttempts()).isEqualTo(1);
        assertEventReasons(ns, "Failed");
    }

    @Test
    void crashesPastTheBackoffLimitFailTheMigrationWithTheLastError() {
        useFakeEngine();
        String ns = setUp("crash", 10);
        engine.failWith = new IllegalStateException("engine bug");
        client.resource(shopMove(ns).build()).create();
        TableMigration failed = awaitTm(ns, "Failed", m -> m.getStatus().getPhase() == Phase.Failed);
        assertThat(failed.getStatus().getMessage()).contains("WorkerCrashed").contains("engine bug");
        assertThat(failed.getStatus().getWorker().getAttempts()).isEqualTo(4); // backoffLimit 3: four pods
        assertThat(engine.runs.get()).isEqualTo(4);
    }

    @Test
    void changingWhatIsMigratedIsRefused() {
        String ns = setUp("immutable", 20);
        client.resource(shopMove(ns).manual().build()).create();
        awaitTm(ns, "Replicating", m -> m.getStatus().getPhase() == Phase.Replicating);

        edit(ns, m -> {
            m.getSpec().getTables().add(new TableSpec("public", "customers"));
            m.getSpec().setMode(MigrationMode.Offline);
            return m;
        });
        TableMigration refused = awaitTm(ns, "SpecChangeRejected",
                m -> "SpecChangeRejected".equals(condition(m, "Degraded").getReason()));
        assertThat(condition(refused, "Degraded").getMessage()).startsWith("spec.mode, spec.tables were changed");
        assertThat(refused.getStatus().getPhase()).isEqualTo(Phase.Replicating);

        edit(ns, m -> {
            m.getSpec().getTables().remove(1);
            m.getSpec().setMode(MigrationMode.Online);
            m.getSpec().getCutover().setApproved(true);
            return m;
        });
        TableMigration done = awaitTm(ns, "Completed", m -> m.getStatus().getPhase() == Phase.Completed);
        assertThat(condition(done, "Degraded").getStatus()).isEqualTo("False");
    }

    @io.quarkus.test.common.http.TestHTTPResource("/q/metrics")
    java.net.URL metricsUrl;
    @io.quarkus.test.common.http.TestHTTPResource("/q/health")
    java.net.URL healthUrl;

    @Test
    void metricsAndHealth() throws Exception {
        String ns = setUp("metrics", 120);
        client.resource(shopMove(ns).build()).create();
        awaitTm(ns, "Completed", m -> m.getStatus().getPhase() == Phase.Completed);
        String labels = "name=\"shop-move\",namespace=\"" + ns + "\"";
        String metrics = await("per-migration gauges").atMost(Duration.ofSeconds(20)).until(() -> http(metricsUrl),
                text -> text.contains("tablemigrator_phase{" + labels + ",phase=\"Completed\"} 1.0"));
        assertThat(metrics).contains("tablemigrator_phase{" + labels + ",phase=\"Copying\"} 0.0")
                .contains("tablemigrator_rows_copied{" + labels + "} 120.0")
                .contains("tablemigrator_rows_estimated{" + labels + "} 120.0")
                .contains("tablemigrator_replication_lag_bytes{" + labels + "}")
                .contains("tablemigrator_changes_applied{" + labels + "}");
        if (Boolean.getBoolean("show.status")) {
            System.out.println(metrics);
        }
        assertThat(metrics).containsPattern("operator_sdk_\\w+\\{.*tablemigration");
        assertThat(http(healthUrl)).contains("\"status\": \"UP\"");
    }

    static String http(java.net.URL url) throws Exception {
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(url.toURI()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    boolean slotExists(MigrationPlan names) {
        return !source.query("SELECT 1 FROM pg_replication_slots WHERE slot_name = '" + names.slotName() + "'").isEmpty();
    }

    boolean publicationExists(MigrationPlan names) {
        return !source.query("SELECT 1 FROM pg_publication WHERE pubname = '" + names.publicationName() + "'").isEmpty();
    }

    boolean fenceExists(MigrationPlan names) {
        return !source.query("SELECT 1 FROM pg_proc WHERE proname = '" + names.fenceName() + "'").isEmpty()
                || !source.query("SELECT 1 FROM pg_trigger WHERE tgname = '" + names.fenceName() + "'").isEmpty();
    }

    /** Events are recorded after the status change that a test waits for: they are awaited too. */
    void assertEventReasons(String ns, String... reasons) {
        await("events " + String.join(", ", reasons)).atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(events(client, ns).stream().map(Event::getReason).toList()).contains(reasons));
    }

    static Condition condition(TableMigration m, String type) {
        return Conditions.find(m.getStatus().getConditions(), type).orElseThrow(() -> new AssertionError("no " + type));
    }
}
