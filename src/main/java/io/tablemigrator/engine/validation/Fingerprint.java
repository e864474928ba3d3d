package io.tablemigrator.engine.validation;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.db.Sql;

/**
 * A table's row count and, for Checksum validation, an order-independent checksum: the sum of a 64-bit hash of
 * every row's text form. Equal sums on both sides mean the same multiset of rows, whatever the physical order.
 * The hash is hashtextextended, the function behind hash partitioning, which PostgreSQL keeps stable across major
 * versions; text forms are made alike on both sides by the session settings of {@link io.tablemigrator.engine.db.Database}.
 *
 * @param checksum   null when only counting
 * @param statistics PostgreSQL's own figure for the rows, to tell a count that could not see every row
 */
public record Fingerprint(long rows, BigDecimal checksum, StatisticsRowCount statistics) {

    public static Fingerprint of(Connection c, QualifiedName table, List<String> columns, boolean withChecksum)
            throws SQLException {
        String row = "ROW(" + columns.stream().map(Sql::ident).collect(Collectors.joining(", ")) + ")::text COLLATE \"C\"";
        String sql = withChecksum
                // sum of bigint is exact (a numeric result) and accumulates in 128-bit integers: cheaper than a
                // numeric addition per row
                ? "SELECT count(*), coalesce(sum(hashtextextended(" + row + ", 0)), 0) FROM " + table.quoted()
                : "SELECT count(*), NULL::numeric FROM " + table.quoted();
        StatisticsRowCount statistics = StatisticsRowCount.read(c, table);
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return new Fingerprint(rs.getLong(1), rs.getBigDecimal(2), statistics);
        }
    }
}
