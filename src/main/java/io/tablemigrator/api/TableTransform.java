package io.tablemigrator.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Size;

/** How the target table is rebuilt differently from the source. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TableTransform {
    @Size(max = 200)
    @JsonPropertyDescription("Columns that get another type on the target; rows are cast on copy and replay, and keys and foreign keys follow.")
    private List<ColumnTransform> columns = new ArrayList<>();

    @JsonPropertyDescription("Creates the target partitioned (the source is a plain table).")
    private PartitionBySpec partitionBy;

    public List<ColumnTransform> getColumns() { return columns; }
    public void setColumns(List<ColumnTransform> columns) { this.columns = columns; }
    public PartitionBySpec getPartitionBy() { return partitionBy; }
    public void setPartitionBy(PartitionBySpec partitionBy) { this.partitionBy = partitionBy; }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableTransform t && java.util.Objects.equals(columns, t.columns)
                && java.util.Objects.equals(partitionBy, t.partitionBy);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(columns, partitionBy);
    }
}
