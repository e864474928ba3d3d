package io.tablemigrator.engine.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.postgresql.PGProperty;

/**
 * One side of a migration (source or target): opens connections with the session settings every part
 * of the engine relies on, so that text forms of values (timestamps, floats, bytea) are the same on both sides.
 * <p>
 * Every session runs with {@code row_security = off}, as pg_dump's do: a table whose row-level security policies
 * would hide rows from the migration's user then raises an error instead of being read (or written) in part. A
 * copy or a validation that silently saw fewer rows would agree with itself; this way it cannot run at all.
 */
public final class Database {
    private static final String SESSION_SETTINGS = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; "
            + "SET IntervalStyle = 'postgres'; SET extra_float_digits = 3; SET bytea_output = 'hex'; "
            + "SET statement_timeout = 0; SET lock_timeout = 0; SET idle_in_transaction_session_timeout = 0; "
            + "SET row_security = off";

    private final String side;
    private final PgUrl url;

    public Database(String side, PgUrl url) {
        this.side = side;
        this.url = url;
    }

    /** "source" or "target", as messages name it. */
    public String side() {
        return side;
    }

    public PgUrl url() {
        return url;
    }

    /** A connection in auto-commit mode with the engine's session settings. */
    public Connection connect() {
        return connect(url.properties());
    }

    /** A logical replication (walsender) connection to the database. */
    public Connection connectReplication() {
        Properties props = url.properties();
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        return open(props);
    }

    private Connection connect(Properties props) {
        Connection connection = open(props);
        try (Statement st = connection.createStatement()) {
            st.execute(SESSION_SETTINGS);
            return connection;
        } catch (SQLException e) {
            closeQuietly(connection);
            throw PgErrors.onConnect(side, url, e);
        }
    }

    private Connection open(Properties props) {
        props.putIfAbsent(PGProperty.APPLICATION_NAME.getName(), "tablemigrator");
        props.putIfAbsent(PGProperty.CONNECT_TIMEOUT.getName(), "10");
        props.putIfAbsent(PGProperty.TCP_KEEP_ALIVE.getName(), "true");
        try {
            return DriverManager.getConnection(url.jdbcUrl(), props);
        } catch (SQLException e) {
            throw PgErrors.onConnect(side, url, e);
        }
    }

    public static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing after a failure: the first error is the one worth reporting
        }
    }
}
