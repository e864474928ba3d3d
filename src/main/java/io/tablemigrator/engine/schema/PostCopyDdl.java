package io.tablemigrator.engine.schema;

import java.util.ArrayList;
import java.util.List;

import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.db.Sql;

/** The Indexing steps of one target table, each from one source index or constraint and its target name. */
final class PostCopyDdl {
    private PostCopyDdl() {
    }

    static PostCopyStep index(TableDefinition def, QualifiedName target, SourceIndex index, String name) {
        String ddl = IndexDefinitions.forTarget(index, def.printedName(), name, target);
        return new PostCopyStep(PostCopyStep.Group.INDEXES, target, name, "index " + name + " on " + target.display(),
                List.of(Guarded.unlessIndexExists(target, name, ddl)));
    }

    /** The unique index a primary key or unique constraint will be attached to in group CONSTRAINTS. */
    static PostCopyStep constraintIndex(TableDefinition def, QualifiedName target, TableConstraint constraint, String name) {
        String ddl = IndexDefinitions.forTarget(constraint.index(), def.printedName(), name, target);
        return new PostCopyStep(PostCopyStep.Group.INDEXES, target, name,
                "index " + name + " for the " + label(constraint) + " of " + target.display(),
                List.of(Guarded.unlessIndexExists(target, name, ddl)));
    }

    /** ADD CONSTRAINT ... USING INDEX: turns the index built in group INDEXES into the constraint, at once. */
    static PostCopyStep attach(QualifiedName target, TableConstraint constraint, String name) {
        String keyword = constraint.kind() == TableConstraint.Kind.PRIMARY_KEY ? "PRIMARY KEY" : "UNIQUE";
        String ddl = "ALTER TABLE " + target.quoted() + " ADD CONSTRAINT " + Sql.ident(name) + " " + keyword
                + " USING INDEX " + Sql.ident(name) + deferrability(constraint.deferrable(), constraint.initiallyDeferred());
        return new PostCopyStep(PostCopyStep.Group.CONSTRAINTS, target, name,
                label(constraint) + " " + name + " on " + target.display(),
                List.of(Guarded.unlessConstraintExists(target, name, ddl)));
    }

    /** An exclusion constraint builds its own index, so it belongs with the indexes. */
    static PostCopyStep exclusion(QualifiedName target, TableConstraint constraint, String name) {
        String ddl = "ALTER TABLE " + target.quoted() + " ADD CONSTRAINT " + Sql.ident(name) + " " + constraint.definition();
        return new PostCopyStep(PostCopyStep.Group.INDEXES, target, name,
                "exclusion constraint " + name + " on " + target.display(),
                List.of(Guarded.unlessConstraintExists(target, name, ddl)));
    }

    /**
     * Added NOT VALID (no scan, a short lock), then validated (a scan that lets reads and writes go on). A check
     * the source never validated stays unvalidated: the copied rows may break it.
     */
    static PostCopyStep check(QualifiedName target, TableConstraint constraint, String name) {
        String ddl = "ALTER TABLE " + target.quoted() + " ADD CONSTRAINT " + Sql.ident(name) + " "
                + constraint.definition() + " NOT VALID";
        return new PostCopyStep(PostCopyStep.Group.CONSTRAINTS, target, name,
                "check constraint " + name + " on " + target.display(), addThenValidate(target, name, ddl, constraint.validated()));
    }

    /** Built from its parts so that it references the referenced table under its target name. */
    static PostCopyStep foreignKey(QualifiedName target, ForeignKey fk, String name, QualifiedName referenced) {
        String ddl = "ALTER TABLE " + target.quoted() + " ADD CONSTRAINT " + Sql.ident(name) + " "
                + foreignKeyClause(fk, referenced) + " NOT VALID";
        return new PostCopyStep(PostCopyStep.Group.FOREIGN_KEYS, target, name,
                "foreign key " + name + " of " + target.display() + " to " + referenced.display(),
                addThenValidate(target, name, ddl, fk.validated()));
    }

    /** {@code FOREIGN KEY (...) REFERENCES ...} with its match type, actions and deferrability. */
    static String foreignKeyClause(ForeignKey fk, QualifiedName referenced) {
        StringBuilder ddl = new StringBuilder("FOREIGN KEY (").append(Sql.idents(fk.columns())).append(") REFERENCES ")
                .append(referenced.quoted()).append(" (").append(Sql.idents(fk.referencedColumns())).append(')');
        if (!fk.matchType().equals("SIMPLE")) {
            ddl.append(" MATCH ").append(fk.matchType());
        }
        if (!fk.onUpdate().equals("NO ACTION")) {
            ddl.append(" ON UPDATE ").append(fk.onUpdate());
        }
        if (!fk.onDelete().equals("NO ACTION")) {
            ddl.append(" ON DELETE ").append(fk.onDelete());
            if (!fk.onDeleteSetColumns().isEmpty()) {
                ddl.append(" (").append(Sql.idents(fk.onDeleteSetColumns())).append(')');
            }
        }
        return ddl.append(deferrability(fk.deferrable(), fk.initiallyDeferred())).toString();
    }

    /** The target keeps the source's replica identity, so that it can in turn be a source. */
    static PostCopyStep replicaIdentity(QualifiedName target, ReplicaIdentity identity, String targetIndexName) {
        String what = switch (identity.kind()) {
            case FULL -> "FULL";
            case NOTHING -> "NOTHING";
            case INDEX -> "USING INDEX " + Sql.ident(targetIndexName);
            case DEFAULT -> "DEFAULT";
        };
        return new PostCopyStep(PostCopyStep.Group.FOREIGN_KEYS, target, "replica identity",
                "replica identity " + what + " of " + target.display(),
                List.of("ALTER TABLE " + target.quoted() + " REPLICA IDENTITY " + what));
    }

    private static List<String> addThenValidate(QualifiedName target, String name, String addNotValid, boolean validate) {
        List<String> statements = new ArrayList<>();
        statements.add(Guarded.unlessConstraintExists(target, name, addNotValid));
        if (validate) {
            // validating a valid constraint does nothing, so this too can run again
            statements.add("ALTER TABLE " + target.quoted() + " VALIDATE CONSTRAINT " + Sql.ident(name));
        }
        return statements;
    }

    private static String deferrability(boolean deferrable, boolean initiallyDeferred) {
        return (deferrable ? " DEFERRABLE" : "") + (initiallyDeferred ? " INITIALLY DEFERRED" : "");
    }

    private static String label(TableConstraint constraint) {
        return constraint.kind() == TableConstraint.Kind.PRIMARY_KEY ? "primary key" : "unique constraint";
    }
}
