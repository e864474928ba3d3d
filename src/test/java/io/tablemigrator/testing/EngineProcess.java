package io.tablemigrator.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code migrate}, {@code approve} or {@code cancel} run as a separate process (the jar's own entry point, {@link io.tablemigrator.Main}), with its output
 * in files: a test can kill it with SIGKILL, interrupt it with SIGINT, and read what it printed.
 */
public final class EngineProcess {
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private EngineProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static EngineProcess start(String command, Path manifest, String... options) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), io.tablemigrator.Main.class.getName(),
                command, "-f", manifest.toString()));
        cmd.addAll(List.of(options));
        Path out = Files.createTempFile("engine", ".out");
        Path err = Files.createTempFile("engine", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new EngineProcess(p, out, err);
    }

    /** A manifest file for a migration between two test databases; {@code specYaml} is the rest of the spec. */
    public static Path manifest(String name, TestDb source, TestDb target, String specYaml) throws IOException {
        return manifest(name, source.url(), target.url(), specYaml);
    }

    /** The same between two database URIs, for a migration whose users are not the superuser. */
    public static Path manifest(String name, String sourceUrl, String targetUrl, String specYaml) throws IOException {
        Path file = Files.createTempFile(name, ".yaml");
        Files.writeString(file, "apiVersion: tablemigrator.io/v1alpha1\nkind: TableMigration\nmetadata: {name: " + name
                + ", namespace: test}\nspec:\n  source: {url: \"" + sourceUrl + "\"}\n  target: {url: \""
                + targetUrl + "\"}\n" + specYaml.indent(2));
        return file;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no cleanup, exactly like the OOM killer or a node going away. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGINT, as Ctrl-C sends it (the shell's own kill: a minimal machine may have no kill program). */
    public void interrupt() throws IOException, InterruptedException {
        new ProcessBuilder("sh", "-c", "kill -INT " + process.pid()).start().waitFor();
    }

    /** Waits for the end and returns the exit code. */
    public int exitCode(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the engine process did not end within " + timeoutSeconds + " s; stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
