package io.tablemigrator.engine.schema;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The few JDBC shapes the catalog readers use, so that each query reads as its SQL and its row mapping. */
final class Jdbc {
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private Jdbc() {
    }

    static <T> List<T> list(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(row.map(rs));
                }
                return rows;
            }
        }
    }

    static <T> Optional<T> one(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        List<T> rows = list(c, sql, row, params);
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    static int serverVersion(Connection c) throws SQLException {
        return one(c, "SELECT pg_catalog.current_setting('server_version_num')::int", rs -> rs.getInt(1)).orElseThrow();
    }

    /** A text[] column as a list; SQL NULL as an empty list. */
    static List<String> strings(ResultSet rs, int column) throws SQLException {
        Array array = rs.getArray(column);
        if (array == null) {
            return List.of();
        }
        return Arrays.asList((String[]) array.getArray());
    }

    /** A "char" column (contype, relkind, ...) as a char; '\0' when empty or NULL. */
    static char letter(ResultSet rs, int column) throws SQLException {
        String s = rs.getString(column);
        return s == null || s.isEmpty() ? '\0' : s.charAt(0);
    }
}
