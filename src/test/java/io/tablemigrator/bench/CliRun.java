package io.tablemigrator.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Our side of a figure: the command line jar run as its own process, exactly as a user runs it
 * ({@code java -jar target/quarkus-app/quarkus-run.jar migrate -f FILE}), with the engine's INFO log lines on so
 * that each stage can be timed as it is entered. Every stderr line is time-stamped on arrival, and the process's
 * peak resident set (VmHWM in /proc/PID/status) is sampled while it runs.
 */
final class CliRun implements AutoCloseable {
    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    /** JVM options for the CLI (-Dbench.cliOpts="-Xmx256m"); none by default, as a user runs it. */
    static final List<String> JVM_OPTIONS = System.getProperty("bench.cliOpts", "").isBlank() ? List.of()
            : List.of(System.getProperty("bench.cliOpts").trim().split("\\s+"));
    private static final long RSS_SAMPLE_MILLIS = 50;

    /** One line the process printed on stderr, and when the harness read it. */
    record Line(long nanos, String text) {
    }

    private final Process process;
    private final long startedNanos;
    private final List<Line> lines = new ArrayList<>();
    private final StringBuilder stdout = new StringBuilder();
    private final Path log;
    private volatile long peakRssKb;
    private volatile long exitedNanos;
    private final List<Thread> readers = new ArrayList<>();

    private CliRun(Process process, long startedNanos, Path log) {
        this.process = process;
        this.startedNanos = startedNanos;
        this.log = log;
    }

    /** Starts {@code java -jar quarkus-run.jar COMMAND -f MANIFEST}; stderr is also kept in {@code log}. */
    static CliRun start(String command, Path manifest, Path log) {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: build it first (make build)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(JVM_OPTIONS);
        cmd.addAll(List.of("-jar", JAR.toString(), command, "-f", manifest.toString(), "--verbose"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        long started = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + JAR, e);
        }
        CliRun run = new CliRun(p, started, log);
        run.readers.add(run.daemon("stderr", () -> run.readStderr(p.getErrorStream())));
        run.readers.add(run.daemon("stdout", () -> run.readStdout(p.getInputStream())));
        run.daemon("rss", run::sampleRss);
        return run;
    }

    private Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, "cli-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void readStderr(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
             var out = Files.newBufferedWriter(log)) {
            String line;
            while ((line = r.readLine()) != null) {
                long now = System.nanoTime();
                synchronized (lines) {
                    lines.add(new Line(now, line));
                    lines.notifyAll();
                }
                out.write(String.format("%8.3f %s%n", (now - startedNanos) / 1e9, line));
                out.flush();
            }
        } catch (IOException ignored) {
            // the process ended
        } finally {
            synchronized (lines) {
                lines.notifyAll();
            }
        }
    }

    private void readStdout(InputStream in) {
        try {
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            synchronized (stdout) {
                stdout.append(all);
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private void sampleRss() {
        Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
        while (process.isAlive()) {
            try {
                for (String l : Files.readAllLines(status)) {
                    if (l.startsWith("VmHWM:")) {
                        long kb = Long.parseLong(l.replaceAll("\\D", ""));
                        peakRssKb = Math.max(peakRssKb, kb);
                    }
                }
            } catch (IOException | RuntimeException e) {
                return; // gone, or no /proc on this system
            }
            // the sampling period; nothing waits on it
            java.util.concurrent.locks.LockSupport.parkNanos(RSS_SAMPLE_MILLIS * 1_000_000L);
        }
    }

    long startedNanos() {
        return startedNanos;
    }

    /** From the start of the process to its exit, in seconds: the whole command as a user waits for it. */
    double wallSeconds() {
        if (exitedNanos == 0) {
            throw new IllegalStateException("still running");
        }
        return (exitedNanos - startedNanos) / 1e9;
    }

    /**
     * Waits until a stderr line matches, and returns when it was read (System.nanoTime()).
     *
     * @throws IllegalStateException if the process ends or the time passes first
     */
    long awaitLine(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (pattern.matcher(lines.get(seen).text()).find()) {
                        return lines.get(seen).nanos();
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("no line matching /" + pattern + "/ within " + timeout + "; see " + log);
                }
                if (!process.isAlive() && seen == lines.size()) {
                    try {
                        lines.wait(200); // the reader may still be draining the pipe
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    if (seen == lines.size()) {
                        throw new IllegalStateException("the migration ended (exit " + process.exitValue()
                                + ") before printing a line matching /" + pattern + "/; see " + log);
                    }
                    continue;
                }
                try {
                    lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** The first number captured by the pattern's group 1 in any stderr line so far. */
    OptionalDouble number(Pattern pattern) {
        synchronized (lines) {
            for (Line l : lines) {
                Matcher m = pattern.matcher(l.text());
                if (m.find()) {
                    return OptionalDouble.of(Double.parseDouble(m.group(1).replace(",", "")));
                }
            }
        }
        return OptionalDouble.empty();
    }

    /** Ctrl-C: the migration stops at the next safe point and can be resumed by running it again. */
    void interrupt() {
        Shell.run("kill -INT " + process.pid(), null);
    }

    /** Waits for the exit; returns the exit code. */
    int await(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("the migration did not end within " + timeout + "; see " + log);
            }
            exitedNanos = System.nanoTime();
            for (Thread reader : readers) {
                reader.join(5_000); // the pipes drained
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits for exit 0; fails otherwise, pointing at the log. */
    void awaitSuccess(Duration timeout) {
        int exit = await(timeout);
        if (exit != 0) {
            throw new IllegalStateException("the migration exited with " + exit + "; see " + log);
        }
    }

    /** The final status (YAML) the command printed on stdout. */
    String status() {
        synchronized (stdout) {
            return stdout.toString();
        }
    }

    /** A number field of the final status, e.g. writesBlockedMillis. */
    OptionalDouble statusNumber(String field) {
        Matcher m = Pattern.compile("\\b" + Pattern.quote(field) + ": (\\d+)").matcher(status());
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }

    /** Peak resident set size so far, in MiB (0 if /proc could not be read). */
    double peakRssMb() {
        return peakRssKb / 1024.0;
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
