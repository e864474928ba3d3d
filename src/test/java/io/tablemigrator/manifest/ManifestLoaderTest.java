package io.tablemigrator.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.tablemigrator.api.CutoverPolicy;
import io.tablemigrator.api.MigrationMode;
import io.tablemigrator.api.SourceAfterCutover;
import io.tablemigrator.api.ValidationMode;

class ManifestLoaderTest {

    private static final String HEADER = """
            apiVersion: tablemigrator.io/v1alpha1
            kind: TableMigration
            metadata: {name: shop-move, namespace: shop}
            """;

    @Test
    void minimalManifestGetsTheDocumentedDefaults() {
        var manifest = ManifestLoader.parse(HEADER + """
                spec:
                  source: {url: "postgresql://app:secret@db1:5432/shop"}
                  target: {url: "postgresql://app:secret@db2:5432/shop"}
                  tables:
                    - name: orders
                """);
        var spec = manifest.migration().getSpec();
        assertThat(manifest.id()).isEqualTo("shop/shop-move");
        assertThat(spec.getMode()).isEqualTo(MigrationMode.Online);
        assertThat(spec.getTables().get(0).getSchema()).isEqualTo("public");
        assertThat(spec.getCopy().getParallelism()).isEqualTo(4);
        assertThat(spec.getCutover().getPolicy()).isEqualTo(CutoverPolicy.Automatic);
        assertThat(spec.getCutover().getMaxLagBytes()).isEqualTo(1_048_576);
        assertThat(spec.getCutover().getTimeoutSeconds()).isEqualTo(30);
        assertThat(spec.getCutover().getSourceAfterCutover()).isEqualTo(SourceAfterCutover.ReadOnly);
        assertThat(spec.getValidation().getMode()).isEqualTo(ValidationMode.Checksum);
        assertThat(manifest.sourceUrl()).isEqualTo("postgresql://app:secret@db1:5432/shop");
    }

    @Test
    void identifiersAreKeptLiterally() {
        var manifest = ManifestLoader.parse(HEADER + """
                spec:
                  source: {url: "postgresql://a@h/db"}
                  target: {url: "postgresql://a@h/db2"}
                  tables:
                    - {schema: Sales, name: 'Order "Items"', targetSchema: archive, targetName: order_items}
                """);
        var table = manifest.migration().getSpec().getTables().get(0);
        assertThat(table.getSchema()).isEqualTo("Sales");
        assertThat(table.getName()).isEqualTo("Order \"Items\"");
    }

    @Test
    void unknownFieldIsNamedWithItsPath() {
        assertThatThrownBy(() -> ManifestLoader.parse(HEADER + """
                spec:
                  source: {url: "postgresql://a@h/db"}
                  target: {url: "postgresql://a@h/db2"}
                  tables:
                    - {name: orders, targetTable: x}
                """)).isInstanceOf(ManifestError.class)
                .hasMessageContaining("spec.tables[0].targetTable: unknown field")
                .hasMessageContaining("targetName");
    }

    @Test
    void missingTableListIsNamed() {
        assertThatThrownBy(() -> ManifestLoader.parse(HEADER + """
                spec:
                  source: {url: "postgresql://a@h/db"}
                  target: {url: "postgresql://a@h/db2"}
                """)).hasMessageContaining("spec.tables: missing");
    }

    @Test
    void bothUrlAndSecretRefAreRefused() {
        assertThatThrownBy(() -> ManifestLoader.parse(HEADER + """
                spec:
                  source: {url: "postgresql://a@h/db", urlSecretRef: {name: s, key: url}}
                  target: {url: "postgresql://a@h/db2"}
                  tables: [{name: orders}]
                """)).hasMessageContaining("spec.source: set exactly one of url or urlSecretRef (both are set)");
    }

    @Test
    void neitherUrlNorSecretRefIsRefused() {
        assertThatThrownBy(() -> ManifestLoader.parse(HEADER + """
                spec:
                  source: {url: "postgresql://a@h/db"}
                  target: {}
                  tables: [{name: orders}]
                """)).hasMessageContaining("spec.target: set exactly one of url or urlSecretRef (neither is set)");
    }

    @Test
    void unknownEnumValueListsTheAllowedOnes() {
        assertThatThrownBy(() -> ManifestLoader.parse(HEADER + """
                spec:
                  source: {url: "postgresql://a@h/db"}
                  target: {url: "postgresql://a@h/db2"}
                  mode: online
                  tables: [{name: orders}]
                """)).hasMessageContaining("spec.mode: 'online' is not one of Online, Offline");
    }

    @Test
    void secretInTheSameFileServesUrlSecretRef() {
        var manifest = ManifestLoader.parse("""
                apiVersion: v1
                kind: Secret
                metadata: {name: shop-source}
                stringData: {url: "postgresql://app:pw@db1/shop"}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: shop-target}
                data: {url: cG9zdGdyZXNxbDovL2FwcDpwd0BkYjIvc2hvcA==}
                ---
                """ + HEADER + """
                spec:
                  source: {urlSecretRef: {name: shop-source, key: url}}
                  target: {urlSecretRef: {name: shop-target, key: url}}
                  tables: [{name: orders}]
                """);
        assertThat(manifest.sourceUrl()).isEqualTo("postgresql://app:pw@db1/shop");
        assertThat(manifest.targetUrl()).isEqualTo("postgresql://app:pw@db2/shop");
    }

    @Test
    void secretRefWithoutTheSecretSaysWhatToDo() {
        assertThatThrownBy(() -> ManifestLoader.parse(HEADER + """
                spec:
                  source: {urlSecretRef: {name: shop-source, key: url}}
                  target: {url: "postgresql://a@h/db2"}
                  tables: [{name: orders}]
                """)).hasMessageContaining("spec.source.urlSecretRef")
                .hasMessageContaining("put the URI in spec.source.url");
    }

    @Test
    void wrongKindOrVersionIsNamed() {
        assertThatThrownBy(() -> ManifestLoader.parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"))
                .hasMessageContaining("holds no TableMigration");
        assertThatThrownBy(() -> ManifestLoader.parse(HEADER.replace("v1alpha1", "v1") + "spec: {}\n"))
                .hasMessageContaining("apiVersion: 'tablemigrator.io/v1' is not supported");
    }

    @Test
    void wrongTypeIsNamed() {
        assertThatThrownBy(() -> ManifestLoader.parse(HEADER + """
                spec:
                  source: {url: "postgresql://a@h/db"}
                  target: {url: "postgresql://a@h/db2"}
                  copy: {parallelism: many}
                  tables: [{name: orders}]
                """)).hasMessageContaining("spec.copy.parallelism");
    }

    @Test
    void theExamplesUsersCopyAreValid() throws java.io.IOException {
        var demo = ManifestLoader.load(java.nio.file.Path.of("examples", "demo.yaml"));
        assertThat(demo.migration().getSpec().getTables()).hasSize(3);
        // the cluster example, with its Secrets, is also a file the command line can run
        var dir = java.nio.file.Path.of("examples", "kubernetes");
        var cluster = ManifestLoader.parse(java.nio.file.Files.readString(dir.resolve("secrets.yaml")) + "\n---\n"
                + java.nio.file.Files.readString(dir.resolve("tablemigration.yaml")));
        assertThat(cluster.sourceUrl()).startsWith("postgresql://");
        assertThat(cluster.targetUrl()).startsWith("postgresql://");
    }
}
