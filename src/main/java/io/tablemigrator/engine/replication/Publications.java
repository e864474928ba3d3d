package io.tablemigrator.engine.replication;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.db.Sql;

/**
 * The source publication that tells pgoutput which tables to decode: exactly the migration's source tables.
 * Must exist before the slot is created, so that the slot's first change is already filtered the same way.
 * <p>
 * From PostgreSQL 13 on it publishes through the partition root: a change to any partition of a listed partitioned
 * table, including partitions created after the publication, comes as a change of that table (a row moving between
 * partitions is one UPDATE), and the target routes it to its own partition. PostgreSQL 12 cannot publish a
 * partitioned table at all; preflight refuses Online mode for one there.
 */
public final class Publications {
    private Publications() {
    }

    /**
     * Creates the publication, or fixes its table list if a previous run left a different one. Idempotent.
     */
    public static void ensure(Database source, MigrationPlan plan) {
        List<QualifiedName> tables = plan.tables().stream().map(TableMapping::source).toList();
        ensure(source, plan.publicationName(), tables);
    }

    public static void ensure(Database source, String publication, List<QualifiedName> tables) {
        String list = tables.stream().map(QualifiedName::quoted).collect(Collectors.joining(", "));
        try (Connection c = source.connect(); Statement st = c.createStatement()) {
            boolean viaRoot = c.getMetaData().getDatabaseMajorVersion() >= 13;
            if (!exists(c, publication)) {
                st.execute("CREATE PUBLICATION " + Sql.ident(publication) + " FOR TABLE " + list
                        + (viaRoot ? " WITH (publish_via_partition_root = true)" : ""));
                return;
            }
            if (viaRoot) {
                st.execute("ALTER PUBLICATION " + Sql.ident(publication) + " SET (publish_via_partition_root = true)");
            }
            Set<QualifiedName> current = tablesOf(c, publication);
            if (!current.equals(new LinkedHashSet<>(tables))) {
                // SET TABLE replaces the list in one statement; also drops a table a previous plan had.
                st.execute("ALTER PUBLICATION " + Sql.ident(publication) + " SET TABLE " + list);
            }
            // a publication made by hand might not publish every kind of change
            try (PreparedStatement ps = c.prepareStatement("SELECT pubinsert AND pubupdate AND pubdelete"
                    + " AND pubtruncate FROM pg_publication WHERE pubname = ?")) {
                ps.setString(1, publication);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && !rs.getBoolean(1)) {
                        st.execute("ALTER PUBLICATION " + Sql.ident(publication)
                                + " SET (publish = 'insert, update, delete, truncate')");
                    }
                }
            }
        } catch (SQLException e) {
            throw ReplicationErrors.publication(publication, e);
        }
    }

    public static boolean exists(Database source, String publication) {
        try (Connection c = source.connect()) {
            return exists(c, publication);
        } catch (SQLException e) {
            throw ReplicationErrors.publication(publication, e);
        }
    }

    /** The tables the publication publishes now. */
    public static Set<QualifiedName> tables(Database source, String publication) {
        try (Connection c = source.connect()) {
            return tablesOf(c, publication);
        } catch (SQLException e) {
            throw ReplicationErrors.publication(publication, e);
        }
    }

    public static void drop(Database source, String publication) {
        try (Connection c = source.connect(); Statement st = c.createStatement()) {
            st.execute("DROP PUBLICATION IF EXISTS " + Sql.ident(publication));
        } catch (SQLException e) {
            throw ReplicationErrors.publication(publication, e);
        }
    }

    private static boolean exists(Connection c, String publication) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Set<QualifiedName> tablesOf(Connection c, String publication) throws SQLException {
        Set<QualifiedName> tables = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(new QualifiedName(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return tables;
    }
}
