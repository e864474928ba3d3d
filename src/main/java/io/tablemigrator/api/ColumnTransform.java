package io.tablemigrator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A column that gets another type on the target; rows are cast on the way. */
public class ColumnTransform {
    @Required
    @Size(min = 1, max = 63)
    @JsonPropertyDescription("The column's name (literal, as on the source).")
    private String name;

    @Required
    @Size(min = 1, max = 200)
    @JsonPropertyDescription("Its type on the target, as SQL (for example bigint, numeric(12,2), timestamptz).")
    private String type;

    public ColumnTransform() {
    }

    public ColumnTransform(String name, String type) {
        this.name = name;
        this.type = type;
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getType() { return type; }
    public void setType(String type) { this.type = type; }

    @Override
    public boolean equals(Object o) {
        return o instanceof ColumnTransform c && java.util.Objects.equals(name, c.name) && java.util.Objects.equals(type, c.type);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, type);
    }
}
