package io.tablemigrator.engine.copy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.postgresql.util.PSQLException;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.PgErrors;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.db.Sql;
import io.tablemigrator.engine.schema.OidAliasType;

/**
 * Explains a copy the target refused because a value of an OID-alias type (regclass, regtype, regproc...) names an
 * object the target database lacks. Such values travel by name (see {@link OidAliasType}); PostgreSQL's error
 * names the object but neither the column nor the row, so the column and the value are found by resolving, on the
 * target, every distinct name the source's columns hold.
 */
final class UnresolvedReference {
    /** A name that does not resolve: undefined table, object, function or schema; an ambiguous function name. */
    private static final Set<String> UNRESOLVED = Set.of("42P01", "42704", "42883", "3F000", "42725");
    /** Names resolved on the target per round trip; a batch that fails is resolved name by name. */
    private static final int BATCH = 500;

    /** A copied column whose type is an OID-alias type, or an array or domain over one. */
    private record AliasColumn(String name, OidAliasType type, boolean array) {
        String display() {
            return Sql.ident(name) + " (" + type.typeName() + (array ? "[]" : "") + ")";
        }
    }

    /** A name the target could not resolve, and the target's error saying so. */
    private record Unresolved(String value, String error) {
    }

    private UnresolvedReference() {
    }

    /**
     * The sentence for a failed copy of {@code table}, when the failure is a name in one of its OID-alias columns
     * that the target cannot resolve; empty when it is not (or when that cannot be told), and the copy's own error
     * stands.
     *
     * @param snapshot the copy's snapshot, read again if it is still alive, so that the value found is one the
     *                 copy sent
     */
    static Optional<MigrationError> explain(SQLException failure, CopyTable table, Database source, String snapshot,
                                            Database target) {
        if (!UNRESOLVED.contains(failure.getSQLState())) {
            return Optional.empty();
        }
        try (Connection src = source.connectReader(); Connection tgt = target.connect()) {
            src.setAutoCommit(false);
            readInSnapshot(src, snapshot);
            List<AliasColumn> columns = aliasColumns(src, table);
            if (columns.isEmpty()) {
                return Optional.empty();
            }
            for (AliasColumn column : columns) {
                Optional<Unresolved> missing = firstUnresolved(src, tgt, table.mapping().source(), column);
                if (missing.isPresent()) {
                    return Optional.of(missingObject(table, column, missing.get(), failure));
                }
            }
            return Optional.of(new MigrationError("ReferencedObjectMissing", "Copying source table "
                    + table.mapping().source().display() + " failed: " + message(failure) + ". Its "
                    + (columns.size() == 1 ? "column " : "columns ")
                    + columns.stream().map(AliasColumn::display).collect(Collectors.joining(", "))
                    + (columns.size() == 1 ? " holds" : " hold") + " references to database objects, which are"
                    + " carried by name: each object named must exist on the target. Create it there, then run the"
                    + " migration again.", failure));
        } catch (SQLException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static MigrationError missingObject(CopyTable table, AliasColumn column, Unresolved missing,
                                                SQLException failure) {
        return new MigrationError("ReferencedObjectMissing", "Source table " + table.mapping().source().display()
                + " holds " + Sql.literal(missing.value()) + " in column " + column.display() + ", which names a "
                + column.type().objectKind() + " that the target database does not have (" + missing.error()
                + "). Values of type " + column.type().typeName() + " are carried by name: create that "
                + column.type().objectKind() + " on the target (or migrate it too), or change the value on the"
                + " source; then run the migration again.", failure);
    }

    /** Reads in the copy's snapshot while it is alive; once it is gone, as the source is now. */
    private static void readInSnapshot(Connection src, String snapshot) throws SQLException {
        try (Statement st = src.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            st.execute("SET TRANSACTION SNAPSHOT " + Sql.literal(snapshot));
        } catch (SQLException e) {
            src.rollback();
        }
    }

    /** The table's copied columns of an OID-alias type, through domains and arrays, in column order. */
    private static List<AliasColumn> aliasColumns(Connection src, CopyTable table) throws SQLException {
        List<AliasColumn> columns = new ArrayList<>();
        try (PreparedStatement ps = src.prepareStatement("""
                WITH RECURSIVE col AS (
                    SELECT a.attnum, a.attname::text AS name, a.atttypid AS type, false AS is_array
                    FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = ?::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped
                  UNION ALL
                    SELECT col.attnum, col.name, CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.typelem END,
                           col.is_array OR t.typtype <> 'd'
                    FROM col JOIN pg_catalog.pg_type t ON t.oid = col.type
                    WHERE t.typtype = 'd' OR (t.typelem <> 0 AND t.typlen = -1))
                SELECT col.name, t.typname::text, col.is_array
                FROM col JOIN pg_catalog.pg_type t ON t.oid = col.type
                WHERE t.typnamespace = 'pg_catalog'::pg_catalog.regnamespace
                ORDER BY col.attnum""")) {
            ps.setString(1, table.mapping().source().quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    Optional<OidAliasType> type = OidAliasType.named(rs.getString(2));
                    if (type.isPresent() && table.columns().sourceColumns().contains(name)) {
                        columns.add(new AliasColumn(name, type.get(), rs.getBoolean(3)));
                    }
                }
            }
        }
        return columns;
    }

    /** The first of the column's distinct names that the target cannot resolve, with the target's error. */
    private static Optional<Unresolved> firstUnresolved(Connection src, Connection tgt, QualifiedName table,
                                                      AliasColumn column) throws SQLException {
        String c = Sql.ident(column.name());
        String values = column.array()
                ? "SELECT DISTINCT v::text FROM " + table.quoted() + " t CROSS JOIN LATERAL pg_catalog.unnest(t." + c
                        + ") v WHERE v IS NOT NULL"
                : "SELECT DISTINCT " + c + "::text FROM " + table.quoted() + " WHERE " + c + " IS NOT NULL";
        try (Statement st = src.createStatement()) {
            st.setFetchSize(BATCH);
            try (ResultSet rs = st.executeQuery(values)) {
                List<String> batch = new ArrayList<>(BATCH);
                while (true) {
                    boolean more = rs.next();
                    if (more) {
                        batch.add(rs.getString(1));
                    }
                    if (batch.size() == BATCH || (!more && !batch.isEmpty())) {
                        Optional<Unresolved> missing = unresolved(tgt, column.type(), batch);
                        if (missing.isPresent()) {
                            return missing;
                        }
                        batch.clear();
                    }
                    if (!more) {
                        return Optional.empty();
                    }
                }
            }
        }
    }

    /** Resolves names as COPY does (the input function, in the target user's session); the first that fails. */
    private static Optional<Unresolved> unresolved(Connection tgt, OidAliasType type, List<String> names)
            throws SQLException {
        if (resolveError(tgt, type, names) == null) {
            return Optional.empty();
        }
        for (String name : names) {
            String error = resolveError(tgt, type, List.of(name));
            if (error != null) {
                return Optional.of(new Unresolved(name, error));
            }
        }
        return Optional.empty();
    }

    private static String resolveError(Connection tgt, OidAliasType type, List<String> names) throws SQLException {
        try (PreparedStatement ps = tgt.prepareStatement("SELECT count(v::pg_catalog." + type.typeName()
                + ") FROM pg_catalog.unnest(?::text[]) v")) {
            ps.setArray(1, tgt.createArrayOf("text", names.toArray()));
            ps.executeQuery().close();
            return null;
        } catch (SQLException e) {
            if (UNRESOLVED.contains(e.getSQLState())) {
                return message(e);
            }
            throw e;
        }
    }

    /** The server's own sentence (relation "app.audit_target" does not exist), without the driver's decoration. */
    private static String message(SQLException e) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null
                && p.getServerErrorMessage().getMessage() != null) {
            return p.getServerErrorMessage().getMessage();
        }
        return PgErrors.firstLine(e);
    }
}
