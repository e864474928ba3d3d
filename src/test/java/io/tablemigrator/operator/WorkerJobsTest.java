package io.tablemigrator.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.api.WorkerSpec;
import io.tablemigrator.testing.KubeFixtures;

class WorkerJobsTest {
    static final WorkerSettings SETTINGS = new WorkerSettings("registry.example/tablemigrator:1.0", "IfNotPresent", 3,
            "tablemigrator-worker", new ResourceRequirementsBuilder().withRequests(Map.of("cpu", new Quantity("250m"))).build());

    static TableMigration migration() {
        TableMigration m = KubeFixtures.migration("shop", "shop-move").sourceSecret("shop-source", "url")
                .targetUrl("postgresql://app:s3cret@target:5432/shop").table("public", "orders").build();
        m.getMetadata().setUid("uid-1");
        return m;
    }

    @Test
    void runsTheWorkerEntryPointOfTheOperatorsImage() {
        Job job = WorkerJobs.desired(migration(), SETTINGS);
        assertThat(job.getMetadata().getName()).isEqualTo("shop-move-worker");
        assertThat(job.getMetadata().getNamespace()).isEqualTo("shop");
        Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getName()).isEqualTo("worker");
        assertThat(c.getImage()).isEqualTo("registry.example/tablemigrator:1.0");
        assertThat(c.getArgs()).containsExactly("worker", "--namespace", "shop", "--name", "shop-move");
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(job.getSpec().getBackoffLimit()).isEqualTo(3);
        assertThat(c.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    }

    @Test
    void credentialsOnlyThroughSecretKeyRefsNeverInClear() {
        Job job = WorkerJobs.desired(migration(), SETTINGS);
        Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getEnv()).singleElement().satisfies(e -> {
            assertThat(e.getName()).isEqualTo("TM_SOURCE_URL");
            assertThat(e.getValue()).isNull();
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("shop-source");
            assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("url");
            assertThat(e.getValueFrom().getSecretKeyRef().getOptional()).isTrue();
        });
        // the inline target URL (with its password) is read by the worker from the spec, never copied into the Job
        assertThat(Serialization.asYaml(job)).doesNotContain("s3cret");
    }

    @Test
    void podFailurePolicyFailsTheJobOnTheWorkersOwnVerdicts() {
        var rules = WorkerJobs.desired(migration(), SETTINGS).getSpec().getPodFailurePolicy().getRules();
        assertThat(rules.get(0).getAction()).isEqualTo("FailJob");
        assertThat(rules.get(0).getOnExitCodes().getContainerName()).isEqualTo("worker");
        assertThat(rules.get(0).getOnExitCodes().getOperator()).isEqualTo("In");
        assertThat(rules.get(0).getOnExitCodes().getValues()).containsExactly(2, 3);
        assertThat(rules.get(1).getAction()).isEqualTo("Ignore");
        assertThat(rules.get(1).getOnPodConditions().get(0).getType()).isEqualTo("DisruptionTarget");
    }

    @Test
    void restrictedSecurityContextWithAWritableTmp() {
        var pod = WorkerJobs.desired(migration(), SETTINGS).getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        var sc = pod.getContainers().get(0).getSecurityContext();
        assertThat(sc.getRunAsNonRoot()).isTrue();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getContainers().get(0).getVolumeMounts()).singleElement()
                .satisfies(v -> assertThat(v.getMountPath()).isEqualTo("/tmp"));
        assertThat(pod.getVolumes()).singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
        assertThat(pod.getServiceAccountName()).isEqualTo("tablemigrator-worker");
    }

    @Test
    void specWorkerOverridesImageResourcesPlacementAndServiceAccount() {
        TableMigration m = migration();
        WorkerSpec w = new WorkerSpec();
        w.setImage("mirror.example/tablemigrator:1.0");
        w.setResources(new ResourceRequirementsBuilder().withLimits(Map.of("memory", new Quantity("4Gi"))).build());
        w.setNodeSelector(Map.of("pool", "db"));
        w.setTolerations(List.of(new TolerationBuilder().withKey("dedicated").withValue("db").withEffect("NoSchedule").build()));
        w.setServiceAccountName("migrations");
        m.getSpec().setWorker(w);
        var pod = WorkerJobs.desired(m, SETTINGS).getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers().get(0).getImage()).isEqualTo("mirror.example/tablemigrator:1.0");
        assertThat(pod.getContainers().get(0).getResources().getLimits()).containsEntry("memory", new Quantity("4Gi"));
        assertThat(pod.getNodeSelector()).containsEntry("pool", "db");
        assertThat(pod.getTolerations()).extracting("key").containsExactly("dedicated");
        assertThat(pod.getServiceAccountName()).isEqualTo("migrations");
        assertThat(WorkerJobs.desired(migration(), SETTINGS).getSpec().getTemplate().getSpec().getContainers().get(0)
                .getResources().getRequests()).containsEntry("cpu", new Quantity("250m"));
    }

    @Test
    void labelsNameTheMigrationAndLongNamesFit() {
        Job job = WorkerJobs.desired(migration(), SETTINGS);
        assertThat(job.getMetadata().getLabels()).containsEntry("tablemigrator.io/migration", "shop-move")
                .containsEntry("app.kubernetes.io/managed-by", "tablemigrator-operator")
                .containsEntry("app.kubernetes.io/component", "worker");
        assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(job.getMetadata().getLabels());
        assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("tablemigrator.io/migration", "shop-move");

        TableMigration longName = migration();
        String name = "a-very-long-migration-name-that-goes-on-and-on-well-past-sixty-three-characters.v2";
        longName.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("shop").build());
        Job job2 = WorkerJobs.desired(longName, SETTINGS);
        assertThat(job2.getMetadata().getName()).hasSizeLessThanOrEqualTo(63).endsWith("-worker")
                .matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
        assertThat(job2.getMetadata().getLabels().get("tablemigrator.io/migration")).hasSizeLessThanOrEqualTo(63);
        assertThat(job2.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("tablemigrator.io/migration", name);
        assertThat(WorkerJobs.jobName(longName)).isEqualTo(WorkerJobs.jobName(longName));
    }
}
