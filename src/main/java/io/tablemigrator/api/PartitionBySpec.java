package io.tablemigrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.ValidationRule;

/** Turns a plain source table into a partitioned target table: exactly one of range or hash. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.range) != has(self.hash)", message = "set exactly one of range or hash")
public class PartitionBySpec {
    @JsonPropertyDescription("Range partitions of a time column, one per interval.")
    private RangePartitioning range;

    @JsonPropertyDescription("Hash partitions of a column.")
    private HashPartitioning hash;

    public RangePartitioning getRange() { return range; }
    public void setRange(RangePartitioning range) { this.range = range; }
    public HashPartitioning getHash() { return hash; }
    public void setHash(HashPartitioning hash) { this.hash = hash; }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionBySpec p && java.util.Objects.equals(range, p.range) && java.util.Objects.equals(hash, p.hash);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(range, hash);
    }
}
