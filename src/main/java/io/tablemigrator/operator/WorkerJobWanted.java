package io.tablemigrator.operator;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.tablemigrator.api.TableMigration;

/** The worker Job's reconcile precondition: the reconciler's decision, made before it runs the workflow. */
public class WorkerJobWanted implements Condition<Job, TableMigration> {

    @Override
    public boolean isMet(DependentResource<Job, TableMigration> dependent, TableMigration migration,
            Context<TableMigration> context) {
        return context.managedWorkflowAndDependentResourceContext().get(Decision.KEY, Decision.class)
                .map(Decision::workerWanted).orElse(false);
    }
}
