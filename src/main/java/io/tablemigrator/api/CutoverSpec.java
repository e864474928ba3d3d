package io.tablemigrator.api;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;

public class CutoverSpec {
    @Default("Automatic")
    @JsonPropertyDescription("Automatic: cut over as soon as replication lag is under maxLagBytes. Manual: wait for approved: true.")
    private CutoverPolicy policy = CutoverPolicy.Automatic;

    @Default("false")
    @JsonPropertyDescription("With policy Manual, set to true to let the cutover start.")
    private boolean approved;

    @Default("1048576")
    @Min(0)
    @JsonPropertyDescription("The cutover starts only while replication lag is below this many bytes.")
    private long maxLagBytes = 1_048_576;

    @Default("30")
    @Min(1)
    @JsonPropertyDescription("Longest time source writes stay blocked; past it writes are restored, replication goes on, and the cutover is retried.")
    private int timeoutSeconds = 30;

    @Default("ReadOnly")
    @JsonPropertyDescription("ReadOnly (default): the source tables stay fenced after the cutover. Writable: source writes are restored.")
    private SourceAfterCutover sourceAfterCutover = SourceAfterCutover.ReadOnly;

    @Default("false")
    @JsonPropertyDescription("Same database only: at the cutover the new table takes the old one's name, and the old one gets oldSuffix.")
    private boolean swap;

    @Default("_old")
    @Size(min = 1, max = 63)
    @JsonPropertyDescription("The suffix the old table's name gets at a swap.")
    private String oldSuffix = "_old";

    public CutoverPolicy getPolicy() { return policy; }
    public void setPolicy(CutoverPolicy policy) { this.policy = policy; }
    public boolean isApproved() { return approved; }
    public void setApproved(boolean approved) { this.approved = approved; }
    public long getMaxLagBytes() { return maxLagBytes; }
    public void setMaxLagBytes(long maxLagBytes) { this.maxLagBytes = maxLagBytes; }
    public int getTimeoutSeconds() { return timeoutSeconds; }
    public void setTimeoutSeconds(int timeoutSeconds) { this.timeoutSeconds = timeoutSeconds; }
    public SourceAfterCutover getSourceAfterCutover() { return sourceAfterCutover; }
    public void setSourceAfterCutover(SourceAfterCutover sourceAfterCutover) { this.sourceAfterCutover = sourceAfterCutover; }
    public boolean isSwap() { return swap; }
    public void setSwap(boolean swap) { this.swap = swap; }
    public String getOldSuffix() { return oldSuffix; }
    public void setOldSuffix(String oldSuffix) { this.oldSuffix = oldSuffix; }
}
