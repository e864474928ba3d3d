package io.tablemigrator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Shell pipelines (the baselines: psql, pg_dump, pgbench), run by bash with pipefail, timed. */
final class Shell {
    private Shell() {
    }

    /**
     * @param output       everything the command printed (stdout and stderr together)
     * @param elapsedNanos from start to exit
     */
    record Result(String output, long elapsedNanos) {
        double seconds() {
            return elapsedNanos / 1e9;
        }
    }

    /** Runs the script to its end; fails, showing its output, when it exits non-zero. */
    static Result run(String script, Path directory) {
        Process p = start(script, directory);
        long started = System.nanoTime();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            int exit = p.waitFor();
            long elapsed = System.nanoTime() - started;
            String output = new String(out, StandardCharsets.UTF_8);
            if (exit != 0) {
                throw new IllegalStateException("exit " + exit + " from: " + script + "\n" + output);
            }
            return new Result(output, elapsed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + script, e);
        }
    }

    /** Starts the script in the background, stdout and stderr merged. */
    static Process start(String script, Path directory) {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "set -o pipefail; " + script).redirectErrorStream(true);
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run bash", e);
        }
    }

    /** Waits for a background script; fails when it exits non-zero. */
    static String await(Process p, String what, long timeoutSeconds) {
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(what + " did not end within " + timeoutSeconds + " s");
            }
            String output = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "):\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        }
    }

    /** A single-quoted shell word. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
