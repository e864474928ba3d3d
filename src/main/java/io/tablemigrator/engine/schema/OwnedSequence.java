package io.tablemigrator.engine.schema;

import io.tablemigrator.engine.db.QualifiedName;

/**
 * A sequence that belongs to a column: a serial column's (pg_depend 'a', the column default calls it) or an
 * identity column's (pg_depend 'i').
 *
 * @param regclassText the sequence as {@code regclass} prints it with an empty search_path: the text a serial
 *                     column's default holds, {@code nextval('<regclassText>'::regclass)}
 */
public record OwnedSequence(String column, QualifiedName name, String regclassText, Kind kind, SequenceOptions options) {

    public enum Kind { SERIAL, IDENTITY }

    /** The default expression a serial column has when it uses this sequence, exactly as pg_get_expr prints it. */
    public String serialDefault() {
        return nextval(regclassText);
    }

    static String nextval(String regclassText) {
        return "nextval(" + io.tablemigrator.engine.db.Sql.literal(regclassText) + "::regclass)";
    }
}
