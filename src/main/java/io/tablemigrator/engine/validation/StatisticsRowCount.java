package io.tablemigrator.engine.validation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import io.tablemigrator.engine.db.QualifiedName;

/**
 * A table's row count that does not come from reading the table: PostgreSQL's cumulative statistics
 * ({@code pg_stat_all_tables.n_live_tup}), which the server keeps from every insert and delete of every session and
 * sets afresh at each VACUUM and ANALYZE.
 * <p>
 * Validation counts rows by reading them, as the copy did. A read that cannot see some rows (a row-level security
 * policy, a snapshot from before they were written) counts on the source exactly the rows the copy moved, and
 * both sides agree on a part of the table; the copy's own tally would agree too. This figure goes through no such
 * read, so a count far below it means that rows were not seen.
 * <p>
 * It is an approximation, and a failed validation is permanent, so it only catches reads that missed most of a
 * table: ANALYZE estimates large tables; a session's changes reach the view when it goes idle, up to ten seconds
 * later (PostgreSQL 15 and newer), so a queue table's last deletes may not be in it yet; validation reads both sides
 * as they were at the cutover point, while the statistics, read later, also hold what the application wrote since
 * (on the target it may already be writing). A count below half the statistics' figure, by at least a thousand rows,
 * fails validation; a figure of zero (statistics off or reset) checks nothing.
 *
 * @param liveRows the statistics' live rows when read
 */
record StatisticsRowCount(long liveRows) {
    /** Fewer missing rows than this are within what stale statistics and later writes explain. */
    private static final long SLACK_ROWS = 1000;

    /** Read before counting, in the validating transaction. */
    static StatisticsRowCount read(Connection c, QualifiedName table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT n_live_tup FROM pg_catalog.pg_stat_all_tables WHERE relid = ?::pg_catalog.regclass")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                return new StatisticsRowCount(rs.next() ? rs.getLong(1) : 0);
            }
        }
    }

    /** A sentence for the validation failure when {@code counted} is too far below to be the whole table. */
    Optional<String> disagreement(String side, QualifiedName table, long counted) {
        if (counted >= liveRows / 2 || liveRows - counted < SLACK_ROWS) {
            return Optional.empty();
        }
        return Optional.of(side + " table " + table.display() + ": validation counted " + counted + " rows where"
                + " PostgreSQL's statistics count about " + liveRows + " live rows, so its reads did not see every"
                + " row (if the statistics are out of date, ANALYZE " + table.quoted() + " and migrate again)");
    }
}
