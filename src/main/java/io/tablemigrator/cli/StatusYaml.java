package io.tablemigrator.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import io.tablemigrator.api.TableMigrationStatus;

/** The final status as YAML, the same shape as .status of the TableMigration in a cluster. */
final class StatusYaml {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private StatusYaml() {
    }

    static String write(TableMigrationStatus status) {
        try {
            return YAML.writeValueAsString(java.util.Map.of("status", status));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
