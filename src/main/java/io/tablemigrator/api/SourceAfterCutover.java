package io.tablemigrator.api;

public enum SourceAfterCutover {
    ReadOnly, Writable
}
