package io.tablemigrator.engine.schema;

import java.util.List;

import io.tablemigrator.engine.db.QualifiedName;

/**
 * A foreign key of a source table, kept in parts (not as pg_get_constraintdef text) because the target
 * references a table under its mapped name.
 *
 * @param onDeleteSetColumns the column list of {@code ON DELETE SET NULL|DEFAULT (cols)} (PostgreSQL 15+), else empty
 */
public record ForeignKey(
        String name,
        List<String> columns,
        QualifiedName referencedTable,
        List<String> referencedColumns,
        String matchType,
        String onUpdate,
        String onDelete,
        List<String> onDeleteSetColumns,
        boolean deferrable,
        boolean initiallyDeferred,
        boolean validated) {

    /** pg_constraint.confmatchtype to SQL; SIMPLE, the default, prints nothing. */
    static String matchSql(char code) {
        return switch (code) {
            case 'f' -> "FULL";
            case 'p' -> "PARTIAL";
            default -> "SIMPLE";
        };
    }

    /** pg_constraint.confupdtype/confdeltype to SQL; NO ACTION is the default. */
    static String actionSql(char code) {
        return switch (code) {
            case 'r' -> "RESTRICT";
            case 'c' -> "CASCADE";
            case 'n' -> "SET NULL";
            case 'd' -> "SET DEFAULT";
            default -> "NO ACTION";
        };
    }
}
