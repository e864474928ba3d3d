package io.tablemigrator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;

public class ReplaySpec {
    @Default("4")
    @Min(1)
    @Max(64)
    @JsonPropertyDescription("Target connections applying replicated changes at once; 1 applies them in one stream.")
    private int parallelism = 4;

    public int getParallelism() { return parallelism; }
    public void setParallelism(int parallelism) { this.parallelism = parallelism; }
}
