package io.tablemigrator.engine.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.ParallelRunner;
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
        try (ParallelRunner runner = new ParallelRunner(workers, "indexing")) {
            group.forEach(step -> runner.submit(() -> run(target, step)));
            runner.awaitAll();
        } catch (MigrationError e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("indexing failed: " + e.getMessage(), e);
        }
    }

    /** One step on a connection of its own. */
    public static void run(Database target, PostCopyStep step) {
        try (Connection c = target.connect()) {
            run(c, step);
        } catch (SQLException e) {
            throw new MigrationError("TargetUnreachable", "Lost the target connection while indexing: "
                    + PgErrors.firstLine(e) + ".", e);
        }
    }
}
