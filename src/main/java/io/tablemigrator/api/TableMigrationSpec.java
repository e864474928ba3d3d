package io.tablemigrator.api;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TableMigrationSpec {

    @Required
    @ValidationRule(value = "self == oldSelf", message = "spec.source cannot change once created; create a new TableMigration")
    @JsonPropertyDescription("The database the tables move from.")
    private DatabaseSpec source;

    @Required
    @ValidationRule(value = "self == oldSelf", message = "spec.target cannot change once created; create a new TableMigration")
    @JsonPropertyDescription("The database the tables move to.")
    private DatabaseSpec target;

    @Default("Online")
    @ValidationRule(value = "self == oldSelf", message = "spec.mode cannot change once created; create a new TableMigration")
    @JsonPropertyDescription("Online (default): copy, replay changes, cut over. Offline: copy only, source writes blocked throughout.")
    private MigrationMode mode = MigrationMode.Online;

    @Required
    @Size(min = 1, max = 1000)
    @ValidationRule(value = "self == oldSelf", message = "spec.tables cannot change once created; create a new TableMigration")
    @JsonPropertyDescription("The tables to move; names are literal identifiers, never parsed as SQL.")
    private List<TableSpec> tables = new ArrayList<>();

    @Default("")
    @Size(max = 63)
    @ValidationRule(value = "self == oldSelf", message = "spec.targetSuffix cannot change once created; create a new TableMigration")
    @JsonPropertyDescription("Appended to each table name on the target unless the table sets targetName.")
    private String targetSuffix = "";

    private CopySpec copy = new CopySpec();
    private CutoverSpec cutover = new CutoverSpec();
    private ValidationSpec validation = new ValidationSpec();
    private SchemaSpec schema = new SchemaSpec();
    private ReplaySpec replay = new ReplaySpec();
    private RollbackSpec rollback = new RollbackSpec();

    @Default("false")
    @JsonPropertyDescription("true pauses the migration (worker stopped, replication slot kept); false resumes it.")
    private boolean suspend;

    @JsonPropertyDescription("Cluster only: how the worker pod runs.")
    private WorkerSpec worker;

    public DatabaseSpec getSource() { return source; }
    public void setSource(DatabaseSpec source) { this.source = source; }
    public DatabaseSpec getTarget() { return target; }
    public void setTarget(DatabaseSpec target) { this.target = target; }
    public MigrationMode getMode() { return mode; }
    public void setMode(MigrationMode mode) { this.mode = mode; }
    public List<TableSpec> getTables() { return tables; }
    public void setTables(List<TableSpec> tables) { this.tables = tables; }
    public String getTargetSuffix() { return targetSuffix; }
    public void setTargetSuffix(String targetSuffix) { this.targetSuffix = targetSuffix; }
    public CopySpec getCopy() { return copy; }
    public void setCopy(CopySpec copy) { this.copy = copy; }
    public CutoverSpec getCutover() { return cutover; }
    public void setCutover(CutoverSpec cutover) { this.cutover = cutover; }
    public ValidationSpec getValidation() { return validation; }
    public void setValidation(ValidationSpec validation) { this.validation = validation; }
    public SchemaSpec getSchema() { return schema; }
    public void setSchema(SchemaSpec schema) { this.schema = schema; }
    public ReplaySpec getReplay() { return replay; }
    public void setReplay(ReplaySpec replay) { this.replay = replay; }
    public RollbackSpec getRollback() { return rollback; }
    public void setRollback(RollbackSpec rollback) { this.rollback = rollback; }
    public boolean isSuspend() { return suspend; }
    public void setSuspend(boolean suspend) { this.suspend = suspend; }
    public WorkerSpec getWorker() { return worker; }
    public void setWorker(WorkerSpec worker) { this.worker = worker; }
}
