package io.tablemigrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One table to move. Every name is a literal identifier: case, spaces and quotes are kept. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TableSpec {
    @Default("public")
    @Size(max = 63)
    @JsonPropertyDescription("Source schema; default public.")
    private String schema = "public";

    @Required
    @Size(min = 1, max = 63)
    @JsonPropertyDescription("Source table name.")
    private String name;

    @Size(max = 63)
    @JsonPropertyDescription("Target schema; default: the source schema. Created when missing.")
    private String targetSchema;

    @Size(max = 63)
    @JsonPropertyDescription("Target table name; default: name + spec.targetSuffix.")
    private String targetName;

    @JsonPropertyDescription("Optional: how the target table is rebuilt differently (column types, partitioning).")
    private TableTransform transform;

    public TableSpec() {
    }

    public TableSpec(String schema, String name) {
        this.schema = schema;
        this.name = name;
    }

    public String getSchema() { return schema; }
    public void setSchema(String schema) { this.schema = schema; }
    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getTargetSchema() { return targetSchema; }
    public void setTargetSchema(String targetSchema) { this.targetSchema = targetSchema; }
    public String getTargetName() { return targetName; }
    public void setTargetName(String targetName) { this.targetName = targetName; }
    public TableTransform getTransform() { return transform; }
    public void setTransform(TableTransform transform) { this.transform = transform; }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableSpec t && java.util.Objects.equals(schema, t.schema) && java.util.Objects.equals(name, t.name)
                && java.util.Objects.equals(targetSchema, t.targetSchema) && java.util.Objects.equals(targetName, t.targetName)
                && java.util.Objects.equals(transform, t.transform);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(schema, name, targetSchema, targetName, transform);
    }
}
