package io.tablemigrator.engine.cutover;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.db.Sql;

/**
 * The lasting fence on the migrated source tables: a statement trigger that refuses INSERT, UPDATE, DELETE and
 * TRUNCATE with SQLSTATE 25006 (read_only_sql_transaction) and a message naming the migration, so that an
 * application fails cleanly instead of writing rows that would be lost. Used for the whole of an Offline migration
 * and after an Online cutover with sourceAfterCutover ReadOnly.
 * <p>
 * Creating a trigger takes a lock that conflicts with writers, so by the time {@link #install} commits, every
 * write that started before it has finished: a snapshot taken afterwards sees all rows the source will ever have.
 */
public final class Fence {
    /** Why the tables are fenced; becomes part of the error the application sees. */
    public enum Purpose {
        COPYING("is copying it to another database; writes are refused until it finishes or is cancelled"),
        MOVED("moved it to another database; write to the target database instead");

        private final String explanation;

        Purpose(String explanation) {
            this.explanation = explanation;
        }
    }

    private final MigrationPlan plan;

    public Fence(MigrationPlan plan) {
        this.plan = plan;
    }

    /** The trigger function lives in the first table's schema; the triggers of all tables call it. */
    private QualifiedName function() {
        return new QualifiedName(plan.tables().get(0).source().schema(), plan.fenceName());
    }

    /**
     * Installs (or re-aims) the fence on every migrated table in one transaction. Each try waits at most a few
     * seconds for writers in flight, so that a long transaction on the source does not stall the application's
     * writes queued behind the fence's lock; then it tries again.
     */
    public void install(Connection source, Purpose purpose) {
        SQLException last = null;
        for (int attempt = 1; attempt <= INSTALL_ATTEMPTS; attempt++) {
            try {
                tryInstall(source, purpose);
                return;
            } catch (SQLException e) {
                last = e;
                if (!isLockContention(e)) {
                    break;
                }
            }
        }
        throw new MigrationError("FenceFailed", "Cannot block writes on the source tables: " + last.getMessage()
                + (isLockContention(last) ? ". A long transaction holds them; end it and run again."
                        : ". The migration's user must own the source tables and may create functions in schema "
                                + function().schema() + "."), last);
    }

    private static final int INSTALL_ATTEMPTS = 10;

    /** Lock timeout, or a deadlock with an application transaction that writes two of the tables: worth a retry. */
    private static boolean isLockContention(SQLException e) {
        return "55P03".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
    }

    private void tryInstall(Connection source, Purpose purpose) throws SQLException {
        try {
            source.setAutoCommit(false);
            try (Statement st = source.createStatement()) {
                st.execute("SET LOCAL lock_timeout = '3s'");
                createIn(st, purpose);
            }
            source.commit();
        } catch (SQLException e) {
            rollbackQuietly(source);
            throw e;
        } finally {
            autoCommit(source);
        }
    }

    /**
     * Creates the fence inside the caller's open transaction: the cutover adds it to the transaction that holds
     * the write lock, so that writers waiting on the lock meet the fence the moment the lock goes.
     */
    void createIn(Statement st, Purpose purpose) throws SQLException {
        st.execute("CREATE OR REPLACE FUNCTION " + function().quoted() + "() RETURNS trigger LANGUAGE plpgsql AS "
                + "$fence$ BEGIN RAISE EXCEPTION USING ERRCODE = 'read_only_sql_transaction', MESSAGE = "
                + "format('table %I.%I is read-only: tablemigrator migration %s %s', TG_TABLE_SCHEMA, "
                + "TG_TABLE_NAME, TG_ARGV[0], TG_ARGV[1]); END $fence$");
        for (QualifiedName table : fenced(st.getConnection())) {
            st.execute("DROP TRIGGER IF EXISTS " + Sql.ident(plan.fenceName()) + " ON " + table.quoted());
            st.execute("CREATE TRIGGER " + Sql.ident(plan.fenceName())
                    + " BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON " + table.quoted()
                    + " FOR EACH STATEMENT EXECUTE PROCEDURE " + function().quoted() + "("
                    + Sql.literal(plan.id()) + ", " + Sql.literal(purpose.explanation) + ")");
        }
    }

    /**
     * The migrated tables and every partition of those that are partitioned: a statement trigger on a partitioned
     * table fires for statements on it, not for those that name one of its partitions.
     */
    private List<QualifiedName> fenced(Connection source) throws SQLException {
        List<QualifiedName> tables = new ArrayList<>();
        try (PreparedStatement ps = source.prepareStatement("SELECT n.nspname, c.relname"
                + " FROM pg_partition_tree(?::regclass) t JOIN pg_class c ON c.oid = t.relid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE t.level > 0 AND c.relkind IN ('r', 'p') ORDER BY t.level, n.nspname, c.relname")) {
            for (TableMapping table : plan.tables()) {
                tables.add(table.source());
                ps.setString(1, table.source().quoted());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tables.add(new QualifiedName(rs.getString(1), rs.getString(2)));
                    }
                }
            }
        }
        return tables;
    }

    /** Whether every migrated table carries the fence right now. */
    public boolean isInstalled(Connection source) {
        try (PreparedStatement ps = source.prepareStatement("SELECT count(*) FROM pg_trigger WHERE tgname = ?"
                + " AND NOT tgisinternal AND tgenabled <> 'D' AND tgrelid = ANY (?::text[]::regclass[])")) {
            ps.setString(1, plan.fenceName());
            ps.setArray(2, source.createArrayOf("text", plan.tables().stream().map(t -> t.source().quoted()).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == plan.tables().size();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not look for the fence: " + e.getMessage(), e);
        }
    }

    /** Removes the fence (trigger function and, through CASCADE, every trigger calling it); harmless when absent. */
    public void lift(Connection source) {
        try (Statement st = source.createStatement()) {
            st.execute("DROP FUNCTION IF EXISTS " + function().quoted() + "() CASCADE");
        } catch (SQLException e) {
            throw new MigrationError("FenceFailed", "Cannot lift the write fence on the source tables: " + e.getMessage()
                    + ". Drop it by hand: DROP FUNCTION " + function().quoted() + "() CASCADE;", e);
        }
    }

    /** The tables' names as one LOCK TABLE list. */
    static String tableList(List<TableMapping> tables) {
        return String.join(", ", tables.stream().map(t -> t.source().quoted()).toList());
    }

    static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the server rolls back when it notices
        }
    }

    private static void autoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // a broken connection is closed by its owner
        }
    }
}
