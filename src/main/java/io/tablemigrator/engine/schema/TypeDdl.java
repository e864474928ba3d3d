package io.tablemigrator.engine.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.tablemigrator.engine.db.Sql;

/** CREATE statements for the user types a migrated table needs, from their catalog description. */
final class TypeDdl {
    private TypeDdl() {
    }

    /**
     * @param targetVersion server_version_num of the target: multirange names exist from 14 on
     * @return the statements, empty for a type the migration does not create ({@link UserType.Required})
     */
    static List<String> create(UserType type, int targetVersion) {
        String name = type.name().quoted();
        // Java 17: no pattern matching in switch yet
        if (type instanceof UserType.Enum e) {
            return List.of("CREATE TYPE " + name + " AS ENUM ("
                    + e.labels().stream().map(Sql::literal).collect(Collectors.joining(", ")) + ")");
        }
        if (type instanceof UserType.Domain d) {
            return domain(name, d);
        }
        if (type instanceof UserType.Composite c) {
            return List.of("CREATE TYPE " + name + " AS ("
                    + c.attributes().stream()
                            .map(a -> Sql.ident(a.name()) + " " + a.type() + (a.collation() == null ? "" : " COLLATE " + a.collation()))
                            .collect(Collectors.joining(", ")) + ")");
        }
        if (type instanceof UserType.Range r) {
            return List.of(range(name, r, targetVersion));
        }
        return List.of();
    }

    /**
     * Checks go in as ALTER DOMAIN ADD CONSTRAINT, which unlike CREATE DOMAIN keeps their names and accepts the
     * NOT VALID of a check the source never validated.
     */
    private static List<String> domain(String name, UserType.Domain d) {
        List<String> statements = new ArrayList<>();
        statements.add("CREATE DOMAIN " + name + " AS " + d.baseType()
                + (d.collation() == null ? "" : " COLLATE " + d.collation())
                + (d.defaultExpression() == null ? "" : " DEFAULT " + d.defaultExpression())
                + (d.notNull() ? " NOT NULL" : ""));
        for (UserType.DomainCheck check : d.checks()) {
            statements.add("ALTER DOMAIN " + name + " ADD CONSTRAINT " + Sql.ident(check.name()) + " " + check.definition());
        }
        return statements;
    }

    private static String range(String name, UserType.Range r, int targetVersion) {
        List<String> options = new ArrayList<>();
        options.add("SUBTYPE = " + r.subtype());
        if (r.opclass() != null) {
            options.add("SUBTYPE_OPCLASS = " + r.opclass());
        }
        if (r.collation() != null) {
            options.add("COLLATION = " + r.collation());
        }
        if (r.subtypeDiff() != null) {
            options.add("SUBTYPE_DIFF = " + r.subtypeDiff());
        }
        if (r.multirangeName() != null && targetVersion >= 140000) {
            options.add("MULTIRANGE_TYPE_NAME = " + r.multirangeName());
        }
        return "CREATE TYPE " + name + " AS RANGE (" + String.join(", ", options) + ")";
    }
}
