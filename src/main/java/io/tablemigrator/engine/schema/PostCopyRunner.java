package io.tablemigrator.engine.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.PgErrors;

/**
 * Runs the Indexing steps of a {@link SchemaPlan}: the groups in order, the steps of a group on up to
 * {@code parallelism} connections at once. Steps are safe to run again, so a failed or interrupted run is
 * simply run again.
 */
public final class PostCopyRunner {
    private static final String DEADLOCK_DETECTED = "40P01";
    private static final int MAX_ATTEMPTS = 5;
    private PostCopyRunner() {
    }

    public static void run(Database target, List<List<PostCopyStep>> groups, int parallelism) {
        for (List<PostCopyStep> group : groups) {
            runGroup(target, group, Math.max(1, Math.min(parallelism, group.size())));
        }
    }

    /**
     * One step on one connection, in auto-commit mode. Steps on tables that reference each other lock both
     * tables and can deadlock when they run at once; the server then cancels one, and since every step can
     * run again, that one simply runs again.
     */
    public static void run(Connection target, PostCopyStep step) {
        for (int attempt = 1; ; attempt++) {
            try (Statement st = target.createStatement()) {
                for (String sql : step.statements()) {
                    st.execute(sql);
                }
                return;
            } catch (SQLException e) {
                if (DEADLOCK_DETECTED.equals(e.getSQLState()) && attempt < MAX_ATTEMPTS) {
                    continue;
                }
                String cause = e.getSQLState() != null && e.getSQLState().startsWith("23")
                        ? "the copied rows break it: " : "";
                throw new MigrationError("IndexingFailed", "Could not create " + step.description() + ": " + cause
                        + PgErrors.firstLine(e) + ".", e);
            }
        }
    }

    /** Statements in order, each in its own transaction: for {@link SchemaPlan#finalizeStatements()}. */
    public static void runStatements(Connection target, List<String> statements) {
        try (Statement st = target.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new MigrationError("FinalizingFailed", "Could not finish the target tables: "
                    + PgErrors.firstLine(e) + ".", e);
        }
    }

    private static void runGroup(Database target, List<PostCopyStep> group, int workers) {
        if (group.isEmpty()) {
            return;
        }
        ConcurrentLinkedQueue<PostCopyStep> queue = new ConcurrentLinkedQueue<>(group);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread thread = new Thread(r, "indexing");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < workers; i++) {
                futures.add(pool.submit(() -> work(target, queue, failure)));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrationError("IndexingInterrupted", "Indexing was interrupted; run again to finish it.", e);
        } catch (ExecutionException e) {
            failure.compareAndSet(null, new IllegalStateException(e.getCause()));
        } finally {
            pool.shutdownNow();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /** A worker: one connection, steps from the shared queue until it is empty or another worker failed. */
    private static void work(Database target, ConcurrentLinkedQueue<PostCopyStep> queue,
                             AtomicReference<RuntimeException> failure) {
        try (Connection c = target.connect()) {
            PostCopyStep step;
            while (failure.get() == null && (step = queue.poll()) != null) {
                run(c, step);
            }
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        } catch (SQLException e) {
            failure.compareAndSet(null, new MigrationError("TargetUnreachable", "Lost the target connection while"
                    + " indexing: " + PgErrors.firstLine(e) + ".", e));
        }
    }
}
