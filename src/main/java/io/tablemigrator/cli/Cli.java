package io.tablemigrator.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.PlanBuilder;
import io.tablemigrator.manifest.ManifestError;
import io.tablemigrator.manifest.ManifestLoader;
import io.tablemigrator.manifest.ManifestLoader.Manifest;

/**
 * The command line: the engine without a cluster. {@code migrate} runs a manifest to the end; {@code approve} and
 * {@code cancel} talk to a migration that runs in another terminal (through its checkpoint on the target).
 * Exit codes: 0 Completed, 1 Failed, 2 unusable input, 130 stopped or cancelled by the user.
 */
public final class Cli {
    static final int COMPLETED = 0;
    static final int FAILED = 1;
    static final int UNUSABLE_INPUT = 2;
    static final int INTERRUPTED = 130;

    private static final String USAGE = """
            usage: java -jar quarkus-run.jar COMMAND -f FILE [options]

            commands:
              migrate -f FILE [--approve-cutover]   run the TableMigration in FILE to the end (or resume it);
                                                    live progress on stderr, the final status as YAML on stdout.
                                                    Ctrl-C once: stop (resumable); twice: cancel.
                                                    --approve-cutover: approve a Manual cutover in advance
              approve -f FILE                       approve the Manual cutover of a migration running elsewhere
              cancel -f FILE                        cancel a migration: drop its slot, publication, fence and
                                                    unfinished target tables (stops it if it is running)

            options: --verbose   the engine's log on stderr too (each stage and how long the one before took)

            exit codes: 0 Completed, 1 Failed, 2 unusable input (the message names the field), 130 interrupted
            """;

    /** The command line's entry point, from {@link io.tablemigrator.Main}: returns the exit code. */
    public static int main(String command, String... args) {
        CliLogging.configure(java.util.Arrays.asList(args).contains("--verbose"));
        return new Cli().run(command, args);
    }

    public int run(String command, String... args) {
        if (command.equals("help") || command.equals("--help") || command.equals("-h")) {
            System.out.print(USAGE);
            return COMPLETED;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            return usageError(e.getMessage());
        }
        Manifest manifest;
        MigrationPlan plan;
        try {
            manifest = ManifestLoader.load(options.file());
            plan = PlanBuilder.build(manifest.id(), manifest.migration().getSpec(), manifest.sourceUrl(), manifest.targetUrl());
        } catch (ManifestError e) {
            System.err.println("tablemigrator: " + options.file() + " cannot be used:");
            e.problems().forEach(p -> System.err.println("  - " + p));
            return UNUSABLE_INPUT;
        } catch (MigrationError e) {
            System.err.println("tablemigrator: " + options.file() + " cannot be used:\n  - " + e.getMessage());
            return UNUSABLE_INPUT;
        }
        return switch (command) {
            case "migrate" -> new MigrateCommand(plan, options.file(), options.approveCutover()).run();
            case "approve" -> RemoteCommands.approve(plan);
            case "cancel" -> RemoteCommands.cancel(plan);
            default -> usageError("unknown command '" + command + "'");
        };
    }

    private static int usageError(String problem) {
        System.err.println("tablemigrator: " + problem);
        System.err.print(USAGE);
        return UNUSABLE_INPUT;
    }

    /** The options every command takes. */
    record Options(Path file, boolean approveCutover) {
        static Options parse(String... args) {
            Path file = null;
            boolean approve = false;
            List<String> rest = new ArrayList<>(List.of(args));
            while (!rest.isEmpty()) {
                String arg = rest.remove(0);
                switch (arg) {
                    case "-f", "--file" -> {
                        if (rest.isEmpty()) {
                            throw new IllegalArgumentException(arg + " needs a file name");
                        }
                        file = Path.of(rest.remove(0));
                    }
                    case "--approve-cutover" -> approve = true;
                    case "--verbose" -> {
                        // read by main(), before anything logs
                    }
                    default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
                }
            }
            if (file == null) {
                throw new IllegalArgumentException("-f FILE is required: the TableMigration manifest");
            }
            return new Options(file, approve);
        }
    }
}
