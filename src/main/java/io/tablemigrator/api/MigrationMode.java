package io.tablemigrator.api;

public enum MigrationMode {
    Online, Offline
}
