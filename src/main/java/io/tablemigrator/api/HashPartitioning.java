package io.tablemigrator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The target is partitioned by the hash of one column into a fixed number of partitions. */
public class HashPartitioning {
    @Required
    @Size(min = 1, max = 63)
    @JsonPropertyDescription("The partition key column.")
    private String column;

    @Required
    @Min(2)
    @Max(1024)
    @JsonPropertyDescription("How many partitions.")
    private int partitions;

    public String getColumn() { return column; }
    public void setColumn(String column) { this.column = column; }
    public int getPartitions() { return partitions; }
    public void setPartitions(int partitions) { this.partitions = partitions; }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashPartitioning h && java.util.Objects.equals(column, h.column) && partitions == h.partitions;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(column, partitions);
    }
}
