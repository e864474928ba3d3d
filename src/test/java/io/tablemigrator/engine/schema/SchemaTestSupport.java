package io.tablemigrator.engine.schema;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.postgresql.PGConnection;

import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.PgUrl;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.testing.TestDb;

/** Catalog queries and a stand-in for the copy, for the schema tests. */
final class SchemaTestSupport {
    private SchemaTestSupport() {
    }

    static Database database(String side, TestDb db) {
        return new Database(side, PgUrl.parse(db.url()));
    }

    /**
     * Rows of a query run with an empty search_path, so that catalog functions print qualified names on both
     * servers alike.
     */
    static List<List<String>> catalog(TestDb db, String sql) {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET search_path = ''");
            try (ResultSet rs = st.executeQuery(sql)) {
                List<List<String>> rows = new ArrayList<>();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static String catalogValue(TestDb db, String sql) {
        List<List<String>> rows = catalog(db, sql);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }

    /** Name, type, NOT NULL, identity, generated, collation, default and generation expression of each column. */
    static List<List<String>> columns(TestDb db, QualifiedName table) {
        return catalog(db, """
                SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull::text, a.attidentity::text,
                       a.attgenerated::text, co.collname, pg_catalog.pg_get_expr(d.adbin, d.adrelid)
                FROM pg_catalog.pg_attribute a
                LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
                WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""".formatted(table.regclass()));
    }

    /** Constraint name, type and pg_get_constraintdef, by name. */
    static List<List<String>> constraints(TestDb db, QualifiedName table) {
        return catalog(db, "SELECT conname, contype::text, pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint"
                + " WHERE conrelid = " + table.regclass() + " AND contype <> 'n' ORDER BY conname");
    }

    /** Index name and pg_get_indexdef, by name. */
    static List<List<String>> indexes(TestDb db, QualifiedName table) {
        return catalog(db, "SELECT c.relname, pg_catalog.pg_get_indexdef(i.indexrelid) FROM pg_catalog.pg_index i"
                + " JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = " + table.regclass()
                + " ORDER BY c.relname");
    }

    /** An index definition without its head: method, keys, opclasses, INCLUDE, WITH and WHERE. */
    static String indexBody(String indexdef) {
        return indexdef.substring(indexdef.indexOf(" USING ") + " USING ".length());
    }

    /** Stands in for the engine's copy: COPY out of the source, COPY into the target, in text form. */
    static void copy(Database source, Database target, QualifiedName from, QualifiedName to, CopyColumns columns) {
        try (Connection s = source.connect(); Connection t = target.connect()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            s.unwrap(PGConnection.class).getCopyAPI().copyOut(
                    "COPY (SELECT " + columns.sourceList() + " FROM " + from.quoted() + ") TO STDOUT", out);
            t.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY " + to.quoted() + " (" + columns.targetList() + ") FROM STDIN",
                    new ByteArrayInputStream(out.toByteArray()));
        } catch (Exception e) {
            throw new IllegalStateException("copy of " + from + " failed: " + e.getMessage(), e);
        }
    }
}
