package io.tablemigrator.worker;

import io.tablemigrator.engine.MigrationError;

/** {@code worker --namespace NS --name NAME}: the TableMigration this worker runs. */
public record WorkerArgs(String namespace, String name) {

    public static WorkerArgs parse(String... args) {
        String namespace = null;
        String name = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            String key = arg;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                key = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[i + 1];
            }
            switch (key) {
                case "--namespace", "-n" -> namespace = value;
                case "--name" -> name = value;
                default -> throw usage("unknown argument " + arg);
            }
            if (eq < 0 || !arg.startsWith("--")) {
                i++;
            }
        }
        if (isBlank(namespace) || isBlank(name)) {
            throw usage("both --namespace and --name are required");
        }
        return new WorkerArgs(namespace, name);
    }

    public String id() {
        return namespace + "/" + name;
    }

    private static MigrationError usage(String problem) {
        return new MigrationError("InvalidArguments", "worker: " + problem
                + "; usage: worker --namespace NAMESPACE --name TABLEMIGRATION (the operator sets these in the Job)");
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
