package io.tablemigrator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;

public class ValidationSpec {
    @Default("Checksum")
    @JsonPropertyDescription("Count: row counts compared. Checksum (default): an order-independent checksum of every row compared too.")
    private ValidationMode mode = ValidationMode.Checksum;

    public ValidationMode getMode() { return mode; }
    public void setMode(ValidationMode mode) { this.mode = mode; }
}
