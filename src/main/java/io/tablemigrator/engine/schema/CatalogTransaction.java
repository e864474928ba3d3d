package io.tablemigrator.engine.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import io.tablemigrator.engine.db.Database;

/**
 * Runs catalog reads the way every reader in this package needs them: one snapshot, so that several queries
 * see one consistent catalog, and an empty search_path, so that pg_get_expr, pg_get_indexdef, format_type and
 * friends qualify every name outside pg_catalog and their text means the same thing on another database.
 * The caller's connection is given back as it was.
 */
final class CatalogTransaction {
    interface Work<T> {
        T run() throws SQLException;
    }

    private CatalogTransaction() {
    }

    /**
     * In auto-commit mode the work gets its own REPEATABLE READ transaction; inside the caller's transaction it
     * uses that one (the caller chose the snapshot) and the search_path is put back afterwards.
     */
    static <T> T run(Connection c, Work<T> work) throws SQLException {
        if (!c.getAutoCommit()) {
            String previous = currentSearchPath(c);
            setSearchPath(c, "");
            try {
                return work.run();
            } finally {
                setSearchPath(c, previous);
            }
        }
        int isolation = c.getTransactionIsolation();
        c.setAutoCommit(false);
        try {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            setSearchPath(c, "");
            T result = work.run();
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        } finally {
            c.setAutoCommit(true);
            c.setTransactionIsolation(isolation);
        }
    }

    /** Transaction-local, so that it ends with the transaction whatever happens. */
    static void setSearchPath(Connection c, String path) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.set_config('search_path', ?, true)")) {
            ps.setString(1, path);
            ps.execute();
        }
    }

    private static String currentSearchPath(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.current_setting('search_path')");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void rollbackQuietly(Connection c) {
        Database.closeQuietly(c::rollback);
    }
}
