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
    /**
     * For sessions whose values' text goes to the other database or is compared with the other's: an empty
     * search_path (as PostgreSQL's own publisher uses), so that values of OID-alias types (regclass, regtype,
     * regproc...) print as schema-qualified names, which resolve to the same objects whatever the other side's
     * search_path. Writing sessions keep the user's search_path: the target's triggers, defaults and checks may
     * rely on it.
     */
    private static final String READER_SETTINGS = "SET search_path = ''";

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

    /**
     * A connection that reads rows to send their text to the other database or to compare it with the other's
     * (the copy's source side, validation): the engine's settings and an empty search_path.
     */
    public Connection connectReader() {
        return connect(url.properties(), SESSION_SETTINGS + "; " + READER_SETTINGS);
    }

    /**
     * A logical replication (walsender) connection to the database, with a reader's settings: pgoutput formats
     * the values it sends with them.
     */
    public Connection connectReplication() {
        Properties props = url.properties();
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        return connect(props, SESSION_SETTINGS + "; " + READER_SETTINGS);
    }

    private Connection connect(Properties props) {
        return connect(props, SESSION_SETTINGS);
    }

    private Connection connect(Properties props, String settings) {
        Connection connection = open(props);
        try (Statement st = connection.createStatement()) {
            st.execute(settings);
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
