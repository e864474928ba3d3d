package io.tablemigrator.engine.replication;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
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
 *                   {@code ctid = (SELECT ctid ... LIMIT 1)} as PostgreSQL's own subscriber does; on a partitioned
 *                   table, where each partition has its own ctids, the row's values are matched again (their
 *                   parameters come twice), which only the chosen row's partition can hold
 * @param keyFromNewRow an UPDATE whose key did not change (no old tuple): the new row's key finds the row
 */
record ApplyStatement(TargetTable table, Operation operation, BitSet set, BitSet match, BitSet matchNull,
                      boolean oneRow, boolean keyFromNewRow) {

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
            return " WHERE ctid = (SELECT ctid FROM " + target + " WHERE " + conditions + " LIMIT 1)"
                    + (table.partitioned() ? " AND " + conditions : "");
        }
        return " WHERE " + conditions;
    }

    /**
     * Whether many executions can go out as one set-based statement ({@link #setBasedSql()}) with the same result:
     * inserts always; updates and deletes found by a key that no change in the run alters, with no NULL or
     * text-compared key column. Updates by a whole old row (one row among duplicates each) stay row by row.
     */
    boolean setBased() {
        return switch (operation) {
            case INSERT -> true;
            case UPDATE -> !oneRow && keyFromNewRow && matchNull.isEmpty() && !matchesAsText();
            case DELETE -> !oneRow && matchNull.isEmpty() && !matchesAsText();
        };
    }

    private boolean matchesAsText() {
        for (int i = match.nextSetBit(0); i >= 0; i = match.nextSetBit(i + 1)) {
            if (table.compareAsText(i)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The statement applying a whole run at once: one text array parameter per column of {@link #sql()}'s
     * parameters, spread into rows by {@code unnest} and cast to the target column types. For UPDATE the run must
     * hold one row per key (the last change of each key: every one of them sets the same columns).
     */
    String setBasedSql() {
        String target = table.target().quoted();
        StringJoiner arrays = new StringJoiner(", ");
        StringJoiner names = new StringJoiner(", ");
        List<Integer> setColumns = columns(set);
        List<Integer> matchColumns = columns(match);
        for (int j = 0; j < setColumns.size(); j++) {
            arrays.add("?::text[]");
            names.add("s" + j);
        }
        for (int j = 0; j < matchColumns.size(); j++) {
            arrays.add("?::text[]");
            names.add("m" + j);
        }
        String rows = "unnest(" + arrays + ") AS v(" + names + ")";
        StringJoiner keyMatch = new StringJoiner(" AND ");
        for (int j = 0; j < matchColumns.size(); j++) {
            int i = matchColumns.get(j);
            keyMatch.add("t." + Sql.ident(table.column(i)) + " = v.m" + j + "::" + table.typeName(i));
        }
        return switch (operation) {
            case INSERT -> {
                StringJoiner columns = new StringJoiner(", ");
                StringJoiner values = new StringJoiner(", ");
                for (int j = 0; j < setColumns.size(); j++) {
                    int i = setColumns.get(j);
                    columns.add(Sql.ident(table.column(i)));
                    values.add("v.s" + j + "::" + table.typeName(i));
                }
                yield "INSERT INTO " + target + " (" + columns + ") SELECT " + values + " FROM " + rows;
            }
            case UPDATE -> {
                StringJoiner assignments = new StringJoiner(", ");
                for (int j = 0; j < setColumns.size(); j++) {
                    int i = setColumns.get(j);
                    assignments.add(Sql.ident(table.column(i)) + " = v.s" + j + "::" + table.typeName(i));
                }
                yield "UPDATE " + target + " AS t SET " + assignments + " FROM " + rows + " WHERE " + keyMatch;
            }
            case DELETE -> "DELETE FROM " + target + " AS t USING " + rows + " WHERE " + keyMatch;
        };
    }

    private static List<Integer> columns(BitSet bits) {
        List<Integer> columns = new ArrayList<>();
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
            columns.add(i);
        }
        return columns;
    }
}
