package io.tablemigrator.operator;

import static io.tablemigrator.operator.OperatorHarness.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.tablemigrator.api.Phase;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.testing.FakeEngine;
import io.tablemigrator.testing.FakeKubelet;
import io.tablemigrator.testing.KubeFixtures;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.TestDb;
import io.tablemigrator.worker.MigrationRunner;
import io.tablemigrator.worker.WorkerMain;
import jakarta.inject.Inject;

/**
 * The operator end to end on the mock API server: the reconciler, the worker Jobs, the in-process worker (run by
 * {@link FakeKubelet}) and the engine against embedded PostgreSQL.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class TableMigrationOperatorTest {

    @Inject
    KubernetesClient client;
    @Inject
    Operator operator;
    @Inject
    WorkerMain worker;

    FakeKubelet kubelet;
    FakeEngine engine;

    @BeforeEach
    void start() {
        engine = new FakeEngine();
        QuarkusMock.installMockForType(engine, MigrationRunner.class);
        kubelet = OperatorHarness.start(operator, client, worker);
    }

    TestDb source;
    TestDb target;

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

    @Test
    void onlineMigrationFromApplyToCompleted() {
        String ns = setUp("online", 300);
        TableMigration tm = client.resource(KubeFixtures.migration(ns, "shop-move").sourceSecret("shop-source", "url")
                .targetSecret("shop-target", "url").table("public", "orders").build()).create();

        TableMigration copying = awaitStatus(client, ns, "shop-move", "a phase past Pending",
                m -> m.getStatus().getPhase() != null && m.getStatus().getPhase() != Phase.Pending);
        assertThat(copying.getStatus().getWorker().getJobName()).isEqualTo("shop-move-worker");
        assertThat(copying.getStatus().getStartedAt()).isNotNull();

        TableMigration done = awaitStatus(client, ns, "shop-move", "Completed", m -> m.getStatus().getPhase() == Phase.Completed);
        var s = done.getStatus();
        assertThat(s.getProgress().getRowsCopied()).isEqualTo(300);
        assertThat(s.getProgress().getPercent()).isEqualTo(100);
        assertThat(s.getTables()).singleElement().satisfies(t -> assertThat(t.getPhase()).isEqualTo(Phase.Completed));
        assertThat(s.getCompletedAt()).isNotNull();
        assertThat(s.getObservedGeneration()).isEqualTo(done.getMetadata().getGeneration());
        assertThat(s.getMessage()).startsWith("Completed: moved 1 table, copied 300 rows");
        assertThat(condition(done, "Ready").getStatus()).isEqualTo("True");
        assertThat(condition(done, "Degraded").getStatus()).isEqualTo("False");
        assertThat(condition(done, "Progressing").getStatus()).isEqualTo("False");
        assertThat(s.getWorker().getAttempts()).isEqualTo(1);
        assertThat(target.count("orders")).isEqualTo(300);
    }

    static Condition condition(TableMigration m, String type) {
        return Conditions.find(m.getStatus().getConditions(), type).orElseThrow(() -> new AssertionError("no " + type));
    }
}
