package io.tablemigrator.engine.db;

/** A schema-qualified relation name, kept literal; {@link #quoted()} is the only form that enters SQL. */
public record QualifiedName(String schema, String name) {

    public String quoted() {
        return Sql.ident(schema) + "." + Sql.ident(name);
    }

    /** For people: schema.name, with quotes only where a name needs them to be read back unambiguously. */
    public String display() {
        return displayPart(schema) + "." + displayPart(name);
    }

    /** As a string literal for regclass casts: {@code '"schema"."name"'::regclass}. */
    public String regclass() {
        return Sql.literal(quoted()) + "::regclass";
    }

    private static String displayPart(String part) {
        return part.matches("[a-z_][a-z0-9_$]*") ? part : Sql.ident(part);
    }

    @Override
    public String toString() {
        return display();
    }
}
