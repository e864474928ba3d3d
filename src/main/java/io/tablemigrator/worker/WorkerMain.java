package io.tablemigrator.worker;

import java.time.Duration;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Worker mode: runs one migration's engine inside the Job the operator launched.
 * <p>
 * Contract (docs/kubernetes.md, docs/architecture.md): args {@code worker --namespace NS --name NAME}; database URIs
 * from env {@code TM_SOURCE_URL} / {@code TM_TARGET_URL} (or the spec's inline url); writes only the worker-owned
 * status fields (progress, tables, replication, cutover) with JSON merge patches; SIGTERM stops the engine cleanly
 * (slot kept). Exit codes: 0 Completed; 2 fixable error; 3 permanent failure; 143 stopped before the end (SIGTERM,
 * suspend, delete); 1 unexpected crash. On 1, 2 and 3 the line {@code Reason: message} goes to the termination log.
 */
@ApplicationScoped
public class WorkerMain {

    @Inject
    KubernetesClient client;

    @Inject
    MigrationRunner runner;

    @ConfigProperty(name = "tablemigrator.worker.publish-interval", defaultValue = "2s")
    Duration publishInterval;

    public int run(String... args) {
        WorkerRun run = prepare(WorkerEnv.system(), args);
        SignalHandler previous = null;
        try {
            // SIGTERM (pod deletion, eviction, suspend) asks the engine to stop at its next safe point; the main
            // thread then publishes the final status and exits. The JVM's own handler would run shutdown hooks that
            // close the Kubernetes client under the still-running engine.
            previous = Signal.handle(new Signal("TERM"), signal -> run.requestStop());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no signal support: a plain kill still stops the process, only less gracefully
        }
        try {
            return run.execute();
        } finally {
            if (previous != null) {
                Signal.handle(new Signal("TERM"), previous);
            }
        }
    }

    /** One run of the worker with this environment; tests call this to run a worker in-process. */
    public WorkerRun prepare(WorkerEnv env, String... args) {
        return new WorkerRun(client, runner, env, publishInterval, args);
    }
}
