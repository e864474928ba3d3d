package io.tablemigrator.operator;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the operator and the worker Jobs it launches (application.properties, env TABLEMIGRATOR_*). */
@ConfigMapping(prefix = "tablemigrator")
public interface OperatorConfig {

    Worker worker();

    Retry retry();

    /** How often the operator reads the replication slot's lag from the source while a migration is paused. */
    @WithDefault("10s")
    Duration pausedLagInterval();

    /**
     * How long the operator waits for a stopping worker pod before it acts anyway (cleanup on delete; starting a
     * new worker): a pod stuck on a dead node must not block forever.
     */
    @WithDefault("120s")
    Duration podStopTimeout();

    LeaderElection leaderElection();

    interface Worker {
        /** Worker image; default: the operator's own image, read from its pod (env POD_NAME, POD_NAMESPACE). */
        Optional<String> image();

        /** Used when neither is known (the operator runs outside a cluster). */
        @WithDefault("ghcr.io/tablemigrator/tablemigrator:latest")
        String fallbackImage();

        @WithDefault("IfNotPresent")
        String imagePullPolicy();

        /** Crashed worker pods the Job replaces before the migration is Failed. */
        @WithDefault("3")
        int backoffLimit();

        /** The service account worker pods run as unless spec.worker.serviceAccountName says otherwise. */
        @WithDefault("tablemigrator-worker")
        String serviceAccount();

        @WithDefault("250m")
        String cpuRequest();

        @WithDefault("512Mi")
        String memoryRequest();

        @WithDefault("1Gi")
        String memoryLimit();

        /** Worker side: how often it publishes its status and reads its TableMigration (approval, suspend). */
        @WithDefault("2s")
        Duration publishInterval();
    }

    /** After a fixable failure (exit 2, missing Secret) the operator retries after a delay doubling from min to max. */
    interface Retry {
        @WithDefault("10s")
        Duration minDelay();

        @WithDefault("5m")
        Duration maxDelay();
    }

    interface LeaderElection {
        /** Two operator replicas are safe with this on (the prod profile); tests run one. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("tablemigrator-operator")
        String leaseName();

        /** Default: the operator's own namespace (env POD_NAMESPACE, else the service account's namespace). */
        Optional<String> leaseNamespace();
    }
}
