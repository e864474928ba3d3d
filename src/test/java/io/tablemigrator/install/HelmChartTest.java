package io.tablemigrator.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

/** helm/tablemigrator, linted and rendered with helm-java (Helm's own Go code, no helm binary needed). */
class HelmChartTest {
    static final Path CHART = Path.of("helm", "tablemigrator");

    /** helm template with these values (YAML, as in a values file). */
    static String render(String values) {
        try {
            Path file = Files.createTempFile("values", ".yaml");
            Files.writeString(file, values);
            try {
                return new Helm(CHART).template().withName("tm").withNamespace("tablemigrator-system").withValuesFile(file).call();
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void lintsClean() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    @Test
    void defaultsWatchAllNamespacesWithLeaderElectionAndNoServiceMonitor() {
        Manifests m = new Manifests(render(""));
        JsonNode deployment = m.get("Deployment", "tm-tablemigrator-operator");
        JsonNode c = Manifests.container(deployment, "operator");
        assertThat(c.path("image").asText()).isEqualTo("ghcr.io/tablemigrator/tablemigrator:0.1.0");
        assertThat(c.path("args").get(0).asText()).isEqualTo("operator");
        assertThat(Manifests.env(c, "QUARKUS_OPERATOR_SDK_NAMESPACES")).isNull();
        assertThat(Manifests.env(c, "TABLEMIGRATOR_WORKER_IMAGE")).isEqualTo("ghcr.io/tablemigrator/tablemigrator:0.1.0");
        assertThat(Manifests.env(c, "TABLEMIGRATOR_LEADER_ELECTION_ENABLED")).isEqualTo("true");
        assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/live");
        assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/q/health/ready");
        assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(m.find("ClusterRole", "tm-tablemigrator-operator")).isPresent();
        assertThat(m.find("ClusterRoleBinding", "tm-tablemigrator-operator")).isPresent();
        assertThat(m.get("Role", "tm-tablemigrator-operator-leader-election").path("metadata").path("namespace").asText())
                .isEqualTo("tablemigrator-system");
        assertThat(m.ofKind("ServiceMonitor")).isEmpty();
        assertThat(m.get("Service", "tm-tablemigrator-operator")).isNotNull();
    }

    @Test
    void imageResourcesAndWorkerSettingsAreValues() {
        Manifests m = new Manifests(render("""
                image: {repository: registry.example.com/tablemigrator, tag: "1.2.3"}
                resources: {limits: {memory: 1Gi}}
                worker: {image: "registry.example.com/tablemigrator-worker:1.2.3", backoffLimit: 5}
                """));
        JsonNode c = Manifests.container(m.get("Deployment", "tm-tablemigrator-operator"), "operator");
        assertThat(c.path("image").asText()).isEqualTo("registry.example.com/tablemigrator:1.2.3");
        assertThat(c.path("resources").path("limits").path("memory").asText()).isEqualTo("1Gi");
        assertThat(Manifests.env(c, "TABLEMIGRATOR_WORKER_IMAGE")).isEqualTo("registry.example.com/tablemigrator-worker:1.2.3");
        assertThat(Manifests.env(c, "TABLEMIGRATOR_WORKER_BACKOFF_LIMIT")).isEqualTo("5");
    }

    @Test
    void watchedNamespacesGetRolesInsteadOfAClusterRole() {
        Manifests m = new Manifests(render("watchNamespaces: [shop, billing]"));
        JsonNode c = Manifests.container(m.get("Deployment", "tm-tablemigrator-operator"), "operator");
        assertThat(Manifests.env(c, "QUARKUS_OPERATOR_SDK_NAMESPACES")).isEqualTo("shop,billing");
        assertThat(m.find("ClusterRole", "tm-tablemigrator-operator")).isEmpty();
        assertThat(m.ofKind("Role").stream().filter(r -> r.path("metadata").path("name").asText().equals("tm-tablemigrator-operator"))
                .map(r -> r.path("metadata").path("namespace").asText())).containsExactlyInAnyOrder("shop", "billing");
        assertThat(m.ofKind("RoleBinding").stream().filter(r -> r.path("metadata").path("name").asText().equals("tm-tablemigrator-operator"))
                .map(r -> r.path("metadata").path("namespace").asText())).containsExactlyInAnyOrder("shop", "billing");
    }

    @Test
    void serviceMonitorToggle() {
        Manifests m = new Manifests(render("metrics: {serviceMonitor: {enabled: true, labels: {release: prometheus}}}"));
        JsonNode sm = m.get("ServiceMonitor", "tm-tablemigrator-operator");
        assertThat(sm.path("spec").path("endpoints").get(0).path("path").asText()).isEqualTo("/q/metrics");
        assertThat(sm.path("metadata").path("labels").path("release").asText()).isEqualTo("prometheus");
    }

    @Test
    void leaderElectionOffMeansOneReplicaAndNoLease() {
        Manifests m = new Manifests(render("{leaderElection: {enabled: false}, replicaCount: 3}"));
        assertThat(m.find("Role", "tm-tablemigrator-operator-leader-election")).isEmpty();
        JsonNode deployment = m.get("Deployment", "tm-tablemigrator-operator");
        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(1);
        assertThat(Manifests.env(Manifests.container(deployment, "operator"), "TABLEMIGRATOR_LEADER_ELECTION_ENABLED")).isEqualTo("false");
        Manifests two = new Manifests(render("replicaCount: 2"));
        assertThat(two.get("Deployment", "tm-tablemigrator-operator").path("spec").path("replicas").asInt()).isEqualTo(2);
    }

    @Test
    void workerServiceAccountsInListedNamespaces() {
        Manifests m = new Manifests(render("worker: {namespaces: [shop]}"));
        assertThat(m.ofKind("ServiceAccount").stream().filter(s -> s.path("metadata").path("namespace").asText().equals("shop"))
                .map(s -> s.path("metadata").path("name").asText())).containsExactly("tablemigrator-worker");
        JsonNode binding = m.ofKind("RoleBinding").stream().filter(b -> b.path("metadata").path("namespace").asText().equals("shop"))
                .findFirst().orElseThrow();
        assertThat(binding.path("roleRef").path("name").asText()).isEqualTo("tablemigrator-worker");
    }
}
