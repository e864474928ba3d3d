package io.tablemigrator.api;

public enum CutoverPolicy {
    Automatic, Manual
}
