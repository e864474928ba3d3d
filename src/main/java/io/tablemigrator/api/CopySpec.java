package io.tablemigrator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

public class CopySpec {
    @Default("4")
    @Min(1)
    @Max(64)
    @JsonPropertyDescription("Concurrent COPY streams, across tables and within large tables.")
    private int parallelism = 4;

    public int getParallelism() { return parallelism; }
    public void setParallelism(int parallelism) { this.parallelism = parallelism; }
}
