package io.tablemigrator.engine.schema;

import java.util.Arrays;
import java.util.Optional;

/**
 * PostgreSQL's OID-alias types: a value is the OID of a catalog object, and the same number names another object,
 * or none, in another database. Their text form is the object's name, which the receiving database resolves
 * again, so columns of these types (and arrays and domains over them) are copied as text, never in binary.
 */
public enum OidAliasType {
    REGCLASS("regclass", "table, view, sequence or index"),
    REGTYPE("regtype", "type"),
    REGPROC("regproc", "function"),
    REGPROCEDURE("regprocedure", "function"),
    REGOPER("regoper", "operator"),
    REGOPERATOR("regoperator", "operator"),
    REGCONFIG("regconfig", "text search configuration"),
    REGDICTIONARY("regdictionary", "text search dictionary"),
    REGNAMESPACE("regnamespace", "schema"),
    REGROLE("regrole", "role"),
    REGCOLLATION("regcollation", "collation");

    private final String typeName;
    private final String objectKind;

    OidAliasType(String typeName, String objectKind) {
        this.typeName = typeName;
        this.objectKind = objectKind;
    }

    /** The type's name in pg_catalog. */
    public String typeName() {
        return typeName;
    }

    /** What a value of this type names, for messages: "type", "function". */
    public String objectKind() {
        return objectKind;
    }

    /** The alias type of this name in pg_catalog, if it is one. */
    public static Optional<OidAliasType> named(String typeName) {
        return Arrays.stream(values()).filter(t -> t.typeName.equals(typeName)).findFirst();
    }

    static boolean is(io.tablemigrator.engine.db.QualifiedName type) {
        return type.schema().equals("pg_catalog") && named(type.name()).isPresent();
    }
}
