package io.tablemigrator.engine.schema;

/**
 * An index of a source table.
 *
 * @param definition {@code pg_get_indexdef}, read with an empty search_path
 * @param printedName the index name as pg_get_indexdef prints it (quote_ident), to find the table reference
 *                    in the definition without parsing SQL
 * @param valid false for an index a failed CREATE INDEX CONCURRENTLY left behind
 */
public record SourceIndex(String name, String printedName, String definition, boolean unique, boolean valid) {
}
