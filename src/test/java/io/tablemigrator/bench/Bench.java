package io.tablemigrator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code make bench}: tablemigrator against PostgreSQL's own tools, each figure against its baseline in the same run,
 * on the same two servers, repeated for a median. Our side always runs as a user runs it: the CLI jar as its own
 * process.
 * <ol>
 * <li>Copy and whole Offline migration ({@link CopyFigure}): psql \copy pipe, pg_dump | psql.</li>
 * <li>Initial sync, 3. replay, 4. cutover ({@link OnlineFigure}): a native subscription, pgbench.</li>
 * <li value="5">Worker memory: the peak RSS of every CLI process of figures 1 to 3.</li>
 * </ol>
 * The results go to docs/benchmarks.md (the section between its markers); logs and manifests of every run to
 * target/bench. Settings (system properties, e.g. {@code make bench BENCH_OPTS="-Dbench.reps=1"}):
 * bench.reps (Online rounds, 3), bench.copyReps (copy repetitions, 5), bench.scale (pgbench scale, 10),
 * bench.wideRows (40000), bench.backlog (replay transactions, 100000), bench.only (copy,online), bench.cliOpts (JVM
 * options for the CLI, none). A run with other than the defaults writes its table to target/bench/benchmarks.md
 * instead, leaving docs/ alone.
 */
public final class Bench {
    private static final Path WORK = Path.of("target", "bench");
    private static final long STARTED = System.nanoTime();

    public static void main(String[] args) throws Exception {
        int reps = Integer.getInteger("bench.reps", 3);
        int copyReps = Integer.getInteger("bench.copyReps", 5);
        int scale = Integer.getInteger("bench.scale", 10);
        int wideRows = Integer.getInteger("bench.wideRows", 40_000);
        int backlog = Integer.getInteger("bench.backlog", 100_000);
        String only = System.getProperty("bench.only", "copy,online");
        boolean defaults = reps == 3 && copyReps == 5 && scale == 10 && wideRows == 40_000 && backlog == 100_000
                && only.equals("copy,online") && CliRun.JVM_OPTIONS.isEmpty();
        Path out = defaults ? Path.of("docs", "benchmarks.md") : WORK.resolve("benchmarks.md");

        deleteRecursively(WORK);
        Files.createDirectories(WORK);
        Path serverDir = Files.createTempDirectory("tablemigrator-bench");
        String loadBefore = loadAverage();
        Results results = new Results();
        progress("starting two PostgreSQL servers");
        try (BenchServers servers = BenchServers.start(serverDir)) {
            progress("servers: %s; source on port %d, target on port %d", servers.description, servers.source.port(),
                    servers.target.port());
            if (servers.clientTools.isEmpty()) {
                results.note("psql, pg_dump and pgbench are not installed: the copy baselines (psql \\copy pipe, "
                        + "pg_dump | psql) were not run; the replay backlog was written by a tpcb-like DO loop and the "
                        + "cutover load by JDBC threads instead of pgbench. Install PostgreSQL's client programs (and "
                        + "server) for the full comparison.");
            }
            progress("creating the data: pgbench scale %d, %,d wide rows", scale, wideRows);
            Datasets data = Datasets.create(servers.source, scale, wideRows);
            List<Double> rss = new ArrayList<>();
            if (only.contains("copy")) {
                CopyFigure copy = new CopyFigure(servers, data, WORK, copyReps, results);
                copy.run();
                rss.addAll(copy.rssMb);
            }
            if (only.contains("online")) {
                OnlineFigure online = new OnlineFigure(servers, data, WORK, reps, backlog, results);
                online.run();
                rss.addAll(online.rssMb);
            }
            results.limit("Worker memory: peak RSS (VmHWM) of each CLI process in figures 1–3"
                    + (CliRun.JVM_OPTIONS.isEmpty() ? ", JVM defaults" : ", JVM options " + CliRun.JVM_OPTIONS), "MB", rss,
                    512, 512, "< 512 MB");
            String machine = machine(servers, loadBefore, loadAverage());
            results.write(out, machine, defaults ? "make bench" : "make bench BENCH_OPTS=\"" + options() + "\"");
            System.out.println(results.markdown(machine, "make bench"));
            progress("done in %.1f min; results in %s, logs in %s", (System.nanoTime() - STARTED) / 60e9, out, WORK);
        } finally {
            deleteRecursively(serverDir);
        }
    }

    static void progress(String format, Object... args) {
        System.err.printf(Locale.ROOT, "bench %6.1fs: %s%n", (System.nanoTime() - STARTED) / 1e9,
                String.format(Locale.ROOT, format, args));
    }

    private static String options() {
        StringBuilder s = new StringBuilder();
        for (String key : List.of("bench.reps", "bench.copyReps", "bench.scale", "bench.wideRows", "bench.backlog", "bench.only",
                "bench.cliOpts")) {
            if (System.getProperty(key) != null) {
                s.append(s.length() == 0 ? "" : " ").append("-D").append(key).append('=').append(System.getProperty(key));
            }
        }
        return s.toString();
    }

    /** The machine, as the results table needs it to be read. */
    private static String machine(BenchServers servers, String loadBefore, String loadAfter) throws IOException {
        String cpu = Files.lines(Path.of("/proc/cpuinfo")).filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        String memory = Files.lines(Path.of("/proc/meminfo")).filter(l -> l.startsWith("MemTotal"))
                .map(l -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(l.replaceAll("\\D", "")) / 1048576.0))
                .findFirst().orElse("?");
        return "Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs (" + cpu + "), " + memory + " RAM, "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + "; "
                + "PostgreSQL " + servers.source.version() + " (source) and " + servers.target.version() + " (target), "
                + servers.description + ", settings: " + BenchServers.SETTINGS + "; JVM " + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.version") + " (the CLI runs with "
                + (CliRun.JVM_OPTIONS.isEmpty() ? "no JVM options" : "JVM options " + CliRun.JVM_OPTIONS) + "); load average "
                + loadBefore + " at the start, " + loadAfter + " at the end; run at "
                + Instant.now().truncatedTo(ChronoUnit.MINUTES) + ".";
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
