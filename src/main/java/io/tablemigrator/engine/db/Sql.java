package io.tablemigrator.engine.db;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Quoting for SQL text. Identifiers from the spec or the catalogs are data (DESIGN.md, invariant 6):
 * every one goes through {@link #ident} before it reaches a statement.
 */
public final class Sql {
    private Sql() {
    }

    /** A quoted identifier: {@code Order "Items"} becomes {@code "Order ""Items"""}. */
    public static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** A quoted string literal (standard_conforming_strings on, as in every supported server). */
    public static String literal(String value) {
        return '\'' + value.replace("'", "''") + '\'';
    }

    /** Quoted identifiers joined with commas. */
    public static String idents(List<String> names) {
        return names.stream().map(Sql::ident).collect(Collectors.joining(", "));
    }
}
