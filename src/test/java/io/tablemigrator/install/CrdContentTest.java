package io.tablemigrator.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;

/** What users and the API server rely on in the committed CRD. */
class CrdContentTest {
    static CustomResourceDefinition crd;
    static CustomResourceDefinitionVersion version;
    static JSONSchemaProps spec;

    @BeforeAll
    static void load() throws IOException {
        crd = Serialization.unmarshal(Files.readString(CrdFiles.COMMITTED), CustomResourceDefinition.class);
        version = crd.getSpec().getVersions().get(0);
        spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    }

    @Test
    void namesAndSubresources() {
        assertThat(crd.getSpec().getGroup()).isEqualTo("tablemigrator.io");
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo("TableMigration");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("tm");
        assertThat(version.getName()).isEqualTo("v1alpha1");
        assertThat(version.getServed()).isTrue();
        assertThat(version.getStorage()).isTrue();
        assertThat(version.getSubresources().getStatus()).isNotNull();
    }

    @Test
    void printerColumnsInTheOrderKubectlShowsThem() {
        List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
        assertThat(columns.stream().filter(c -> c.getPriority() == 0).map(c -> c.getName().toUpperCase()))
                .containsExactly("PHASE", "PROGRESS", "LAG", "AGE");
        assertThat(columns.stream().filter(c -> c.getPriority() == 1).map(c -> c.getName().toUpperCase()))
                .containsExactly("TABLES", "ROWS", "MESSAGE");
        Map<String, String> paths = new java.util.HashMap<>();
        columns.forEach(c -> paths.put(c.getName(), c.getJsonPath()));
        assertThat(paths).containsEntry("Phase", ".status.phase")
                .containsEntry("Progress", ".status.progress.percent")
                .containsEntry("Lag", ".status.replication.lagBytes")
                .containsEntry("Age", ".metadata.creationTimestamp")
                .containsEntry("Message", ".status.message");
    }

    @Test
    void requiredFieldsEnumsDefaultsAndBounds() {
        assertThat(spec.getRequired()).containsExactlyInAnyOrder("source", "target", "tables");
        JSONSchemaProps tables = spec.getProperties().get("tables");
        assertThat(tables.getMinItems()).isEqualTo(1L);
        assertThat(tables.getItems().getSchema().getRequired()).containsExactly("name");
        assertThat(spec.getProperties().get("mode").getEnum()).extracting(n -> n.asText())
                .containsExactlyInAnyOrder("Online", "Offline");
        JSONSchemaProps cutover = spec.getProperties().get("cutover");
        assertThat(cutover.getProperties().get("policy").getEnum()).extracting(n -> n.asText())
                .containsExactlyInAnyOrder("Automatic", "Manual");
        assertThat(cutover.getProperties().get("maxLagBytes").getMinimum()).isEqualTo(0.0);
        assertThat(cutover.getProperties().get("timeoutSeconds").getMinimum()).isEqualTo(1.0);
        JSONSchemaProps parallelism = spec.getProperties().get("copy").getProperties().get("parallelism");
        assertThat(parallelism.getMinimum()).isEqualTo(1.0);
        assertThat(parallelism.getMaximum()).isEqualTo(64.0);
        assertThat(spec.getProperties().get("targetSuffix").getDefault().asText()).isEmpty();
        assertThat(spec.getProperties().get("source").getProperties().get("urlSecretRef").getRequired())
                .containsExactlyInAnyOrder("name", "key");
        JSONSchemaProps status = version.getSchema().getOpenAPIV3Schema().getProperties().get("status");
        assertThat(status.getProperties().get("phase").getEnum()).hasSize(15);
    }

    @Test
    void celRulesMakeTheMigrationsIdentityImmutable() {
        for (String field : List.of("source", "target", "mode", "tables", "targetSuffix")) {
            assertThat(spec.getProperties().get(field).getXKubernetesValidations())
                    .as("spec.%s", field)
                    .extracting(ValidationRule::getRule)
                    .contains("self == oldSelf");
        }
        assertThat(spec.getProperties().get("source").getXKubernetesValidations()).extracting(ValidationRule::getRule)
                .contains("has(self.url) != has(self.urlSecretRef)");
        // The API server estimates the cost of each rule from the declared bounds; unbounded lists and strings
        // under `self == oldSelf` would exceed the budget and the CRD would be refused.
        JSONSchemaProps table = spec.getProperties().get("tables").getItems().getSchema();
        assertThat(spec.getProperties().get("tables").getMaxItems()).isNotNull();
        assertBounded("spec.tables[]", table);
        assertThat(spec.getProperties().get("source").getProperties().get("url").getMaxLength()).isNotNull();
        // the spec a user may change while a migration runs has no immutability rule
        for (String field : List.of("suspend", "cutover", "worker", "copy", "validation", "replay", "rollback", "schema")) {
            assertThat(spec.getProperties().get(field).getXKubernetesValidations()).as("spec.%s", field).isNullOrEmpty();
        }
    }

    /** Every string and list under a schema has a bound, so that a CEL rule over it has a cost the server accepts. */
    private static void assertBounded(String path, JSONSchemaProps schema) {
        switch (schema.getType()) {
            case "string" -> assertThat(schema.getMaxLength()).as(path + " maxLength").isNotNull();
            case "array" -> {
                assertThat(schema.getMaxItems()).as(path + " maxItems").isNotNull();
                assertBounded(path + "[]", schema.getItems().getSchema());
            }
            case "object" -> schema.getProperties().forEach((name, p) -> assertBounded(path + "." + name, p));
            default -> { }
        }
    }
}
