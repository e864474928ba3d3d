package io.tablemigrator.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.api.TableSpec;
import io.tablemigrator.operator.Conditions;
import io.tablemigrator.testing.KubeFixtures;

/**
 * The real install path on a real API server (k3s in Docker): {@code kubectl apply -k deploy/} with the image from
 * {@code make image-tar}, then a TableMigration the operator reconciles, and the CRD's CEL rules at work.
 * Skipped without a Docker daemon, without kubectl, or without the image tarball.
 */
class K3sInstallTest {
    static final Path IMAGE_TAR = Path.of("target", "tablemigrator-image.tar");
    static final String IMAGE = System.getProperty("tablemigrator.image", "ghcr.io/tablemigrator/tablemigrator:0.1.0");
    static K3sContainer k3s;
    static KubernetesClient client;

    /** Called by the test itself, so that a missing prerequisite shows as a skipped test with its reason. */
    static void install() throws Exception {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        Assumptions.assumeTrue(docker, "no Docker daemon: the k3s install test needs one");
        Assumptions.assumeTrue(Files.exists(IMAGE_TAR), IMAGE_TAR + " is missing: run `make image-tar` first");
        String manifests = DeployManifestsTest.kustomize("deploy"); // skips without kubectl

        k3s = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.32.3-k3s1"));
        k3s.start();
        k3s.copyFileToContainer(MountableFile.forHostPath(IMAGE_TAR), "/tmp/tablemigrator-image.tar");
        var imported = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", "/tmp/tablemigrator-image.tar");
        assertThat(imported.getExitCode()).as(imported.getStderr()).isZero();
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml())).build();

        List<HasMetadata> items = client.load(new ByteArrayInputStream(manifests.getBytes(StandardCharsets.UTF_8))).items();
        for (HasMetadata item : items) {
            if (item instanceof Deployment d) {
                d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(IMAGE);
                d.getSpec().getTemplate().getSpec().getContainers().get(0).setImagePullPolicy("Never");
            }
            client.resource(item).forceConflicts().serverSideApply();
        }
        await("the operator is ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            Deployment d = client.apps().deployments().inNamespace("tablemigrator-system").withName("tablemigrator-operator").get();
            return d != null && d.getStatus() != null && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas());
        });
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (k3s != null) {
            k3s.stop();
        }
    }

    @Test
    void aTableMigrationIsReconciledAndItsIdentityIsImmutable() throws Exception {
        install();
        client.resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).serverSideApply();
        client.resource(KubeFixtures.migration("shop", "shop-move").sourceSecret("shop-source", "url")
                .targetSecret("shop-target", "url").table("public", "orders").build()).create();

        TableMigration reconciled = await("the operator reports the missing Secret").atMost(Duration.ofMinutes(2))
                .until(() -> client.resources(TableMigration.class).inNamespace("shop").withName("shop-move").get(),
                        m -> m.getStatus() != null && Conditions.isTrue(m.getStatus().getConditions(), "Degraded"));
        assertThat(Conditions.find(reconciled.getStatus().getConditions(), "Degraded").orElseThrow().getReason())
                .isEqualTo("SecretNotFound");
        assertThat(reconciled.getMetadata().getFinalizers()).isNotEmpty();

        // the CEL rule of the CRD refuses a change of what is migrated
        assertThatThrownBy(() -> client.resources(TableMigration.class).inNamespace("shop").withName("shop-move").edit(m -> {
            m.getSpec().getTables().add(new TableSpec("public", "customers"));
            return m;
        })).isInstanceOf(KubernetesClientException.class).hasMessageContaining("spec.tables cannot change");

        client.resources(TableMigration.class).inNamespace("shop").withName("shop-move").delete();
        await("deleted (the finalizer lets go without its Secrets)").atMost(Duration.ofMinutes(1))
                .until(() -> client.resources(TableMigration.class).inNamespace("shop").withName("shop-move").get() == null);
    }
}
