package io.tablemigrator.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Which of the objects a moved table needs are carried to the target. */
public class SchemaSpec {
    @JsonPropertyDescription("What NOT to carry with the tables: any of Triggers, Functions, Comments, Grants, Policies, Ownership.")
    private List<SchemaObjectKind> skip = new ArrayList<>();

    public List<SchemaObjectKind> getSkip() { return skip; }
    public void setSkip(List<SchemaObjectKind> skip) { this.skip = skip; }
}
