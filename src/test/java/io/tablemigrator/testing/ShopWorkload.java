package io.tablemigrator.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A small application for tests: a schema of the shapes that make replay hard, and writers on several connections
 * running a few hundred transactions per second against it (inserts that advance sequences, updates that touch and
 * that skip a TOASTed column, deletes, deletes that cascade, a keyless table with REPLICA IDENTITY FULL), until
 * stopped or until the source refuses writes (the fence after a cutover).
 */
public final class ShopWorkload implements AutoCloseable {
    public static final String SCHEMA = """
            CREATE TABLE customers (
                id bigserial PRIMARY KEY,
                name text NOT NULL,
                notes text,
                updated_at timestamptz);
            CREATE TABLE orders (
                id bigserial PRIMARY KEY,
                customer bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
                total numeric(12,2),
                status text DEFAULT 'new');
            CREATE SCHEMA "Audit Log";
            CREATE TABLE "Audit Log"."Events" (at timestamptz, "What Happened" text, amount int);
            ALTER TABLE "Audit Log"."Events" REPLICA IDENTITY FULL;
            INSERT INTO customers (name, notes)
              SELECT 'c' || g, CASE WHEN g % 100 = 0
                  THEN (SELECT string_agg(md5(i::text || g), '') FROM generate_series(1, 3000) i) END
              FROM generate_series(1, 20000) g;
            INSERT INTO orders (customer, total) SELECT 1 + g % 20000, g % 1000 FROM generate_series(1, 60000) g;
            INSERT INTO "Audit Log"."Events" SELECT timestamptz '2026-01-01', 'seed', g % 10 FROM generate_series(1, 5000) g;
            """;

    /** The tables of {@link #SCHEMA}, as a manifest lists them. */
    public static final String TABLES = """
            tables:
              - {name: customers}
              - {name: orders}
              - {schema: Audit Log, name: Events, targetSchema: audit, targetName: events}
            """;

    private final TestDb db;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicReference<String> refusal = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;

    private ShopWorkload(TestDb db) {
        this.db = db;
    }

    /** Starts {@code connections} writers, each pausing {@code pauseMillis} between transactions. */
    public static ShopWorkload start(TestDb db, int connections, long pauseMillis) {
        ShopWorkload w = new ShopWorkload(db);
        for (int i = 0; i < connections; i++) {
            Thread t = new Thread(() -> w.loop(pauseMillis), "writer-" + i);
            t.setDaemon(true);
            w.threads.add(t);
            t.start();
        }
        return w;
    }

    private void loop(long pauseMillis) {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            while (running) {
                try {
                    transaction(c);
                    c.commit();
                    transactions.incrementAndGet();
                } catch (SQLException e) {
                    c.rollback();
                    if ("25006".equals(e.getSQLState())) {
                        refusal.compareAndSet(null, e.getMessage());
                        return;
                    }
                    if (!"40P01".equals(e.getSQLState()) && !"23503".equals(e.getSQLState())) {
                        throw e;
                    }
                }
                LockSupport.parkNanos(pauseMillis * 1_000_000);
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }

    private static void transaction(Connection c) throws SQLException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        switch (r.nextInt(6)) {
            case 0 -> exec(c, "WITH c AS (INSERT INTO customers (name) VALUES ('new') RETURNING id) "
                    + "INSERT INTO orders (customer, total) SELECT id, 1 FROM c, generate_series(1, 3)");
            case 1 -> exec(c, "UPDATE customers SET updated_at = now() WHERE id = " + (1 + r.nextInt(200)) * 100);
            case 2 -> exec(c, "UPDATE customers SET notes = repeat(md5(random()::text), 2000) WHERE id = "
                    + (1 + r.nextInt(200)) * 100);
            case 3 -> exec(c, "DELETE FROM customers WHERE id = " + (1 + r.nextInt(20000)));
            case 4 -> exec(c, "UPDATE orders SET status = 'paid', total = total + 1 WHERE id = " + (1 + r.nextInt(60000)));
            default -> {
                exec(c, "INSERT INTO \"Audit Log\".\"Events\" VALUES (now(), 'order', " + r.nextInt(10) + ")");
                exec(c, "DELETE FROM \"Audit Log\".\"Events\" WHERE ctid = (SELECT ctid FROM \"Audit Log\".\"Events\" "
                        + "WHERE amount = " + r.nextInt(10) + " LIMIT 1)");
            }
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.execute();
        }
    }

    public long transactions() {
        return transactions.get();
    }

    /** The error the source answered a write with once fenced; null while writes are accepted. */
    public String refusal() {
        return refusal.get();
    }

    /** Stops the writers and rethrows anything unexpected they met. */
    public void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(30_000);
        }
        if (failure.get() != null) {
            throw new AssertionError("a writer failed", failure.get());
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
