package io.tablemigrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The replication slot and how far behind the target is. Written by the worker (by the operator while paused). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReplicationStatus {
    private String slotName;
    private String publicationName;
    private String confirmedLsn;
    private Long lagBytes;
    private Long lagSeconds;
    private Long changesApplied;

    public String getSlotName() { return slotName; }
    public void setSlotName(String slotName) { this.slotName = slotName; }
    public String getPublicationName() { return publicationName; }
    public void setPublicationName(String publicationName) { this.publicationName = publicationName; }
    public String getConfirmedLsn() { return confirmedLsn; }
    public void setConfirmedLsn(String confirmedLsn) { this.confirmedLsn = confirmedLsn; }
    public Long getLagBytes() { return lagBytes; }
    public void setLagBytes(Long lagBytes) { this.lagBytes = lagBytes; }
    public Long getLagSeconds() { return lagSeconds; }
    public void setLagSeconds(Long lagSeconds) { this.lagSeconds = lagSeconds; }
    public Long getChangesApplied() { return changesApplied; }
    public void setChangesApplied(Long changesApplied) { this.changesApplied = changesApplied; }
}
