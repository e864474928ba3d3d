package io.tablemigrator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The application writing during a cutover: pgbench's tpcb-like script at a fixed rate ({@code pgbench -R}), with
 * its per-transaction log, which says how long each transaction took from its scheduled start: a write held by the
 * cutover's lock shows as one long transaction. Where pgbench is not installed, a few JDBC threads run the same
 * transaction on the same schedule and measure it the same way.
 */
final class WriteLoad {
    /** What the load saw: the longest transaction (scheduled start to commit), the median one, and failures. */
    record Outcome(long transactions, long failed, double longestMillis, double medianMillis) {
    }

    private final Process pgbench;
    private final Path logPrefix;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Long> latenciesMicros = new ArrayList<>();
    private final AtomicLong failed = new AtomicLong();

    private WriteLoad(Process pgbench, Path logPrefix) {
        this.pgbench = pgbench;
        this.logPrefix = logPrefix;
    }

    static WriteLoad start(BenchServers servers, String database, int rate, int seconds, int scale, Path logPrefix) {
        var pgbenchTool = servers.tool("pgbench");
        if (pgbenchTool.isPresent()) {
            Process p = Shell.start(pgbenchTool.get() + " -n -c 4 -j 2 -R " + rate + " -T " + seconds + " -l --log-prefix="
                    + logPrefix + " " + servers.source.cliArgs() + " " + database, null);
            return new WriteLoad(p, logPrefix);
        }
        WriteLoad load = new WriteLoad(null, logPrefix);
        int clients = 4;
        long intervalNanos = 1_000_000_000L * clients / rate;
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        for (int i = 0; i < clients; i++) {
            long offset = intervalNanos * i / clients;
            Thread t = new Thread(() -> load.client(servers.source, database, scale, start + offset, intervalNanos, end),
                    "write-load-" + i);
            t.setDaemon(true);
            load.threads.add(t);
            t.start();
        }
        return load;
    }

    /** One client of the JDBC stand-in: tpcb-like transactions on a fixed schedule, latency from the scheduled start. */
    private void client(Server source, String database, int scale, long first, long interval, long end) {
        try (Connection c = source.connect(database)) {
            c.setAutoCommit(false);
            PreparedStatement account = c.prepareStatement("UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?");
            PreparedStatement read = c.prepareStatement("SELECT abalance FROM pgbench_accounts WHERE aid = ?");
            PreparedStatement teller = c.prepareStatement("UPDATE pgbench_tellers SET tbalance = tbalance + ? WHERE tid = ?");
            PreparedStatement branch = c.prepareStatement("UPDATE pgbench_branches SET bbalance = bbalance + ? WHERE bid = ?");
            PreparedStatement history = c.prepareStatement("INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) "
                    + "VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)");
            for (long scheduled = first; scheduled < end; scheduled += interval) {
                LockSupport.parkNanos(scheduled - System.nanoTime());
                ThreadLocalRandom r = ThreadLocalRandom.current();
                int aid = 1 + r.nextInt(scale * 100_000);
                int tid = 1 + r.nextInt(scale * 10);
                int bid = 1 + r.nextInt(scale);
                int delta = r.nextInt(-5000, 5001);
                try {
                    account.setInt(1, delta);
                    account.setInt(2, aid);
                    account.executeUpdate();
                    read.setInt(1, aid);
                    read.executeQuery().close();
                    teller.setInt(1, delta);
                    teller.setInt(2, tid);
                    teller.executeUpdate();
                    branch.setInt(1, delta);
                    branch.setInt(2, bid);
                    branch.executeUpdate();
                    history.setInt(1, tid);
                    history.setInt(2, bid);
                    history.setInt(3, aid);
                    history.setInt(4, delta);
                    history.executeUpdate();
                    c.commit();
                    long micros = (System.nanoTime() - scheduled) / 1000;
                    synchronized (latenciesMicros) {
                        latenciesMicros.add(micros);
                    }
                } catch (SQLException e) {
                    c.rollback();
                    failed.incrementAndGet();
                }
            }
        } catch (SQLException e) {
            failed.incrementAndGet();
        }
    }

    /** Waits for the end of the run and reads what each transaction took. */
    Outcome await() {
        if (pgbench != null) {
            Shell.await(pgbench, "pgbench -R", 600);
            readPgbenchLogs();
        } else {
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        List<Long> sorted = latenciesMicros.stream().sorted().toList();
        if (sorted.isEmpty()) {
            throw new IllegalStateException("the write load ran no transaction");
        }
        return new Outcome(sorted.size() + failed.get(), failed.get(), sorted.get(sorted.size() - 1) / 1000.0,
                sorted.get(sorted.size() / 2) / 1000.0);
    }

    /**
     * pgbench -l writes one file per thread: "client_id transaction_no time script_no time_epoch time_us [lag]" per
     * transaction, time in microseconds from the scheduled start under -R, or "failed" / "skipped".
     */
    private void readPgbenchLogs() {
        Path dir = logPrefix.getParent();
        String name = logPrefix.getFileName().toString();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(name + ".")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length < 3) {
                        continue;
                    }
                    if (fields[2].matches("\\d+")) {
                        latenciesMicros.add(Long.parseLong(fields[2]));
                    } else {
                        failed.incrementAndGet();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
