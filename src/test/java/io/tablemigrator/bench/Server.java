package io.tablemigrator.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** One PostgreSQL server of the benchmark, reached over TCP as the superuser postgres (trust authentication). */
final class Server {
    private final String role;
    private final int port;

    Server(String role, int port) {
        this.role = role;
        this.port = port;
    }

    /** "source" or "target". */
    String role() {
        return role;
    }

    int port() {
        return port;
    }

    /** libpq URI, for manifests and CONNECTION strings' host and port. */
    String url(String database) {
        return "postgresql://postgres@localhost:" + port + "/" + database;
    }

    /** Connection options for psql, pg_dump and pgbench (the database name goes last, on its own). */
    String cliArgs() {
        return "-h localhost -p " + port + " -U postgres";
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database, "postgres", "");
    }

    /** Runs SQL (several statements may be separated by semicolons) in auto-commit mode. */
    void execute(String database, String sql) {
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(role + "/" + database + ": " + sql.strip().lines().findFirst().orElse("")
                    + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row, as text; null when there is no row. */
    String queryValue(String database, String sql) {
        try (Connection c = connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(role + "/" + database + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    void createDatabase(String name) {
        dropDatabase(name);
        execute("postgres", "CREATE DATABASE " + name);
    }

    void createDatabase(String name, String template) {
        dropDatabase(name);
        execute("postgres", "CREATE DATABASE " + name + " TEMPLATE " + template);
    }

    void dropDatabase(String name) {
        execute("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    String version() {
        return queryValue("postgres", "SHOW server_version");
    }
}
