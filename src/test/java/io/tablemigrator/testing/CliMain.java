package io.tablemigrator.testing;

import java.util.Arrays;

import io.tablemigrator.cli.Cli;

/**
 * The command line in a JVM of its own, without Quarkus: what tests start as a separate process when they need to
 * kill it (SIGKILL) or interrupt it (SIGINT) the way a user or the kernel would.
 */
public final class CliMain {
    private CliMain() {
    }

    public static void main(String[] args) {
        System.exit(new Cli().run(args[0], Arrays.copyOfRange(args, 1, args.length)));
    }
}
