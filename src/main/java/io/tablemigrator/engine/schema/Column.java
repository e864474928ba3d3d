package io.tablemigrator.engine.schema;

/**
 * One column of a source table, as the catalogs describe it.
 *
 * @param type the type as {@code format_type} prints it with its modifiers, read with an empty search_path so
 *             that user types are schema-qualified: it can be pasted into DDL as it is
 * @param defaultExpression {@code pg_get_expr} of the default, or null
 * @param generationExpression the expression of a generated column, or null
 * @param collation a quoted, qualified collation name, only when it differs from the type's default; else null
 * @param binarySafe whether binary COPY can carry this column between two databases: its wire format embeds no
 *                   type OID (OIDs of user types differ from one database to another)
 */
public record Column(
        String name,
        int attnum,
        String type,
        boolean notNull,
        String defaultExpression,
        Identity identity,
        Generated generated,
        String generationExpression,
        String collation,
        boolean binarySafe) {

    public enum Identity { NONE, ALWAYS, BY_DEFAULT }

    public enum Generated { NONE, STORED, VIRTUAL }

    /** Generated columns are computed by the target itself: the copy and the replay never write them. */
    public boolean isGenerated() {
        return generated != Generated.NONE;
    }

    public boolean isIdentity() {
        return identity != Identity.NONE;
    }
}
