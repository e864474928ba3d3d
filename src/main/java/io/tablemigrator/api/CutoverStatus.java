package io.tablemigrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The cutover: when it started, how long source writes were blocked, and the source LSN it drained to.
 * attempts and lastError say how many times it was tried and why the last try gave up (writes restored, retried).
 * Written by the worker.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CutoverStatus {
    private String startedAt;
    private Long writesBlockedMillis;
    private String fenceLsn;
    private Integer attempts;
    private String lastError;

    public String getStartedAt() { return startedAt; }
    public void setStartedAt(String startedAt) { this.startedAt = startedAt; }
    public Long getWritesBlockedMillis() { return writesBlockedMillis; }
    public void setWritesBlockedMillis(Long writesBlockedMillis) { this.writesBlockedMillis = writesBlockedMillis; }
    public String getFenceLsn() { return fenceLsn; }
    public void setFenceLsn(String fenceLsn) { this.fenceLsn = fenceLsn; }
    public Integer getAttempts() { return attempts; }
    public void setAttempts(Integer attempts) { this.attempts = attempts; }
    public String getLastError() { return lastError; }
    public void setLastError(String lastError) { this.lastError = lastError; }
}
