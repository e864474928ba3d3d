package io.tablemigrator.operator;

import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.Quarkus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Operator mode: starts the reconcilers and serves health and metrics until the process is stopped. */
@ApplicationScoped
public class OperatorMain {

    @Inject
    Operator operator;

    public int run() {
        operator.start();
        Quarkus.waitForExit();
        return 0;
    }
}
