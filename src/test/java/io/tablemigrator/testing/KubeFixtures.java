package io.tablemigrator.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tablemigrator.api.CutoverPolicy;
import io.tablemigrator.api.DatabaseSpec;
import io.tablemigrator.api.MigrationMode;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.api.TableMigrationSpec;
import io.tablemigrator.api.TableSpec;

/** Objects the operator tests create on the mock API server. */
public final class KubeFixtures {
    public static final Path CRD = Path.of("crds", "tablemigrations.tablemigrator.io-v1.yml");

    private KubeFixtures() {
    }

    /** The committed CRD, so that the mock server serves the status subresource as a real API server does. */
    public static synchronized void installCrd(KubernetesClient client) {
        if (client.apiextensions().v1().customResourceDefinitions().withName("tablemigrations.tablemigrator.io").get() == null) {
            client.apiextensions().v1().customResourceDefinitions().load(CRD.toFile()).create();
        }
    }

    /**
     * Changes a TableMigration's spec as a person with {@code kubectl edit} does: when the operator or the worker
     * wrote the status in between (409 Conflict), the change is made again on the object as it is now.
     */
    public static TableMigration editSpec(KubernetesClient client, String namespace, String name,
                                          UnaryOperator<TableMigration> change) {
        var resource = client.resources(TableMigration.class).inNamespace(namespace).withName(name);
        for (int attempt = 1; ; attempt++) {
            try {
                return resource.edit(change);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 10) {
                    throw e;
                }
            }
        }
    }

    /** A namespace with the worker's service account in it, as docs/kubernetes.md has users create. */
    public static void namespace(KubernetesClient client, String name) {
        client.resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        client.resource(new ServiceAccountBuilder().withNewMetadata().withName("tablemigrator-worker").withNamespace(name)
                .endMetadata().build()).create();
    }

    /** A Secret with data (base64), as the API server stores one; the mock server does not convert stringData. */
    public static void secret(KubernetesClient client, String namespace, String name, String key, String value) {
        client.resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withData(Map.of(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))))
                .build()).create();
    }

    public static Builder migration(String namespace, String name) {
        return new Builder(namespace, name);
    }

    public static final class Builder {
        private final TableMigration m = new TableMigration();
        private final List<TableSpec> tables = new ArrayList<>();

        Builder(String namespace, String name) {
            m.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
            m.setSpec(new TableMigrationSpec());
        }

        public Builder sourceSecret(String secret, String key) {
            m.getSpec().setSource(DatabaseSpec.ofSecret(secret, key));
            return this;
        }

        public Builder targetSecret(String secret, String key) {
            m.getSpec().setTarget(DatabaseSpec.ofSecret(secret, key));
            return this;
        }

        public Builder sourceUrl(String url) {
            m.getSpec().setSource(DatabaseSpec.ofUrl(url));
            return this;
        }

        public Builder targetUrl(String url) {
            m.getSpec().setTarget(DatabaseSpec.ofUrl(url));
            return this;
        }

        public Builder table(String schema, String name) {
            tables.add(new TableSpec(schema, name));
            return this;
        }

        public Builder manual() {
            m.getSpec().getCutover().setPolicy(CutoverPolicy.Manual);
            return this;
        }

        public Builder offline() {
            m.getSpec().setMode(MigrationMode.Offline);
            return this;
        }

        public Builder suspended() {
            m.getSpec().setSuspend(true);
            return this;
        }

        public TableMigration build() {
            m.getSpec().setTables(new ArrayList<>(tables));
            return m;
        }
    }
}
