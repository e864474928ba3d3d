package io.tablemigrator.api;

public enum ValidationMode {
    Count, Checksum
}
