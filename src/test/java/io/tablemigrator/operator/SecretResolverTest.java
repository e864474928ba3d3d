package io.tablemigrator.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.testing.ApiServer;
import io.tablemigrator.testing.KubeFixtures;

class SecretResolverTest {
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
    SecretResolver resolver;
    static int counter;
    String ns;

    @BeforeEach
    void setUp() {
        resolver = new SecretResolver();
        resolver.client = client;
        ns = "ns" + (++counter);
        client.resource(new ServiceAccountBuilder().withNewMetadata().withName("tablemigrator-worker").withNamespace(ns)
                .endMetadata().build()).create();
    }

    TableMigration migration() {
        TableMigration m = KubeFixtures.migration(ns, "m").sourceSecret("src", "url").targetUrl("postgresql://app@target/db")
                .table("public", "t").build();
        m.getMetadata().setUid("uid-" + ns);
        return m;
    }

    @Test
    void namesTheMissingSecretOrKeyAndTheFix() {
        Problem missing = resolver.prerequisites(migration(), "tablemigrator-worker");
        assertThat(missing.reason()).isEqualTo("SecretNotFound");
        assertThat(missing.message()).contains("Secret src", "spec.source.urlSecretRef", "kubectl -n " + ns + " create secret generic src");

        KubeFixtures.secret(client, ns, "src", "uri", "postgresql://app:pw@source/db");
        Problem key = resolver.prerequisites(migration(), "tablemigrator-worker");
        assertThat(key.reason()).isEqualTo("SecretKeyNotFound");
        assertThat(key.message()).contains("has no key url", "it has uri").doesNotContain("pw");
    }

    @Test
    void anUnusableUriIsReportedWithoutItsValue() {
        KubeFixtures.secret(client, ns, "src", "url", "mysql://root:hunter2@db/x");
        Problem bad = resolver.prerequisites(migration(), "tablemigrator-worker");
        assertThat(bad.reason()).isEqualTo("InvalidDatabaseUrl");
        assertThat(bad.message()).contains("key url of Secret src").doesNotContain("hunter2");
    }

    @Test
    void aMissingWorkerServiceAccountIsReported() {
        KubeFixtures.secret(client, ns, "src", "url", "postgresql://app:pw@source/db");
        assertThat(resolver.prerequisites(migration(), "tablemigrator-worker")).isNull();
        Problem sa = resolver.prerequisites(migration(), "migrations");
        assertThat(sa.reason()).isEqualTo("ServiceAccountNotFound");
        assertThat(sa.message()).contains("kubectl -n " + ns + " create serviceaccount migrations");
    }

    @Test
    void thePlanOutlivesItsSecretWhileThisProcessRemembersIt() {
        assertThatThrownBy(() -> resolver.plan(migration())).isInstanceOf(MigrationError.class)
                .extracting(e -> ((MigrationError) e).reason()).isEqualTo("SecretNotFound");
        KubeFixtures.secret(client, ns, "src", "url", "postgresql://app:pw@source/db");
        assertThat(resolver.plan(migration()).source().hosts()).isEqualTo("source");
        client.secrets().inNamespace(ns).withName("src").delete();
        assertThat(resolver.plan(migration()).source().hosts()).as("remembered").isEqualTo("source");
        resolver.forget(migration());
        assertThatThrownBy(() -> resolver.plan(migration())).isInstanceOf(MigrationError.class);
    }
}
