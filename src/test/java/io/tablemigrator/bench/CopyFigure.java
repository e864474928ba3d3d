package io.tablemigrator.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Figure 1, per table (pgbench_accounts, the wide table), each repetition on fresh target databases:
 * <ul>
 * <li>copy: the copy phase of our Offline migration (the time the CLI reports for the table's copy, from the start of
 * the copy to its last row) against {@code psql -c "\copy t to stdout" | psql -c "\copy t from stdin"} into a
 * pre-created bare table;</li>
 * <li>whole Offline migration: the CLI process from start to exit (JVM start, schema, copy, indexes, checksum
 * validation) against {@code pg_dump -t t | psql} (schema, data, indexes; no validation).</li>
 * </ul>
 * The three runs of a repetition take turns going first, so that none always meets a warmer or colder cache.
 */
final class CopyFigure {
    private final BenchServers servers;
    private final Datasets data;
    private final Path dir;
    private final int reps;
    private final Results results;
    /** Peak RSS of every CLI run, for figure 5. */
    final List<Double> rssMb = new ArrayList<>();

    CopyFigure(BenchServers servers, Datasets data, Path dir, int reps, Results results) {
        this.servers = servers;
        this.data = data;
        this.dir = dir;
        this.reps = reps;
        this.results = results;
    }

    void run() {
        for (Datasets.CopiedTable table : List.of(data.accounts, data.wide)) {
            List<Double> oursCopy = new ArrayList<>();
            List<Double> oursCopyOneStream = new ArrayList<>();
            List<Double> oursStages = new ArrayList<>();
            List<Double> psqlCopy = new ArrayList<>();
            List<Double> oursWhole = new ArrayList<>();
            List<Double> dumpWhole = new ArrayList<>();
            long rows = Long.parseLong(servers.source.queryValue(Datasets.COPY_SOURCE, "SELECT count(*) FROM " + table.name()));
            for (int rep = 1; rep <= reps; rep++) {
                for (int turn = 0; turn < 4; turn++) {
                    switch ((turn + rep) % 4) {
                        case 0 -> psqlPipe(table, rows).ifPresent(psqlCopy::add);
                        case 1 -> {
                            double[] ours = ours(table, rows, rep, Manifests.DEFAULT_PARALLELISM);
                            oursCopy.add(ours[0]);
                            oursWhole.add(ours[1]);
                            oursStages.add(ours[2]);
                        }
                        case 2 -> oursCopyOneStream.add(ours(table, rows, rep, 1)[0]);
                        default -> pgDump(table, rows).ifPresent(dumpWhole::add);
                    }
                }
                Bench.progress("copy %s, repetition %d/%d: ours copy %.2f s (one stream %.2f s), whole %.2f s; "
                        + "psql pipe %s; pg_dump | psql %s", table.name(), rep, reps, last(oursCopy),
                        last(oursCopyOneStream), last(oursWhole), lastOrDash(psqlCopy), lastOrDash(dumpWhole));
            }
            String pipe = servers.clientTools.isPresent() ? "psql \\copy to stdout | psql \\copy from stdin"
                    : "needs psql, which is not installed";
            String dump = servers.clientTools.isPresent() ? "pg_dump -t | psql" : "needs pg_dump and psql, which are not installed";
            results.time("Copy: " + table.description() + ", copy phase", oursCopy, psqlCopy, pipe, 1.0);
            results.info("… the same with copy.parallelism 1 (one stream instead of the default 4)", oursCopyOneStream,
                    psqlCopy, pipe, "none: shows what parallel streams cost or gain here");
            results.time("Offline migration, whole: " + table.description(), oursWhole, dumpWhole, dump, 0.8);
            results.info("… its stages only (Preparing to Completed: no JVM start, no CLI set-up)", oursStages,
                    dumpWhole, dump, "none: shows the fixed cost of starting the process");
        }
    }

    /**
     * Our Offline migration of the table, through the CLI.
     *
     * @return {copy phase seconds, whole run seconds, seconds from entering Preparing to Completed}
     */
    private double[] ours(Datasets.CopiedTable table, long rows, int rep, int parallelism) {
        String db = "copy_ours";
        servers.target.createDatabase(db);
        String name = "copy-" + table.name().replace('_', '-')
                + (parallelism == Manifests.DEFAULT_PARALLELISM ? "" : "-p" + parallelism);
        Path manifest = Manifests.write(dir, name, servers.source, Datasets.COPY_SOURCE, servers.target, db, "Offline",
                List.of(table.name()), "sourceAfterCutover: Writable", parallelism);
        try (CliRun cli = CliRun.start("migrate", manifest, dir.resolve(name + "-" + rep + ".log"))) {
            cli.awaitSuccess(Duration.ofMinutes(10));
            double copy = cli.number(Pattern.compile("^\\s+public\\." + table.name() + " copied in ([0-9.]+) s"))
                    .orElseThrow(() -> new IllegalStateException("the CLI did not report the copy time; see " + cli.log()));
            double stages = cli.number(Pattern.compile("^Time per stage: .*; total ([0-9.]+) s"))
                    .orElseThrow(() -> new IllegalStateException("the CLI did not report its stage times; see " + cli.log()));
            rssMb.add(cli.peakRssMb());
            checkRows(db, table, rows);
            servers.target.dropDatabase(db);
            return new double[] {copy, cli.wallSeconds(), stages};
        }
    }

    private java.util.Optional<Double> psqlPipe(Datasets.CopiedTable table, long rows) {
        if (servers.tool("psql").isEmpty()) {
            return java.util.Optional.empty();
        }
        String psql = servers.tool("psql").get();
        String db = "copy_psql";
        servers.target.createDatabase(db);
        servers.target.execute(db, table.bareDdl());
        Shell.Result r = Shell.run(psql + " -X -q " + servers.source.cliArgs() + " -c '\\copy " + table.name()
                + " to stdout' " + Datasets.COPY_SOURCE + " | " + psql + " -X -q " + servers.target.cliArgs() + " -c '\\copy "
                + table.name() + " from stdin' " + db, dir);
        checkRows(db, table, rows);
        servers.target.dropDatabase(db);
        return java.util.Optional.of(r.seconds());
    }

    private java.util.Optional<Double> pgDump(Datasets.CopiedTable table, long rows) {
        if (servers.tool("pg_dump").isEmpty()) {
            return java.util.Optional.empty();
        }
        String db = "copy_dump";
        servers.target.createDatabase(db);
        Shell.Result r = Shell.run(servers.tool("pg_dump").get() + " " + servers.source.cliArgs() + " -t " + table.name()
                + " " + Datasets.COPY_SOURCE + " | " + servers.tool("psql").get() + " -X -q -v ON_ERROR_STOP=1 "
                + servers.target.cliArgs() + " " + db + " > /dev/null", dir);
        checkRows(db, table, rows);
        servers.target.dropDatabase(db);
        return java.util.Optional.of(r.seconds());
    }

    private void checkRows(String db, Datasets.CopiedTable table, long rows) {
        long copied = Long.parseLong(servers.target.queryValue(db, "SELECT count(*) FROM " + table.name()));
        if (copied != rows) {
            throw new IllegalStateException(db + "." + table.name() + " has " + copied + " rows, the source " + rows);
        }
    }

    private static double last(List<Double> values) {
        return values.get(values.size() - 1);
    }

    private static String lastOrDash(List<Double> values) {
        return values.isEmpty() ? "—" : String.format("%.2f s", last(values));
    }
}
