package io.tablemigrator.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.tablemigrator.api.Phase;
import io.tablemigrator.api.TableMigration;

/** The test API server applies merge patches as RFC 7386 (and a real API server) says. */
class MergePatchDispatcherTest {
    static ApiServer server;
    static KubernetesClient client;
    static int counter;

    @BeforeAll
    static void start() {
        server = ApiServer.start();
        client = server.client();
        KubeFixtures.installCrd(client);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    Resource<TableMigration> created() {
        String name = "m" + (++counter);
        client.resource(KubeFixtures.migration("shop", name).sourceUrl("postgresql://a/b").targetUrl("postgresql://c/d")
                .table("public", "orders").table("public", "lines").build()).create();
        return client.resources(TableMigration.class).inNamespace("shop").withName(name);
    }

    static TableMigration mergeStatus(Resource<TableMigration> resource, String statusJson) {
        return resource.subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":" + statusJson + "}");
    }

    @Test
    void listsAreReplacedObjectsMergedAndNullRemoves() {
        Resource<TableMigration> m = created();
        mergeStatus(m, """
                {"phase": "Copying", "completedAt": "2025-03-01T10:00:00Z",
                 "conditions": [{"type": "Ready", "status": "False"}, {"type": "Degraded", "status": "False"}],
                 "replication": {"slotName": "tm_slot", "lagBytes": 10}}""");
        mergeStatus(m, """
                {"completedAt": null,
                 "conditions": [{"type": "Ready", "status": "True"}],
                 "replication": {"lagBytes": 0}}""");

        var status = m.get().getStatus();
        assertThat(status.getConditions()).singleElement().satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));
        assertThat(status.getCompletedAt()).as("null removes").isNull();
        assertThat(status.getReplication().getSlotName()).as("objects merge").isEqualTo("tm_slot");
        assertThat(status.getReplication().getLagBytes()).isZero();
        assertThat(status.getPhase()).as("fields not in the patch stay").isEqualTo(Phase.Copying);
    }

    @Test
    void aListInTheSpecIsReplacedAndTheGenerationMoves() {
        Resource<TableMigration> m = created();
        long generation = m.get().getMetadata().getGeneration();
        m.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"tables\":[{\"schema\":\"public\",\"name\":\"items\"}]}}");
        TableMigration patched = m.get();
        assertThat(patched.getSpec().getTables()).singleElement().satisfies(t -> assertThat(t.getName()).isEqualTo("items"));
        assertThat(patched.getMetadata().getGeneration()).isEqualTo(generation + 1);
    }

    @Test
    void aPatchThatChangesNothingStoresNothing() {
        Resource<TableMigration> m = created();
        mergeStatus(m, "{\"phase\": \"Copying\", \"conditions\": [{\"type\": \"Ready\", \"status\": \"False\"}]}");
        String version = m.get().getMetadata().getResourceVersion();
        mergeStatus(m, "{\"phase\": \"Copying\", \"conditions\": [{\"type\": \"Ready\", \"status\": \"False\"}]}");
        assertThat(m.get().getMetadata().getResourceVersion()).isEqualTo(version);
    }

    @Test
    void aStaleResourceVersionConflicts() {
        Resource<TableMigration> m = created();
        String stale = m.get().getMetadata().getResourceVersion();
        mergeStatus(m, "{\"phase\": \"Copying\"}");
        assertThatThrownBy(() -> m.patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"resourceVersion\":\"" + stale + "\"},\"spec\":{\"suspend\":true}}"))
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));
    }

    @Test
    void strategicMergeAndServerSideApplyAreRefusedAsTheMockCannotDoThem() {
        Resource<TableMigration> m = created();
        assertThatThrownBy(() -> m.patch(PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"spec\":{\"suspend\":true}}"))
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(415));
        assertThatThrownBy(() -> m.patch(PatchContext.of(PatchType.SERVER_SIDE_APPLY), "{\"spec\":{\"suspend\":true}}"))
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(415));
    }

    @Test
    void aMissingObjectIsNotFound() {
        var missing = client.resources(TableMigration.class).inNamespace("shop").withName("missing");
        assertThatThrownBy(() -> mergeStatus(missing, "{\"phase\": \"Copying\"}"))
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(404));
    }

    @Test
    void aSubresourcePathPatchesItsObject() {
        assertThat(MergePatchDispatcher.objectPath("/apis/tablemigrator.io/v1alpha1/namespaces/shop/tablemigrations/m/status?fieldManager=x"))
                .isEqualTo("/apis/tablemigrator.io/v1alpha1/namespaces/shop/tablemigrations/m");
    }
}
