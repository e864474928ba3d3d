package io.tablemigrator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;

public class RollbackSpec {
    @Default("Disabled")
    @JsonPropertyDescription("Disabled (default): the cutover is final. Manual: after the cutover, every change made on the target tables is replicated back into the source tables until action ends the window.")
    private RollbackWindow window = RollbackWindow.Disabled;

    @Default("None")
    @JsonPropertyDescription("None: keep the window open. Rollback: block target writes, drain, make the source the system of record again (phase RolledBack). Finalize: drop the reverse replication (phase Completed).")
    private RollbackAction action = RollbackAction.None;

    public RollbackWindow getWindow() { return window; }
    public void setWindow(RollbackWindow window) { this.window = window; }
    public RollbackAction getAction() { return action; }
    public void setAction(RollbackAction action) { this.action = action; }
}
