package io.tablemigrator;

import java.util.Arrays;

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
 * Job, and every other command ({@code migrate}, {@code approve}, {@code cancel}, {@code help}) is the command line.
 * <p>
 * The command line runs without starting Quarkus: it needs none of the container (no Kubernetes client, no HTTP, no
 * operator), and starting it would cost every command most of a second, which a person typing {@code approve} or a
 * migration timed against psql would pay for nothing.
 */
@QuarkusMain
public class Main implements QuarkusApplication {

    @Inject
    OperatorMain operator;

    @Inject
    WorkerMain worker;

    public static void main(String... args) {
        String command = args.length == 0 ? "help" : args[0];
        if (!command.equals("operator") && !command.equals("worker")) {
            System.exit(Cli.main(command, Arrays.copyOfRange(args, Math.min(1, args.length), args.length)));
        }
        if (command.equals("worker")) {
            // Only the operator serves HTTP (health probes, metrics); a worker binds no port. Runtime configuration,
            // so it must be set before Quarkus starts.
            System.setProperty("quarkus.http.host-enabled", "false");
        }
        Quarkus.run(Main.class, args);
    }

    @Override
    public int run(String... args) {
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return args[0].equals("operator") ? operator.run() : worker.run(rest);
    }
}
