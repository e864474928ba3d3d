package io.tablemigrator.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Figures 2, 3 and 4: one round per repetition, on a fresh copy of the pgbench database (its four tables), migrated
 * by us into one target database and subscribed to natively into another (tables and keys pre-created, as a
 * subscription needs them):
 * <ol>
 * <li>Initial sync. Ours: the CLI's Online migration from process start until it enters Replicating (slot, snapshot,
 * tables, copy, indexes); then stopped with Ctrl-C, which keeps its slot. Native: CREATE SUBSCRIPTION (copy_data)
 * until every table is ready ('r' in pg_subscription_rel); then disabled, which keeps its slot.</li>
 * <li>Replay. With both consumers stopped, pgbench writes a backlog (tpcb-like, {@code backlog} transactions of
 * four row changes each). Then, one after the other: ours (the same CLI command again, which resumes replay) and the
 * native subscription (ENABLE), each timed until its slot's confirmed_flush_lsn reaches the end of the backlog's
 * WAL. Ours is timed from the moment it enters Replicating again (its JVM start is shown separately);
 * native from ENABLE.</li>
 * <li>Cutover. The CLI resumes replay; pgbench writes at a fixed rate ({@code -R 500}); after a few seconds the
 * Manual cutover is approved ({@code approve -f}); the longest pgbench transaction and status.cutover.writesBlockedMillis
 * are kept. sourceAfterCutover is Writable, so that pgbench can go on writing after the cutover.</li>
 * </ol>
 * Which of the two goes first alternates between repetitions.
 */
final class OnlineFigure {
    private static final Pattern REPLICATING = Pattern.compile(" INFO \\S+: Replicating\\b");
    private static final Pattern PREPARING = Pattern.compile(" INFO \\S+: Preparing\\b");
    private static final Pattern CUTTING_OVER = Pattern.compile(" INFO \\S+: CuttingOver\\b");
    private static final List<String> TABLES = List.of("pgbench_accounts", "pgbench_branches", "pgbench_tellers",
            "pgbench_history");
    private static final String SOURCE_DB = "online_src";
    private static final String OURS_DB = "online_ours";
    private static final String NATIVE_DB = "online_native";
    private static final String SUBSCRIPTION = "native_sub";
    private static final int CUTOVER_RATE = 500;
    private static final int CUTOVER_LOAD_SECONDS = 25;
    private static final int APPROVE_AFTER_SECONDS = 5;

    private final BenchServers servers;
    private final Datasets data;
    private final Path dir;
    private final int reps;
    private final int backlog;
    private final Results results;

    private final List<Double> syncOurs = new ArrayList<>();
    private final List<Double> syncNative = new ArrayList<>();
    private final List<Double> syncOursEngine = new ArrayList<>();
    private final List<Double> replayOurs = new ArrayList<>();
    private final List<Double> replayOursWhole = new ArrayList<>();
    private final List<Double> replayNative = new ArrayList<>();
    private final List<Double> replayNativeWhole = new ArrayList<>();
    private final List<Double> blockedMillis = new ArrayList<>();
    private final List<Double> longestWriteMillis = new ArrayList<>();
    /** Peak RSS of the worker in the initial sync and replay runs, for figure 5. */
    final List<Double> rssMb = new ArrayList<>();

    OnlineFigure(BenchServers servers, Datasets data, Path dir, int reps, int backlog, Results results) {
        this.servers = servers;
        this.data = data;
        this.dir = dir;
        this.reps = reps;
        this.backlog = backlog;
        this.results = results;
    }

    void run() throws Exception {
        for (int rep = 1; rep <= reps; rep++) {
            round(rep);
        }
        results.time("Initial sync: pgbench scale " + data.scale + " (4 tables), until replicating", syncOurs, syncNative,
                "CREATE SUBSCRIPTION (copy_data) until all tables ready", 0.8);
        results.info("… ours from entering Preparing (no JVM start, no CLI set-up)", syncOursEngine, syncNative,
                "CREATE SUBSCRIPTION", "none: shows the fixed cost of starting the process");
        String load = servers.tool("pgbench").isPresent() ? "written by pgbench"
                : "written by a DO loop, pgbench not installed";
        results.rate(String.format("Replay: backlog of %,d tpcb-like transactions (%,d row changes, %s), changes/s "
                        + "while replaying (ours from entering Replicating, native from its walsender starting)", backlog,
                        4L * backlog, load), "changes/s", rates(replayOurs), rates(replayNative),
                "native subscription (disable, write, enable)", 1.0, "ratio ≥ 1.00 (goal 2.00)");
        results.rate("… the same backlog from start to end (ours from process start, JVM start included; native "
                        + "from ALTER SUBSCRIPTION ENABLE)", "changes/s", rates(replayOursWhole), rates(replayNativeWhole),
                "native subscription", Double.NaN, "none: shows the fixed cost of starting the process");
        String writer = servers.tool("pgbench").isPresent() ? "pgbench -R " + CUTOVER_RATE
                : CUTOVER_RATE + " tpcb-like tx/s from JDBC (pgbench not installed)";
        results.limit("Cutover: status.cutover.writesBlockedMillis, " + writer, "ms", blockedMillis, 1000, 3000,
                "median < 1,000 ms, worst < 3,000 ms");
        results.limit("Cutover: longest write (scheduled start to commit), " + writer, "ms", longestWriteMillis, 1000,
                3000, "median < 1,000 ms, worst < 3,000 ms");
    }

    private List<Double> rates(List<Double> seconds) {
        return seconds.stream().map(s -> 4.0 * backlog / s).toList();
    }

    private void round(int rep) throws Exception {
        Server source = servers.source;
        Server target = servers.target;
        source.createDatabase(SOURCE_DB, Datasets.PGBENCH);
        target.createDatabase(OURS_DB);
        target.createDatabase(NATIVE_DB);
        target.execute(NATIVE_DB, Datasets.PGBENCH_TABLES + Datasets.PGBENCH_KEYS);
        source.execute(SOURCE_DB, "CREATE PUBLICATION native_pub FOR TABLE " + String.join(", ", TABLES));
        Path manifest = Manifests.write(dir, "online", source, SOURCE_DB, target, OURS_DB, "Online", TABLES,
                "policy: Manual, sourceAfterCutover: Writable", Manifests.DEFAULT_PARALLELISM);
        boolean oursFirst = rep % 2 == 1;

        // 1. initial sync
        if (oursFirst) {
            syncOurs.add(initialSyncOurs(manifest, rep));
            syncNative.add(initialSyncNative());
        } else {
            syncNative.add(initialSyncNative());
            syncOurs.add(initialSyncOurs(manifest, rep));
        }
        String ourSlot = source.queryValue(SOURCE_DB, "SELECT slot_name FROM pg_replication_slots WHERE database = '"
                + SOURCE_DB + "' AND slot_name <> '" + SUBSCRIPTION + "'");
        Bench.progress("online round %d/%d: initial sync ours %.2f s, native %.2f s", rep, reps, last(syncOurs), last(syncNative));

        // 2. replay of a backlog
        String end = writeBacklog();
        if (oursFirst) {
            replayOurs(manifest, rep, ourSlot, end);
            replayNative(end);
        } else {
            replayNative(end);
            replayOurs(manifest, rep, ourSlot, end);
        }
        Bench.progress("online round %d/%d: replay of %,d transactions: ours %.2f s (%.2f s from process start), "
                + "native %.2f s (%.2f s from ENABLE)", rep, reps, backlog, last(replayOurs), last(replayOursWhole),
                last(replayNative), last(replayNativeWhole));

        // 3. cutover under a steady write load
        cutover(manifest, rep);
        Bench.progress("online round %d/%d: cutover: writes blocked %.0f ms, longest write %.0f ms", rep, reps,
                last(blockedMillis), last(longestWriteMillis));

        target.execute(NATIVE_DB, "DROP SUBSCRIPTION " + SUBSCRIPTION);
        source.dropDatabase(SOURCE_DB);
        target.dropDatabase(OURS_DB);
        target.dropDatabase(NATIVE_DB);
    }

    private double initialSyncOurs(Path manifest, int rep) {
        try (CliRun cli = CliRun.start("migrate", manifest, dir.resolve("online-" + rep + "-1-initial-sync.log"))) {
            long replicating = cli.awaitLine(REPLICATING, Duration.ofMinutes(10));
            long preparing = cli.awaitLine(PREPARING, Duration.ofSeconds(1));
            syncOursEngine.add((replicating - preparing) / 1e9);
            cli.interrupt();
            int exit = cli.await(Duration.ofMinutes(2));
            if (exit != 130) {
                throw new IllegalStateException("the migration stopped with exit " + exit + ", not 130; see " + cli.log());
            }
            rssMb.add(cli.peakRssMb());
            return (replicating - cli.startedNanos()) / 1e9;
        }
    }

    private double initialSyncNative() throws Exception {
        long start = System.nanoTime();
        servers.target.execute(NATIVE_DB, "CREATE SUBSCRIPTION " + SUBSCRIPTION + " CONNECTION 'host=localhost port="
                + servers.source.port() + " dbname=" + SOURCE_DB + " user=postgres' PUBLICATION native_pub");
        try (Connection c = servers.target.connect(NATIVE_DB);
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FILTER (WHERE r.srsubstate = 'r'), count(*) "
                     + "FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid WHERE s.subname = ?")) {
            ps.setString(1, SUBSCRIPTION);
            pollUntil(Duration.ofMinutes(10), "the subscription's tables to be ready", () -> {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(2) == TABLES.size() && rs.getInt(1) == TABLES.size();
                }
            });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        disableNative();
        return seconds;
    }

    /** Disables the subscription and waits until its walsender has let go of the slot. */
    private void disableNative() throws Exception {
        servers.target.execute(NATIVE_DB, "ALTER SUBSCRIPTION " + SUBSCRIPTION + " DISABLE");
        try (Connection c = servers.source.connect(SOURCE_DB);
             PreparedStatement ps = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, SUBSCRIPTION);
            pollUntil(Duration.ofMinutes(1), "the native subscription to let go of its slot", () -> {
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && !rs.getBoolean(1);
                }
            });
        }
    }

    /** Writes the backlog with both consumers stopped; returns the LSN after its last commit. */
    private String writeBacklog() {
        String start = servers.source.queryValue(SOURCE_DB, "SELECT pg_current_wal_insert_lsn()");
        var pgbench = servers.tool("pgbench");
        Shell.Result r;
        if (pgbench.isPresent()) {
            r = Shell.run(pgbench.get() + " -n -c 4 -j 2 -t " + backlog / 4 + " " + servers.source.cliArgs() + " "
                    + SOURCE_DB, dir);
        } else {
            long t0 = System.nanoTime();
            servers.source.execute(SOURCE_DB, data.tpcbDoLoop(backlog));
            r = new Shell.Result("", System.nanoTime() - t0);
        }
        String end = servers.source.queryValue(SOURCE_DB, "SELECT pg_current_wal_insert_lsn()");
        long history = Long.parseLong(servers.source.queryValue(SOURCE_DB, "SELECT count(*) FROM pgbench_history"));
        if (history != backlog / 4 * 4 && history != backlog) {
            throw new IllegalStateException("the backlog wrote " + history + " transactions, not " + backlog + ":\n" + r.output());
        }
        Bench.progress("backlog: %,d transactions in %.1f s, %s of WAL", history, r.seconds(),
                servers.source.queryValue(SOURCE_DB, "SELECT pg_size_pretty(pg_wal_lsn_diff('" + end + "', '" + start + "'))"));
        return end;
    }

    private void replayOurs(Path manifest, int rep, String slot, String end) throws Exception {
        try (CliRun cli = CliRun.start("migrate", manifest, dir.resolve("online-" + rep + "-2-replay.log"))) {
            long caughtUp = awaitSlot(slot, end);
            long replicating = cli.awaitLine(REPLICATING, Duration.ofSeconds(10));
            replayOurs.add((caughtUp - replicating) / 1e9);
            replayOursWhole.add((caughtUp - cli.startedNanos()) / 1e9);
            cli.interrupt();
            int exit = cli.await(Duration.ofMinutes(2));
            if (exit != 130) {
                throw new IllegalStateException("the migration stopped with exit " + exit + ", not 130; see " + cli.log());
            }
            rssMb.add(cli.peakRssMb());
        }
        long rows = Long.parseLong(servers.target.queryValue(OURS_DB, "SELECT count(*) FROM pgbench_history"));
        if (rows < backlog / 4 * 4) {
            throw new IllegalStateException("ours replayed only " + rows + " history rows");
        }
    }

    private void replayNative(String end) throws Exception {
        long start = System.nanoTime();
        servers.target.execute(NATIVE_DB, "ALTER SUBSCRIPTION " + SUBSCRIPTION + " ENABLE");
        long active;
        try (Connection c = servers.source.connect(SOURCE_DB);
             PreparedStatement ps = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, SUBSCRIPTION);
            active = pollUntil(Duration.ofMinutes(1), "the native subscription's walsender to start", () -> {
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            });
        }
        long caughtUp = awaitSlot(SUBSCRIPTION, end);
        replayNative.add((caughtUp - active) / 1e9);
        replayNativeWhole.add((caughtUp - start) / 1e9);
        disableNative();
        long rows = Long.parseLong(servers.target.queryValue(NATIVE_DB, "SELECT count(*) FROM pgbench_history"));
        if (rows < backlog / 4 * 4) {
            throw new IllegalStateException("the native subscription replayed only " + rows + " history rows");
        }
    }

    /** Waits until the slot's confirmed_flush_lsn reaches {@code lsn}; returns when that was seen. */
    private long awaitSlot(String slot, String lsn) throws Exception {
        try (Connection c = servers.source.connect(SOURCE_DB);
             PreparedStatement ps = c.prepareStatement(
                     "SELECT confirmed_flush_lsn >= ?::pg_lsn FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, lsn);
            ps.setString(2, slot);
            return pollUntil(Duration.ofMinutes(15), "slot " + slot + " to confirm " + lsn, () -> {
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            });
        }
    }

    private void cutover(Path manifest, int rep) throws Exception {
        try (CliRun cli = CliRun.start("migrate", manifest, dir.resolve("online-" + rep + "-3-cutover.log"))) {
            cli.awaitLine(REPLICATING, Duration.ofMinutes(2));
            Path logPrefix = dir.resolve("pgbench-cutover-" + rep);
            long loadStart = System.nanoTime();
            WriteLoad load = WriteLoad.start(servers, SOURCE_DB, CUTOVER_RATE, CUTOVER_LOAD_SECONDS, data.scale, logPrefix);
            // the load runs this long at its rate before the cutover is approved: a pause by design, not a wait
            java.util.concurrent.locks.LockSupport.parkNanos(APPROVE_AFTER_SECONDS * 1_000_000_000L);
            try (CliRun approve = CliRun.start("approve", manifest, dir.resolve("online-" + rep + "-3-approve.log"))) {
                approve.awaitSuccess(Duration.ofMinutes(1));
            }
            long cuttingOver = cli.awaitLine(CUTTING_OVER, Duration.ofMinutes(2));
            if ((cuttingOver - loadStart) / 1e9 > CUTOVER_LOAD_SECONDS - 3) {
                throw new IllegalStateException("the cutover began after the write load had (nearly) ended; see " + cli.log());
            }
            cli.awaitSuccess(Duration.ofMinutes(5));
            WriteLoad.Outcome outcome = load.await();
            blockedMillis.add(cli.statusNumber("writesBlockedMillis").orElseThrow(
                    () -> new IllegalStateException("no writesBlockedMillis in the status; see " + cli.log())));
            longestWriteMillis.add(outcome.longestMillis());
            if (outcome.failed() > 0) {
                results.note(String.format("cutover round %d: %,d of %,d writes failed", rep, outcome.failed(),
                        outcome.transactions()));
            }
            Bench.progress("cutover round %d: %,d writes, median %.1f ms, longest %.0f ms, %d failed", rep,
                    outcome.transactions(), outcome.medianMillis(), outcome.longestMillis(), outcome.failed());
        }
    }

    private interface Check {
        boolean done() throws SQLException;
    }

    /** Polls every 10 ms; returns System.nanoTime() of the poll that saw it done. */
    private static long pollUntil(Duration timeout, String what, Check check) {
        long[] seen = new long[1];
        org.awaitility.Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(10)).until(() -> {
            seen[0] = System.nanoTime();
            return check.done();
        });
        return seen[0];
    }

    private static double last(List<Double> values) {
        return values.get(values.size() - 1);
    }
}
