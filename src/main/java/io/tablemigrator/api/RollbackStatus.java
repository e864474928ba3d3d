package io.tablemigrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The reverse replication of a rollback window: its slot on the target, how far the source is behind. Written by the worker. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RollbackStatus {
    private String slotName;
    private Long lagBytes;
    private Long changesApplied;
    private String rolledBackAt;

    public String getSlotName() { return slotName; }
    public void setSlotName(String slotName) { this.slotName = slotName; }
    public Long getLagBytes() { return lagBytes; }
    public void setLagBytes(Long lagBytes) { this.lagBytes = lagBytes; }
    public Long getChangesApplied() { return changesApplied; }
    public void setChangesApplied(Long changesApplied) { this.changesApplied = changesApplied; }
    public String getRolledBackAt() { return rolledBackAt; }
    public void setRolledBackAt(String rolledBackAt) { this.rolledBackAt = rolledBackAt; }
}
