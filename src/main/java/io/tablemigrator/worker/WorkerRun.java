package io.tablemigrator.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tablemigrator.api.DatabaseSpec;
import io.tablemigrator.api.SpecValidator;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.api.TableMigrationSpec;
import io.tablemigrator.engine.MigrationControl;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.Outcome;
import io.tablemigrator.engine.PlanBuilder;
import io.tablemigrator.engine.StatusBoard;
import io.tablemigrator.operator.SpecIdentity;

/** One run of the worker: read the migration, run the engine, publish status, exit with a code the Job reads. */
public final class WorkerRun {
    public static final int EXIT_COMPLETED = 0;
    public static final int EXIT_CRASHED = 1;
    public static final int EXIT_FIXABLE = 2;
    public static final int EXIT_PERMANENT = 3;
    /** Stopped before the end (SIGTERM, suspend, delete): 128 + SIGTERM, as a shell reports it. */
    public static final int EXIT_STOPPED = 143;
    static final String DEFAULT_TERMINATION_LOG = "/dev/termination-log";
    /** Kubernetes keeps at most 4096 bytes of a termination message. */
    static final int TERMINATION_LOG_LIMIT = 4096;

    private final KubernetesClient client;
    private final MigrationRunner runner;
    private final WorkerEnv env;
    private final Duration publishInterval;
    private final String[] args;
    private final Control control = new Control();
    private volatile StatusPublisher publisher;

    WorkerRun(KubernetesClient client, MigrationRunner runner, WorkerEnv env, Duration publishInterval, String[] args) {
        this.client = client;
        this.runner = runner;
        this.env = env;
        this.publishInterval = publishInterval;
        this.args = args.clone();
    }

    /** Asks the engine to stop at its next safe point, keeping the slot (SIGTERM). */
    public void requestStop() {
        control.stop = true;
    }

    /** Runs to the end and returns the process exit code. */
    public int execute() {
        ScheduledExecutorService ticker = null;
        try {
            WorkerArgs where = WorkerArgs.parse(args);
            TableMigration migration = fetch(where);
            TableMigrationSpec spec = migration.getSpec();
            check(spec, migration);
            MigrationPlan plan = PlanBuilder.build(where.id(), spec,
                    url(spec.getSource(), WorkerEnv.SOURCE_URL, "source"),
                    url(spec.getTarget(), WorkerEnv.TARGET_URL, "target"));
            StatusBoard board = new StatusBoard(plan.tables());
            control.approved = approved(spec);
            publisher = new StatusPublisher(client, where, board);
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "worker-status-" + where.name());
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleWithFixedDelay(this::tick, publishInterval.toMillis(), publishInterval.toMillis(),
                    TimeUnit.MILLISECONDS);
            log("running " + where.id() + " (" + spec.getMode() + ", " + plan.tables().size() + " table"
                    + (plan.tables().size() == 1 ? "" : "s") + ") from " + plan.source().redacted() + " to "
                    + plan.target().redacted());

            Outcome outcome = runner.run(plan, control, board);

            stop(ticker);
            publisher.publish(true);
            if (outcome == Outcome.COMPLETED) {
                log("completed " + where.id());
                return EXIT_COMPLETED;
            }
            log("stopped " + where.id() + " (" + outcome.name().toLowerCase() + "); a new run resumes from the checkpoint");
            return EXIT_STOPPED;
        } catch (MigrationError e) {
            stop(ticker);
            publishQuietly();
            terminationMessage(e.reason() + ": " + e.getMessage());
            return e.isPermanent() ? EXIT_PERMANENT : EXIT_FIXABLE;
        } catch (RuntimeException e) {
            stop(ticker);
            publishQuietly();
            // no stack trace in the status: the pod log has it
            e.printStackTrace();
            terminationMessage("WorkerCrashed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + " (an unexpected error; the pod log has the stack trace).");
            return EXIT_CRASHED;
        }
    }

    private TableMigration fetch(WorkerArgs where) {
        TableMigration migration;
        try {
            migration = client.resources(TableMigration.class).inNamespace(where.namespace()).withName(where.name()).get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 401 || e.getCode() == 403) {
                throw new MigrationError("WorkerForbidden", "The worker may not read TableMigration " + where.id()
                        + " (HTTP " + e.getCode() + "). Bind its service account to the ClusterRole tablemigrator-worker: "
                        + "kubectl -n " + where.namespace() + " create rolebinding tablemigrator-worker"
                        + " --clusterrole=tablemigrator-worker --serviceaccount=" + where.namespace()
                        + ":tablemigrator-worker", e);
            }
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new MigrationError("ApiServerUnreachable", "Cannot read TableMigration " + where.id()
                    + " from the Kubernetes API: " + (e.getCode() > 0 ? "HTTP " + e.getCode() + " " : "")
                    + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + firstLine(root.getMessage()))
                    + ". The operator starts a new worker after a delay.", e);
        }
        if (migration == null) {
            throw new MigrationError("TableMigrationNotFound", "TableMigration " + where.id()
                    + " does not exist (deleted while this worker started); nothing to do.");
        }
        return migration;
    }

    private static void check(TableMigrationSpec spec, TableMigration migration) {
        List<String> problems = SpecValidator.problems(spec);
        if (!problems.isEmpty()) {
            throw new MigrationError("InvalidSpec", String.join("; ", problems) + ".");
        }
        String recorded = migration.getMetadata().getAnnotations() == null ? null
                : migration.getMetadata().getAnnotations().get(SpecIdentity.ANNOTATION);
        List<String> changed = SpecIdentity.changedFields(recorded, spec);
        if (!changed.isEmpty()) {
            throw new MigrationError("SpecChangeRejected", SpecIdentity.refusal(changed));
        }
    }

    private String url(DatabaseSpec db, String variable, String side) {
        if (db.getUrl() != null) {
            return db.getUrl();
        }
        String value = env.get(variable);
        if (value == null || value.isBlank()) {
            throw new MigrationError("SecretKeyNotFound", "The " + side + " database URI is missing: environment variable "
                    + variable + " is empty, so key " + db.getUrlSecretRef().key() + " of Secret "
                    + db.getUrlSecretRef().name() + " is missing or empty. Create it with: kubectl create secret generic "
                    + db.getUrlSecretRef().name() + " --from-literal=" + db.getUrlSecretRef().key()
                    + "='postgresql://USER:PASSWORD@HOST:5432/DB'");
        }
        return value.trim();
    }

    private static boolean approved(TableMigrationSpec spec) {
        return spec.getCutover() != null && spec.getCutover().isApproved();
    }

    /** Every publish interval: pick up spec changes the engine must see, then publish the status if it changed. */
    private void tick() {
        StatusPublisher p = publisher;
        if (p == null) {
            return;
        }
        try {
            TableMigration now = client.resources(TableMigration.class).inNamespace(p.where().namespace())
                    .withName(p.where().name()).get();
            if (now == null || now.getMetadata().getDeletionTimestamp() != null) {
                // deleted: stop; the operator's finalizer removes what the migration made once this pod is gone
                control.stop = true;
            } else if (now.getSpec() != null) {
                control.approved = approved(now.getSpec());
                if (now.getSpec().isSuspend()) {
                    control.stop = true;
                }
            }
            p.publish(false);
        } catch (RuntimeException e) {
            // the API server may be briefly away; the next tick tries again, and the engine goes on meanwhile
            log("could not reach the Kubernetes API: " + firstLine(e.getMessage()));
        }
    }

    private void publishQuietly() {
        StatusPublisher p = publisher;
        if (p == null) {
            return;
        }
        try {
            p.publish(true);
        } catch (RuntimeException e) {
            log("could not publish the final status: " + firstLine(e.getMessage()));
        }
    }

    private static void stop(ScheduledExecutorService ticker) {
        if (ticker == null) {
            return;
        }
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void terminationMessage(String text) {
        // one line: the operator shows it as the reason and message of a condition
        String line = text.replaceAll("\\s*\\R\\s*", " ").strip();
        System.err.println(line);
        String path = env.get(WorkerEnv.TERMINATION_LOG);
        Path file = Path.of(path == null || path.isBlank() ? DEFAULT_TERMINATION_LOG : path);
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > TERMINATION_LOG_LIMIT) {
            bytes = java.util.Arrays.copyOf(bytes, TERMINATION_LOG_LIMIT);
        }
        try {
            Files.write(file, bytes);
        } catch (IOException | UnsupportedOperationException e) {
            System.err.println("(could not write the termination log " + file + ": " + e.getMessage() + ")");
        }
    }

    private static void log(String line) {
        System.err.println("tablemigrator worker: " + line);
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** What the engine asks the driver; set from the TableMigration (approval, suspend, delete) and SIGTERM. */
    static final class Control implements MigrationControl {
        volatile boolean approved;
        volatile boolean stop;

        @Override
        public boolean cutoverApproved() {
            return approved;
        }

        @Override
        public boolean stopRequested() {
            return stop;
        }

        @Override
        public boolean cancelRequested() {
            // cancelling (dropping what the migration made) is the operator's finalizer's job, done once no
            // worker runs; a worker only ever stops
            return false;
        }
    }
}
