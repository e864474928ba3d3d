package io.tablemigrator.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The demo's application: two connections writing to the source the whole time (new orders with their items,
 * status changes, cancellations that cascade, document edits that leave large values untouched), measuring how long
 * each write takes, until the source refuses writes after the cutover.
 */
final class ShopApplication implements AutoCloseable {
    private static final int THREADS = 2;
    private static final long PAUSE_NANOS = 20_000_000;

    private final int port;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong slowestNanos = new AtomicLong();
    private final AtomicReference<String> refusal = new AtomicReference<>();
    private volatile boolean running = true;

    private ShopApplication(int port) {
        this.port = port;
    }

    static ShopApplication start(int port) {
        ShopApplication app = new ShopApplication(port);
        for (int i = 0; i < THREADS; i++) {
            Thread t = new Thread(app::writeLoop, "shop-app-" + i);
            t.setDaemon(true);
            app.threads.add(t);
            t.start();
        }
        return app;
    }

    private void writeLoop() {
        try (Connection c = Demo.connect(port)) {
            c.setAutoCommit(false);
            while (running && refusal.get() == null) {
                long start = System.nanoTime();
                try {
                    oneTransaction(c);
                    c.commit();
                    writes.incrementAndGet();
                } catch (SQLException e) {
                    c.rollback();
                    if ("25006".equals(e.getSQLState())) {
                        refusal.compareAndSet(null, e.getMessage().replaceFirst("^ERROR: ", "").lines().findFirst().orElse(""));
                    }
                }
                slowestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                LockSupport.parkNanos(PAUSE_NANOS);
            }
        } catch (SQLException e) {
            refusal.compareAndSet(null, "connection lost: " + e.getMessage());
        }
    }

    private static void oneTransaction(Connection c) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long order;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO orders (customer, total) VALUES (?, ?) RETURNING id")) {
            ps.setString(1, "customer " + random.nextInt(5000));
            ps.setBigDecimal(2, java.math.BigDecimal.valueOf(random.nextInt(100000), 2));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                order = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO \"Sales\".\"Order Items\" VALUES (?, ?, ?, ?, ?)")) {
            for (int line = 1; line <= 2; line++) {
                ps.setLong(1, order);
                ps.setInt(2, line);
                ps.setString(3, "SKU-" + random.nextInt(1000));
                ps.setBigDecimal(4, java.math.BigDecimal.valueOf(random.nextInt(10000), 2));
                ps.setInt(5, 1 + random.nextInt(5));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE orders SET status = 'paid' WHERE id = ?")) {
            ps.setLong(1, 1 + random.nextInt(1_000_000));
            ps.executeUpdate();
        }
        if (random.nextInt(10) == 0) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM orders WHERE id = ?")) {
                ps.setLong(1, 1 + random.nextInt(50_000));
                ps.executeUpdate();
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE documents SET title = title || '!', updated_at = now() WHERE id = ?")) {
            ps.setInt(1, 1000 * (1 + random.nextInt(20)));
            ps.executeUpdate();
        }
    }

    void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(10_000);
        }
    }

    long writes() {
        return writes.get();
    }

    long slowestMillis() {
        return slowestNanos.get() / 1_000_000;
    }

    Optional<String> refusal() {
        return Optional.ofNullable(refusal.get());
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
