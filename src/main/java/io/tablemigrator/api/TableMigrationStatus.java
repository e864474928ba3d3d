package io.tablemigrator.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;

/**
 * What a migration has done. Two writers share it, each with its own fields (DESIGN.md, invariant 5):
 * the operator writes phase, observedGeneration, conditions, message, startedAt, completedAt and worker;
 * the worker (the engine) writes progress, tables, replication, cutover, warnings and rollback.
 * Unset fields stay null so that a merge patch from one writer never touches the other's.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TableMigrationStatus {
    private Phase phase;
    private Long observedGeneration;
    private List<Condition> conditions;
    @JsonPropertyDescription("What is happening now, or what to fix.")
    private String message;
    private String startedAt;
    private String completedAt;
    private ProgressStatus progress;
    private List<TableStatus> tables;
    private ReplicationStatus replication;
    private CutoverStatus cutover;
    private WorkerStatus worker;
    @JsonPropertyDescription("What the migration did not carry, and why (for example objects that refer to a role missing on the target).")
    private List<String> warnings;
    private RollbackStatus rollback;

    public Phase getPhase() { return phase; }
    public void setPhase(Phase phase) { this.phase = phase; }
    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
    public List<Condition> getConditions() { return conditions; }
    public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
    public String getStartedAt() { return startedAt; }
    public void setStartedAt(String startedAt) { this.startedAt = startedAt; }
    public String getCompletedAt() { return completedAt; }
    public void setCompletedAt(String completedAt) { this.completedAt = completedAt; }
    public ProgressStatus getProgress() { return progress; }
    public void setProgress(ProgressStatus progress) { this.progress = progress; }
    public List<TableStatus> getTables() { return tables; }
    public void setTables(List<TableStatus> tables) { this.tables = tables; }
    public ReplicationStatus getReplication() { return replication; }
    public void setReplication(ReplicationStatus replication) { this.replication = replication; }
    public CutoverStatus getCutover() { return cutover; }
    public void setCutover(CutoverStatus cutover) { this.cutover = cutover; }
    public WorkerStatus getWorker() { return worker; }
    public void setWorker(WorkerStatus worker) { this.worker = worker; }
    public List<String> getWarnings() { return warnings; }
    public void setWarnings(List<String> warnings) { this.warnings = warnings; }
    public RollbackStatus getRollback() { return rollback; }
    public void setRollback(RollbackStatus rollback) { this.rollback = rollback; }

    /** The conditions list, created on first use. */
    public List<Condition> conditions() {
        if (conditions == null) {
            conditions = new ArrayList<>();
        }
        return conditions;
    }
}
