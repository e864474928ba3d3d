package io.tablemigrator.engine.schema;

import java.util.List;

import io.tablemigrator.engine.db.QualifiedName;

/**
 * A type that is not built into PostgreSQL and that a migrated column uses, directly or through a domain, a
 * composite, a range or an array. The target gets it in the same schema as on the source, created only when
 * missing there.
 */
public sealed interface UserType {
    QualifiedName name();

    /** The pg_type.typtype letter, to compare with a type of the same name on the target. */
    char kind();

    record Enum(QualifiedName name, List<String> labels) implements UserType {
        public char kind() {
            return 'e';
        }
    }

    /**
     * @param baseType format_type of the base type with its modifiers
     * @param collation quoted collation, only when different from the base type's; else null
     * @param defaultExpression null when none
     */
    record Domain(QualifiedName name, String baseType, String collation, String defaultExpression, boolean notNull,
                  List<DomainCheck> checks) implements UserType {
        public char kind() {
            return 'd';
        }
    }

    /** @param definition pg_get_constraintdef, which ends with NOT VALID when the source never validated it */
    record DomainCheck(String name, String definition) {
    }

    record Composite(QualifiedName name, List<Attribute> attributes) implements UserType {
        public char kind() {
            return 'c';
        }
    }

    /** @param collation quoted collation, only when different from the attribute type's; else null */
    record Attribute(String name, String type, String collation) {
    }

    /**
     * @param opclass quoted, qualified operator class, only when not the subtype's default; else null
     * @param subtypeDiff the function's name as regproc prints it, or null
     * @param multirangeName format_type of the multirange type (PostgreSQL 14+), or null
     */
    record Range(QualifiedName name, String subtype, String opclass, String collation, String subtypeDiff,
                 String multirangeName) implements UserType {
        public char kind() {
            return 'r';
        }
    }

    /**
     * A type the migration cannot create itself and that must already exist on the target: one that belongs
     * to an extension (CREATE EXTENSION on the target brings it), a base type written in C, or a range with a
     * canonical function.
     *
     * @param extension the extension that owns it, or null
     */
    record Required(QualifiedName name, char kind, String extension) implements UserType {
    }
}
