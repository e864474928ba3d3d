package io.tablemigrator.worker;

import java.util.Map;

/**
 * Where the worker reads its environment: the process environment in a pod, a map in tests that run the worker
 * in-process.
 */
@FunctionalInterface
public interface WorkerEnv {
    /** Source database URI, from the Secret named by spec.source.urlSecretRef (the Job sets it). */
    String SOURCE_URL = "TM_SOURCE_URL";
    /** Target database URI, from the Secret named by spec.target.urlSecretRef. */
    String TARGET_URL = "TM_TARGET_URL";
    /** Where the one-line error goes for the operator to read; default /dev/termination-log. */
    String TERMINATION_LOG = "TM_TERMINATION_LOG";

    String get(String name);

    static WorkerEnv system() {
        return System::getenv;
    }

    static WorkerEnv of(Map<String, String> values) {
        return values::get;
    }
}
