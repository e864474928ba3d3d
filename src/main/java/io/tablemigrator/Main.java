package io.tablemigrator;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.tablemigrator.cli.Cli;
import io.tablemigrator.operator.OperatorMain;
import io.tablemigrator.worker.WorkerMain;
import jakarta.inject.Inject;

/**
 * The jar's entry point. The first argument picks the process's one job:
 * {@code operator} reconciles TableMigrations in a cluster, {@code worker} runs one migration's engine inside a
 * Job, and {@code migrate}, {@code approve}, {@code cancel} run the engine from the command line.
 */
@QuarkusMain
public class Main implements QuarkusApplication {

    @Inject
    OperatorMain operator;

    @Inject
    WorkerMain worker;

    @Inject
    Cli cli;

    public static void main(String... args) {
        boolean operatorMode = args.length > 0 && args[0].equals("operator");
        if (!operatorMode) {
            // Only the operator serves HTTP (health probes, metrics); the worker and the command line bind no port,
            // so that several can run side by side. Runtime configuration, so it must be set before Quarkus starts.
            System.setProperty("quarkus.http.host-enabled", "false");
            System.setProperty("quarkus.log.level", System.getProperty("quarkus.log.level", "WARN"));
        }
        Quarkus.run(Main.class, args);
    }

    @Override
    public int run(String... args) {
        String command = args.length == 0 ? "help" : args[0];
        String[] rest = java.util.Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        return switch (command) {
            case "operator" -> operator.run();
            case "worker" -> worker.run(rest);
            default -> cli.run(command, rest);
        };
    }
}
