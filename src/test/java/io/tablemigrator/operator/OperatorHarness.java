package io.tablemigrator.operator;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.PlanBuilder;
import io.tablemigrator.testing.FakeKubelet;
import io.tablemigrator.testing.KubeFixtures;
import io.tablemigrator.testing.TestDb;
import io.tablemigrator.worker.WorkerMain;

/**
 * The operator running against the {@link io.tablemigrator.testing.ApiServer}, with the {@link FakeKubelet} running
 * the Jobs it creates. Started once per Quarkus application (the tests share it; each uses its own namespace and databases).
 */
final class OperatorHarness {
    private static Operator started;
    private static FakeKubelet kubelet;
    private static final AtomicInteger NAMESPACES = new AtomicInteger();

    private OperatorHarness() {
    }

    static synchronized FakeKubelet start(Operator operator, KubernetesClient client, WorkerMain worker) {
        if (started != operator) {
            if (kubelet != null) {
                kubelet.close();
            }
            KubeFixtures.installCrd(client);
            operator.start();
            started = operator;
            kubelet = new FakeKubelet(client, worker).start();
        }
        return kubelet;
    }

    static String newNamespace(KubernetesClient client, String prefix) {
        String name = prefix + "-" + NAMESPACES.incrementAndGet();
        KubeFixtures.namespace(client, name);
        return name;
    }

    static TableMigration get(KubernetesClient client, String namespace, String name) {
        return client.resources(TableMigration.class).inNamespace(namespace).withName(name).get();
    }

    static TableMigration awaitStatus(KubernetesClient client, String namespace, String name, String what,
            Predicate<TableMigration> condition) {
        TableMigration m = await(what).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> get(client, namespace, name), t -> t != null && t.getStatus() != null && condition.test(t));
        if (Boolean.getBoolean("show.status")) {
            System.out.println("=== " + what + "\n" + io.fabric8.kubernetes.client.utils.Serialization.asYaml(m.getStatus()));
        }
        return m;
    }

    static List<Job> jobs(KubernetesClient client, String namespace) {
        return client.batch().v1().jobs().inNamespace(namespace).list().getItems();
    }

    static List<Pod> pods(KubernetesClient client, String namespace) {
        return client.pods().inNamespace(namespace).list().getItems();
    }

    static List<Event> events(KubernetesClient client, String namespace) {
        return client.v1().events().inNamespace(namespace).list().getItems();
    }

    /** The engine's object names for a migration (slot, publication, fence), from its namespace/name. */
    static MigrationPlan names(TableMigration migration, TestDb source, TestDb target) {
        return PlanBuilder.build(migration.getMetadata().getNamespace() + "/" + migration.getMetadata().getName(),
                migration.getSpec(), source.url(), target.url());
    }
}
