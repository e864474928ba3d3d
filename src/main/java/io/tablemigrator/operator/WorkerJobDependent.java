package io.tablemigrator.operator;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.tablemigrator.api.TableMigration;
import jakarta.inject.Inject;

/**
 * The worker Job, owned by its TableMigration (ownerReference: deleting the migration deletes it). Created when
 * the decision wants a worker and there is none; never updated (a Job's pod template is immutable; new settings
 * apply to the next Job); deleted when the decision no longer wants it (suspend, retry after a fixable failure).
 */
@KubernetesDependent(informer = @Informer(labelSelector = WorkerJobs.SELECTOR))
public class WorkerJobDependent extends KubernetesDependentResource<Job, TableMigration>
        implements Creator<Job, TableMigration>, GarbageCollected<TableMigration> {

    @Inject
    WorkerSettingsProvider settings;

    public WorkerJobDependent() {
        super(Job.class);
    }

    @Override
    protected Job desired(TableMigration migration, Context<TableMigration> context) {
        return WorkerJobs.desired(migration, settings.get());
    }
}
