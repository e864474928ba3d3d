package io.tablemigrator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** The target is partitioned by ranges of one column, one partition per interval. */
public class RangePartitioning {
    @Required
    @Size(min = 1, max = 63)
    @JsonPropertyDescription("The partition key column (a date, timestamp or timestamptz).")
    private String column;

    @Required
    @Size(max = 20)
    @Pattern(SpecValidator.RANGE_INTERVAL)
    @JsonPropertyDescription("Each partition's span: N day(s), week(s), month(s) or year(s), for example '1 month'.")
    private String interval;

    public String getColumn() { return column; }
    public void setColumn(String column) { this.column = column; }
    public String getInterval() { return interval; }
    public void setInterval(String interval) { this.interval = interval; }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangePartitioning r && java.util.Objects.equals(column, r.column)
                && java.util.Objects.equals(interval, r.interval);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(column, interval);
    }
}
