package io.tablemigrator.operator;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.tablemigrator.api.Phase;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.api.TableMigrationStatus;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.PlanBuilder;
import io.tablemigrator.worker.MigrationRunner;
import jakarta.inject.Inject;

/**
 * Reconciles TableMigrations: observe (the Job, its pods, Secrets), decide (pure {@link Decider}), act (the Job
 * dependent through the workflow), report (pure {@link StatusAggregator}, then one merge patch of the operator's
 * own status fields, Events and metrics). It never moves rows. On delete, its {@link Cleaner} half stops the
 * worker and removes what the migration made on the source (slot, publication, fence).
 * <p>
 * generationAwareEventProcessing is off: the worker's status patches (which do not change the generation) must
 * wake the operator, which derives the phase and conditions from them.
 */
@ControllerConfiguration(name = TableMigrationReconciler.NAME, generationAwareEventProcessing = false)
@Workflow(explicitInvocation = true, dependents = @Dependent(name = "worker-job", type = WorkerJobDependent.class,
        reconcilePrecondition = WorkerJobWanted.class))
public class TableMigrationReconciler implements Reconciler<TableMigration>, Cleaner<TableMigration> {
    public static final String NAME = "tablemigration";
    private static final Logger LOG = Logger.getLogger(TableMigrationReconciler.class);
    static final Duration POLL = Duration.ofSeconds(2);

    @Inject
    OperatorConfig config;
    @Inject
    SecretResolver secrets;
    @Inject
    StatusWriter statusWriter;
    @Inject
    MigrationEvents events;
    @Inject
    MigrationMetrics metrics;
    @Inject
    MigrationRunner engine;
    @Inject
    WorkerSettingsProvider settings;

    /** When the paused lag was last read from each migration's source (uid), so that it is read every so often only. */
    private final Map<String, Instant> lagReadAt = new ConcurrentHashMap<>();

    @Override
    public List<EventSource<?, TableMigration>> prepareEventSources(EventSourceContext<TableMigration> context) {
        // worker pods: their termination messages, and whether an old worker still runs
        var pods = InformerEventSourceConfiguration.from(Pod.class, TableMigration.class)
                .withName("worker-pods")
                .withLabelSelector(WorkerJobs.SELECTOR)
                .withSecondaryToPrimaryMapper((Pod pod) -> {
                    Map<String, String> annotations = pod.getMetadata().getAnnotations();
                    String name = annotations == null ? null : annotations.get(WorkerJobs.ANNOTATION_MIGRATION);
                    return name == null ? Set.of() : Set.of(new ResourceID(name, pod.getMetadata().getNamespace()));
                })
                .build();
        return List.of(new InformerEventSource<>(pods, context));
    }

    @Override
    public UpdateControl<TableMigration> reconcile(TableMigration migration, Context<TableMigration> context) {
        if (migration.getSpec() == null) {
            // the CRD requires its fields, but not spec itself: report it like any other invalid spec
            migration.setSpec(new io.tablemigrator.api.TableMigrationSpec());
        }
        if (recordIdentity(migration, context)) {
            return UpdateControl.noUpdate(); // the annotation's own event brings the next round
        }
        Instant now = Instant.now();
        Job job = context.getSecondaryResource(Job.class).orElse(null);
        List<Pod> pods = List.copyOf(context.getSecondaryResources(Pod.class));
        int previousAttempts = previousAttempts(migration);
        WorkerState worker = WorkerState.of(job, pods, previousAttempts);
        List<Pod> otherLive = pods.stream().filter(WorkerState::isLive)
                .filter(p -> job == null || !WorkerState.ownedBy(p, job))
                .sorted(Comparator.comparing(p -> p.getMetadata().getName())).toList();

        Problem prerequisites = Decider.mayStart(migration, worker) && otherLive.isEmpty()
                ? secrets.prerequisites(migration, serviceAccount(migration)) : null;
        Problem podProblem = WorkerState.podProblem(job, pods);
        boolean jobOutdated = podProblem != null && !WorkerJobs.runsAsDesired(job, WorkerJobs.desired(migration, settings.get()));
        Decision decision = Decider.decide(new Decider.Inputs(migration, worker, otherLive, prerequisites,
                podProblem, jobOutdated, now,
                config.retry().minDelay(), config.retry().maxDelay(), config.podStopTimeout()));

        context.managedWorkflowAndDependentResourceContext().put(Decision.KEY, decision);
        context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();

        if (worker.kind() == WorkerState.Kind.NONE && decision.workerWanted()) {
            Job created = context.getSecondaryResource(Job.class).orElse(null);
            if (created != null) {
                worker = WorkerState.of(created, List.of(), previousAttempts);
                events.normal(migration, "WorkerStarted", "Started worker Job " + created.getMetadata().getName() + ".");
            }
        } else if (worker.kind() != WorkerState.Kind.NONE && !decision.workerWanted()) {
            worker = WorkerState.none(worker.attempts());
        }

        boolean paused = migration.getSpec().isSuspend() && !Decider.isCompleted(migration);
        Long pausedLag = paused && otherLive.isEmpty() && job == null ? pausedLag(migration, now) : null;
        TableMigrationStatus mine = StatusAggregator.aggregate(migration, worker, decision, pausedLag, now);
        write(migration, mine);

        Duration requeue = decision.requeueAfter();
        if (paused) {
            requeue = min(requeue, config.pausedLagInterval());
        }
        if (!otherLive.isEmpty() || (Conditions.isTrue(mine.getConditions(), Conditions.DEGRADED)
                && worker.kind() == WorkerState.Kind.RUNNING)) {
            requeue = min(requeue, Duration.ofSeconds(10)); // to notice a recovery, or a stuck pod
        }
        UpdateControl<TableMigration> control = UpdateControl.noUpdate();
        if (requeue != null) {
            control.rescheduleAfter(Math.max(requeue.toMillis(), 200));
        }
        return control;
    }

    @Override
    public DeleteControl cleanup(TableMigration migration, Context<TableMigration> context) {
        Instant now = Instant.now();
        // 1. stop the worker: the Job goes, Kubernetes sends SIGTERM to its pod, the engine stops cleanly
        for (Job job : context.getSecondaryResources(Job.class)) {
            context.getClient().resource(job).withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        }
        List<Pod> live = context.getSecondaryResources(Pod.class).stream().filter(WorkerState::isLive).toList();
        Instant deleting = WorkerState.parse(migration.getMetadata().getDeletionTimestamp());
        boolean waitedLongEnough = deleting != null && now.isAfter(deleting.plus(config.podStopTimeout()));
        if (!live.isEmpty() && !waitedLongEnough) {
            // a worker still holds the slot; cleaning up under it would race with its last writes
            Decision waiting = new Decision(false, null, "Deleting: waiting for worker pod "
                    + live.get(0).getMetadata().getName() + " to stop, then removing the replication slot, publication"
                    + " and fence from the source.", null, POLL);
            try {
                write(migration, StatusAggregator.aggregate(migration, WorkerState.none(previousAttempts(migration)),
                        waiting, null, now));
            } catch (RuntimeException e) {
                LOG.debugf("Could not report the deletion of %s: %s", migration.getMetadata().getName(), e.getMessage());
            }
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(POLL.toMillis());
        }
        // 2. remove the slot, publication, fence and half-built target tables (the engine keeps a completed
        //    migration's result: its target tables, and the fence it was asked to keep with ReadOnly)
        boolean completed = Decider.isCompleted(migration);
        if (migration.getSpec() == null || !io.tablemigrator.api.SpecValidator.problems(migration.getSpec()).isEmpty()) {
            // a spec that never named two databases and tables never started a worker: nothing to remove
            return forget(migration);
        }
        MigrationPlan plan;
        try {
            plan = secrets.plan(migration);
        } catch (MigrationError e) {
            // Without the Secret there is no way to reach the source, and it will not come back by waiting:
            // the TableMigration is let go, with a warning that says what to remove by hand.
            MigrationPlan names = PlanBuilder.build(migration.getMetadata().getNamespace() + "/" + migration.getMetadata().getName(),
                    migration.getSpec(), "postgresql://localhost/unknown", "postgresql://localhost/unknown");
            events.warning(migration, "CleanupSkipped", e.getMessage() + " The source cannot be reached without it, so"
                    + " nothing was removed there: drop the replication slot " + names.slotName() + " and the publication "
                    + names.publicationName() + " on the source, and the fence " + names.fenceName()
                    + " if its tables are read-only.");
            return forget(migration);
        }
        try {
            engine.cancel(plan);
        } catch (RuntimeException e) {
            String why = e instanceof MigrationError me ? me.getMessage()
                    : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            if (completed) {
                // only the checkpoint on the target is left to remove: not worth holding the deletion for
                events.warning(migration, "CleanupSkipped", "Could not remove the finished migration's checkpoint"
                        + " from the target (" + why + "); drop it by hand if you like: schema tablemigrator on the target.");
                return forget(migration);
            }
            Duration delay = Backoff.delay(Decider.degradedSince(migration), now, config.retry().minDelay(), config.retry().maxDelay());
            Problem problem = new Problem("CleanupFailed", "Deleting: cannot remove the replication slot, publication"
                    + " and fence from the source yet (" + why + ") The TableMigration is deleted once they are removed;"
                    + " to give up instead, remove the finalizer: kubectl patch tm " + migration.getMetadata().getName()
                    + " -n " + migration.getMetadata().getNamespace() + " --type merge -p '{\"metadata\":{\"finalizers\":null}}'.");
            Decision decision = new Decision(false, problem, null, "retrying at "
                    + now.plus(delay).truncatedTo(java.time.temporal.ChronoUnit.SECONDS), delay);
            TableMigrationStatus mine = StatusAggregator.aggregate(migration, WorkerState.none(previousAttempts(migration)),
                    decision, null, now);
            try {
                write(migration, mine);
            } catch (RuntimeException patchFailed) {
                LOG.debugf("Could not report the failed cleanup of %s: %s", plan.id(), patchFailed.getMessage());
            }
            return DeleteControl.noFinalizerRemoval().rescheduleAfter(delay.toMillis());
        }
        events.normal(migration, "CleanedUp", completed
                ? "Removed the finished migration's checkpoint; its target tables stay, and so does the source fence"
                        + " if sourceAfterCutover is ReadOnly."
                : "Removed the replication slot " + plan.slotName() + ", the publication " + plan.publicationName()
                        + ", any fence on the source and the unfinished target tables.");
        return forget(migration);
    }

    private DeleteControl forget(TableMigration migration) {
        secrets.forget(migration);
        metrics.remove(migration);
        if (migration.getMetadata().getUid() != null) {
            lagReadAt.remove(migration.getMetadata().getUid());
        }
        return DeleteControl.defaultDelete();
    }

    /** Records the spec's identity on first sight (see {@link SpecIdentity}); true when it patched the resource. */
    private boolean recordIdentity(TableMigration migration, Context<TableMigration> context) {
        Map<String, String> annotations = migration.getMetadata().getAnnotations();
        if (annotations != null && annotations.containsKey(SpecIdentity.ANNOTATION)) {
            return false;
        }
        if (!io.tablemigrator.api.SpecValidator.problems(migration.getSpec()).isEmpty()) {
            return false; // an invalid spec is reported; its identity is recorded once it is fixed
        }
        String patch = StatusWriter.json(Map.of("metadata", Map.of("annotations",
                Map.of(SpecIdentity.ANNOTATION, SpecIdentity.of(migration.getSpec())))));
        context.getClient().resources(TableMigration.class).inNamespace(migration.getMetadata().getNamespace())
                .withName(migration.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        return true;
    }

    private void write(TableMigration migration, TableMigrationStatus mine) {
        TableMigrationStatus before = migration.getStatus() == null ? new TableMigrationStatus() : migration.getStatus();
        if (statusWriter.write(migration, mine)) {
            announce(migration, before, mine);
        }
        metrics.update(migration, before, mine.getPhase());
    }

    /** Events for what changed: the phase, and problems appearing, changing or going away. */
    private void announce(TableMigration migration, TableMigrationStatus before, TableMigrationStatus after) {
        if (after.getPhase() != before.getPhase()) {
            if (after.getPhase() == Phase.Failed) {
                events.warning(migration, "Failed", after.getMessage());
            } else {
                events.normal(migration, after.getPhase().name(), after.getMessage());
            }
        }
        var was = Conditions.find(before.getConditions(), Conditions.DEGRADED).filter(c -> "True".equals(c.getStatus()));
        var is = Conditions.find(after.getConditions(), Conditions.DEGRADED).filter(c -> "True".equals(c.getStatus()));
        if (is.isPresent() && (was.isEmpty() || !Objects.equals(was.get().getReason(), is.get().getReason()))) {
            events.warning(migration, is.get().getReason(), is.get().getMessage());
        } else if (is.isEmpty() && was.isPresent()) {
            events.normal(migration, "Recovered", "No longer degraded (was " + was.get().getReason() + ").");
        }
    }

    /** The slot's lag read from the source while paused, at most every tablemigrator.paused-lag-interval. */
    private Long pausedLag(TableMigration migration, Instant now) {
        String uid = migration.getMetadata().getUid() == null ? migration.getMetadata().getName() : migration.getMetadata().getUid();
        Instant last = lagReadAt.get(uid);
        if (last != null && now.isBefore(last.plus(config.pausedLagInterval()))) {
            return null;
        }
        lagReadAt.put(uid, now);
        try {
            var lag = engine.pausedLagBytes(secrets.plan(migration));
            return lag.isPresent() ? lag.getAsLong() : null;
        } catch (RuntimeException e) {
            LOG.debugf("Cannot read the paused lag of %s/%s: %s", migration.getMetadata().getNamespace(),
                    migration.getMetadata().getName(), e.getMessage());
            return null;
        }
    }

    private String serviceAccount(TableMigration migration) {
        var worker = migration.getSpec().getWorker();
        return worker != null && worker.getServiceAccountName() != null && !worker.getServiceAccountName().isBlank()
                ? worker.getServiceAccountName() : settings.get().serviceAccount();
    }

    private static int previousAttempts(TableMigration migration) {
        return migration.getStatus() == null || migration.getStatus().getWorker() == null
                || migration.getStatus().getWorker().getAttempts() == null ? 0 : migration.getStatus().getWorker().getAttempts();
    }

    private static Duration min(Duration a, Duration b) {
        return a == null ? b : b == null ? a : a.compareTo(b) <= 0 ? a : b;
    }
}
