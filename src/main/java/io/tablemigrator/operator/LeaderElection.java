package io.tablemigrator.operator;

import java.nio.file.Files;
import java.nio.file.Path;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

/**
 * Leader election for two or more operator replicas: one reconciles, the others wait on a Lease in the operator's
 * own namespace. The Operator SDK extension picks this bean up in the prod profile
 * (quarkus.operator-sdk.activate-leader-election-for-profiles); tablemigrator.leader-election.enabled=false turns
 * it off.
 */
public class LeaderElection {
    static final Path SERVICE_ACCOUNT_NAMESPACE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    @Produces
    @Dependent
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        if (!config.leaderElection().enabled()) {
            return null;
        }
        String namespace = config.leaderElection().leaseNamespace().orElseGet(LeaderElection::ownNamespace);
        String identity = System.getenv("POD_NAME");
        return new LeaderElectionConfiguration(config.leaderElection().leaseName(), namespace, identity);
    }

    static String ownNamespace() {
        String env = System.getenv("POD_NAMESPACE");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return Files.readString(SERVICE_ACCOUNT_NAMESPACE).strip();
        } catch (java.io.IOException e) {
            return null; // the Kubernetes client's namespace
        }
    }
}
