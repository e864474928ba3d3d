package io.tablemigrator.engine.replication;

import java.util.BitSet;
import java.util.StringJoiner;

import io.tablemigrator.engine.db.Sql;

/**
 * One parameterised statement the applier runs on the target, identified by everything that changes its text:
 * the table, the operation, the columns it sets and the columns (and which of them are NULL) it finds the row by.
 * Equal keys share one prepared statement and one JDBC batch.
 *
 * <p>Parameters: first the set columns' values in column order, then the non-NULL match values in column order.
 *
 * @param set        INSERT: the inserted columns; UPDATE: the assigned columns (without unchanged TOAST); DELETE: empty
 * @param match      the columns that find the row
 * @param matchNull  the match columns whose old value is NULL: {@code IS NULL} instead of a parameter, which is
 *                   IS NOT DISTINCT FROM spelled so that an index on the column still applies
 * @param oneRow     touch exactly one matching row (REPLICA IDENTITY FULL, where duplicates may exist), through
 *                   {@code ctid = (SELECT ctid ... LIMIT 1)} as PostgreSQL's own subscriber does
 */
record ApplyStatement(TargetTable table, Operation operation, BitSet set, BitSet match, BitSet matchNull,
                      boolean oneRow) {

    enum Operation { INSERT, UPDATE, DELETE }

    /** The statement with JDBC placeholders; pgjdbc's parser skips quoted identifiers, so a ? in a name is safe. */
    String sql() {
        String target = table.target().quoted();
        return switch (operation) {
            case INSERT -> {
                StringJoiner columns = new StringJoiner(", ");
                StringJoiner values = new StringJoiner(", ");
                for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
                    columns.add(Sql.ident(table.column(i)));
                    values.add("?");
                }
                yield "INSERT INTO " + target + " (" + columns + ") VALUES (" + values + ")";
            }
            case UPDATE -> {
                StringJoiner assignments = new StringJoiner(", ");
                for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) {
                    assignments.add(Sql.ident(table.column(i)) + " = ?");
                }
                yield "UPDATE " + target + " SET " + assignments + where(target);
            }
            case DELETE -> "DELETE FROM " + target + where(target);
        };
    }

    private String where(String target) {
        StringJoiner conditions = new StringJoiner(" AND ");
        for (int i = match.nextSetBit(0); i >= 0; i = match.nextSetBit(i + 1)) {
            String column = Sql.ident(table.column(i));
            if (matchNull.get(i)) {
                conditions.add(column + " IS NULL");
            } else if (table.compareAsText(i)) {
                conditions.add(column + "::text = ?");
            } else {
                conditions.add(column + " = ?");
            }
        }
        if (oneRow) {
            return " WHERE ctid = (SELECT ctid FROM " + target + " WHERE " + conditions + " LIMIT 1)";
        }
        return " WHERE " + conditions;
    }
}
