package io.tablemigrator.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code kubectl kustomize deploy/}: what {@code kubectl apply -k deploy/} would create (skipped without kubectl). */
class DeployManifestsTest {
    static Manifests deploy;

    static String kustomize(String dir) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("kubectl", "kustomize", dir).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.assumeTrue(false, "kubectl is not installed: " + e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize timed out");
        assertThat(p.exitValue()).as("kubectl kustomize %s:\n%s", dir, out).isZero();
        return out;
    }

    @BeforeAll
    static void render() throws Exception {
        deploy = new Manifests(kustomize("deploy"));
    }

    @Test
    void installsTheCommittedCrd() throws IOException {
        JsonNode crd = deploy.get("CustomResourceDefinition", "tablemigrations.tablemigrator.io");
        var rendered = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(crd.toString(),
                io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class);
        var committed = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(Files.readString(CrdFiles.COMMITTED),
                io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class);
        assertThat(rendered.getSpec().equals(committed.getSpec())).as("deploy/ renders the CRD in crds/").isTrue();
    }

    @Test
    void operatorRbacIsLeastPrivilege() {
        JsonNode role = deploy.get("ClusterRole", "tablemigrator-operator");
        assertThat(Manifests.verbs(role, "tablemigrator.io", "tablemigrations")).containsExactlyInAnyOrder("get", "list", "watch", "patch", "update");
        assertThat(Manifests.verbs(role, "tablemigrator.io", "tablemigrations/status")).contains("patch");
        assertThat(Manifests.verbs(role, "tablemigrator.io", "tablemigrations/finalizers")).containsExactly("update");
        assertThat(Manifests.verbs(role, "batch", "jobs")).containsExactlyInAnyOrder("get", "list", "watch", "create", "delete");
        assertThat(Manifests.verbs(role, "", "pods")).containsExactlyInAnyOrder("get", "list", "watch");
        assertThat(Manifests.verbs(role, "", "secrets")).as("Secrets: get only, never list or watch").containsExactly("get");
        assertThat(Manifests.verbs(role, "", "events")).contains("create");
        assertThat(role.toString()).doesNotContain("\"*\"");
        assertThat(Manifests.verbs(role, "coordination.k8s.io", "leases")).as("leases only in its own namespace").isEmpty();

        JsonNode leases = deploy.get("Role", "tablemigrator-operator-leader-election");
        assertThat(leases.path("metadata").path("namespace").asText()).isEqualTo("tablemigrator-system");
        assertThat(Manifests.verbs(leases, "coordination.k8s.io", "leases")).contains("get", "create", "update");
        JsonNode binding = deploy.get("ClusterRoleBinding", "tablemigrator-operator");
        assertThat(binding.path("subjects").get(0).path("name").asText()).isEqualTo("tablemigrator-operator");
        assertThat(binding.path("subjects").get(0).path("namespace").asText()).isEqualTo("tablemigrator-system");
    }

    @Test
    void workerMayOnlyReadItsMigrationAndPatchItsStatus() {
        JsonNode worker = deploy.get("ClusterRole", "tablemigrator-worker");
        assertThat(Manifests.verbs(worker, "tablemigrator.io", "tablemigrations")).containsExactlyInAnyOrder("get", "watch");
        assertThat(Manifests.verbs(worker, "tablemigrator.io", "tablemigrations/status")).containsExactly("patch");
        assertThat(worker.path("rules")).hasSize(2);
    }

    @Test
    void deploymentRunsTheOperatorWithProbesAndARestrictedSecurityContext() {
        JsonNode deployment = deploy.get("Deployment", "tablemigrator-operator");
        assertThat(deployment.path("metadata").path("namespace").asText()).isEqualTo("tablemigrator-system");
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        assertThat(pod.path("serviceAccountName").asText()).isEqualTo("tablemigrator-operator");
        assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        JsonNode c = Manifests.container(deployment, "operator");
        assertThat(c.path("args").get(0).asText()).isEqualTo("operator");
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
        assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(c.path("securityContext").path("capabilities").path("drop").get(0).asText()).isEqualTo("ALL");
        assertThat(c.path("securityContext").path("seccompProfile").path("type").asText()).isEqualTo("RuntimeDefault");
        assertThat(c.path("resources").path("limits").path("memory").asText()).isNotEmpty();
        assertThat(c.path("env").toString()).contains("POD_NAME", "POD_NAMESPACE");
        assertThat(deploy.get("Namespace", "tablemigrator-system")).isNotNull();
        assertThat(deploy.get("Service", "tablemigrator-operator").path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(8080);
    }

    @Test
    void theChartGrantsTheSameAsThePlainManifests() throws IOException {
        String chart = HelmChartTest.render("");
        Manifests helm = new Manifests(chart);
        JsonNode fromChart = helm.ofKind("ClusterRole").stream()
                .filter(r -> r.path("metadata").path("name").asText().endsWith("-operator")).findFirst().orElseThrow();
        assertThat(Manifests.rules(fromChart)).isEqualTo(Manifests.rules(deploy.get("ClusterRole", "tablemigrator-operator")));
        assertThat(Manifests.rules(helm.get("ClusterRole", "tablemigrator-worker")))
                .isEqualTo(Manifests.rules(deploy.get("ClusterRole", "tablemigrator-worker")));
    }

    @Test
    void theExampleManifestsAreComplete() throws Exception {
        Manifests example = new Manifests(kustomize("examples/kubernetes"));
        JsonNode tm = example.ofKind("TableMigration").get(0);
        String ns = tm.path("metadata").path("namespace").asText();
        assertThat(example.find("Namespace", ns)).isPresent();
        assertThat(example.find("ServiceAccount", "tablemigrator-worker")).isPresent();
        assertThat(example.get("RoleBinding", "tablemigrator-worker").path("roleRef").path("name").asText())
                .isEqualTo("tablemigrator-worker");
        for (String side : new String[] {"source", "target"}) {
            JsonNode ref = tm.path("spec").path(side).path("urlSecretRef");
            JsonNode secret = example.get("Secret", ref.path("name").asText());
            assertThat(secret.path("stringData").path(ref.path("key").asText()).asText()).startsWith("postgresql://");
        }
        var migration = io.fabric8.kubernetes.client.utils.Serialization.unmarshal(tm.toString(), io.tablemigrator.api.TableMigration.class);
        assertThat(io.tablemigrator.api.SpecValidator.problems(migration.getSpec())).isEmpty();
    }
}
