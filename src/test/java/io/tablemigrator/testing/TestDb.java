package io.tablemigrator.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** One database of a {@link PgServer}: its URL for manifests, and plain JDBC for setting up and checking. */
public final class TestDb {
    private final PgServer server;
    private final String name;

    TestDb(PgServer server, String name) {
        this.server = server;
        this.name = name;
    }

    public String name() {
        return name;
    }

    public PgServer server() {
        return server;
    }

    /** libpq URI as the superuser. */
    public String url() {
        return server.url("postgres", null, name);
    }

    /** libpq URI as another user. */
    public String url(String user, String password) {
        return server.url(user, password, name);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + server.port() + "/" + name, "postgres", "");
    }

    /** Runs statements (several may be separated by semicolons). */
    public void execute(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Every row of a query, each as a list of column values in their text form (null stays null). */
    public List<List<String>> query(String sql) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'; SET extra_float_digits = 3");
            return rows(st.executeQuery(sql));
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static List<List<String>> rows(ResultSet rs) throws SQLException {
        try (rs) {
            ResultSetMetaData md = rs.getMetaData();
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** The first column of the first row. */
    public String queryValue(String sql) {
        List<List<String>> rows = query(sql);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    public long count(String quotedTable) {
        return Long.parseLong(queryValue("SELECT count(*) FROM " + quotedTable));
    }

    /**
     * Every row of a table as text, sorted: two tables hold the same rows exactly when these lists are equal.
     * The session's settings fix the text forms (UTC timestamps, hex bytea) so both servers print alike.
     */
    public List<String> rowsOf(String quotedTable) {
        return query("SELECT t::text FROM " + quotedTable + " t ORDER BY 1").stream().map(r -> r.get(0)).toList();
    }
}
