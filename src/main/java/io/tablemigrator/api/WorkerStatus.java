package io.tablemigrator.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The worker Job the operator runs. Written by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkerStatus {
    private String jobName;
    private Integer attempts;

    public String getJobName() { return jobName; }
    public void setJobName(String jobName) { this.jobName = jobName; }
    public Integer getAttempts() { return attempts; }
    public void setAttempts(Integer attempts) { this.attempts = attempts; }
}
