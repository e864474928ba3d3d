package io.tablemigrator.engine.preflight;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import io.tablemigrator.engine.db.QualifiedName;

/** What preflight needs to know of one source table, read from the catalogs. */
record SourceTable(char kind, boolean readable, boolean ownedOrSuperuser) {

    static SourceTable read(Connection c, QualifiedName name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT c.relkind,
                       has_table_privilege(c.oid, 'SELECT'),
                       pg_has_role(current_user, c.relowner, 'USAGE')
                         OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relname = ?""")) {
            ps.setString(1, name.schema());
            ps.setString(2, name.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new SourceTable(rs.getString(1).charAt(0), rs.getBoolean(2), rs.getBoolean(3));
            }
        }
    }

    /** A table whose name differs only in case or quoting: the usual mistake with literal identifiers. */
    static Optional<QualifiedName> similarName(Connection c, QualifiedName name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p') AND lower(n.nspname) = lower(?)
                  AND lower(replace(c.relname, ' ', '_')) = lower(replace(?, ' ', '_'))
                LIMIT 1""")) {
            ps.setString(1, name.schema().replace("\"", ""));
            ps.setString(2, name.name().replace("\"", ""));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new QualifiedName(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }
}
