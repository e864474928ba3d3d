package io.tablemigrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One table's progress and validation result. Written by the worker. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TableStatus {
    private String source;
    private String target;
    private Phase phase;
    private Long rowsCopied;
    private Long rowsEstimated;
    private Long sourceRows;
    private Long targetRows;
    private Boolean checksumMatch;

    public String getSource() { return source; }
    public void setSource(String source) { this.source = source; }
    public String getTarget() { return target; }
    public void setTarget(String target) { this.target = target; }
    public Phase getPhase() { return phase; }
    public void setPhase(Phase phase) { this.phase = phase; }
    public Long getRowsCopied() { return rowsCopied; }
    public void setRowsCopied(Long rowsCopied) { this.rowsCopied = rowsCopied; }
    public Long getRowsEstimated() { return rowsEstimated; }
    public void setRowsEstimated(Long rowsEstimated) { this.rowsEstimated = rowsEstimated; }
    public Long getSourceRows() { return sourceRows; }
    public void setSourceRows(Long sourceRows) { this.sourceRows = sourceRows; }
    public Long getTargetRows() { return targetRows; }
    public void setTargetRows(Long targetRows) { this.targetRows = targetRows; }
    public Boolean getChecksumMatch() { return checksumMatch; }
    public void setChecksumMatch(Boolean checksumMatch) { this.checksumMatch = checksumMatch; }
}
