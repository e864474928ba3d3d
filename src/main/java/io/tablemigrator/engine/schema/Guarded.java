package io.tablemigrator.engine.schema;

import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.db.Sql;

/**
 * Post-copy statements that are safe to run again: each is a DO block that creates its object only when the
 * target table does not have it yet, so a resumed Indexing stage skips what the last run finished. The block
 * also empties search_path for its own transaction, since the definitions it runs were printed for one.
 */
final class Guarded {
    private Guarded() {
    }

    /** {@code ddl} unless the table already has an index of that name. */
    static String unlessIndexExists(QualifiedName table, String index, String ddl) {
        return unless("SELECT 1 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid"
                + " WHERE i.indrelid = " + table.regclass() + " AND c.relname = " + Sql.literal(index), ddl);
    }

    /** {@code ddl} unless the table already has a constraint of that name. */
    static String unlessConstraintExists(QualifiedName table, String constraint, String ddl) {
        return unless("SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = " + table.regclass()
                + " AND conname = " + Sql.literal(constraint), ddl);
    }

    private static String unless(String existsQuery, String ddl) {
        String body = "BEGIN PERFORM pg_catalog.set_config('search_path', '', true); IF NOT EXISTS ("
                + existsQuery + ") THEN EXECUTE " + Sql.literal(ddl) + "; END IF; END";
        String tag = "$tm$";
        for (int i = 1; body.contains(tag); i++) {
            tag = "$tm" + i + "$";
        }
        return "DO " + tag + body + tag;
    }
}
