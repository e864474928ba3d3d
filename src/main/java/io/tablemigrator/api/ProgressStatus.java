package io.tablemigrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Copy progress over all tables. Written by the worker. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProgressStatus {
    private Integer percent;
    private Long rowsCopied;
    private Long rowsEstimated;
    private Long bytesCopied;
    private Long rowsPerSecond;
    private Long etaSeconds;

    public Integer getPercent() { return percent; }
    public void setPercent(Integer percent) { this.percent = percent; }
    public Long getRowsCopied() { return rowsCopied; }
    public void setRowsCopied(Long rowsCopied) { this.rowsCopied = rowsCopied; }
    public Long getRowsEstimated() { return rowsEstimated; }
    public void setRowsEstimated(Long rowsEstimated) { this.rowsEstimated = rowsEstimated; }
    public Long getBytesCopied() { return bytesCopied; }
    public void setBytesCopied(Long bytesCopied) { this.bytesCopied = bytesCopied; }
    public Long getRowsPerSecond() { return rowsPerSecond; }
    public void setRowsPerSecond(Long rowsPerSecond) { this.rowsPerSecond = rowsPerSecond; }
    public Long getEtaSeconds() { return etaSeconds; }
    public void setEtaSeconds(Long etaSeconds) { this.etaSeconds = etaSeconds; }
}
