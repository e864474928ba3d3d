package io.tablemigrator.api;

/** Disabled: the cutover is final. Manual: after the cutover, target changes replicate back to the source. */
public enum RollbackWindow {
    Disabled, Manual
}
