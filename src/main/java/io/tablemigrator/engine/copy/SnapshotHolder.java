package io.tablemigrator.engine.copy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.PgErrors;

/**
 * An exported REPEATABLE READ snapshot of the source, kept alive (its transaction open) until closed: the one
 * consistent point of an Offline copy, which every parallel stream imports.
 */
public final class SnapshotHolder implements AutoCloseable {
    private final Connection connection;
    private final String name;

    private SnapshotHolder(Connection connection, String name) {
        this.connection = connection;
        this.name = name;
    }

    public static SnapshotHolder export(Database db) {
        Connection c = db.connect();
        try (Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            try (ResultSet rs = st.executeQuery("SELECT pg_export_snapshot()")) {
                rs.next();
                return new SnapshotHolder(c, rs.getString(1));
            }
        } catch (SQLException e) {
            Database.closeQuietly(c);
            throw new MigrationError(PgErrors.reasonPrefix(db.side()) + "Unreachable", "Cannot take a snapshot of the " + db.side()
                    + ": " + PgErrors.firstLine(e) + ".", e);
        }
    }

    /** The snapshot's name, for SET TRANSACTION SNAPSHOT. */
    public String name() {
        return name;
    }

    @Override
    public void close() {
        Database.closeQuietly(connection);
    }
}
