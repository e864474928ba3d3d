package io.tablemigrator.engine.schema;

import java.util.ArrayList;
import java.util.List;

import io.tablemigrator.engine.db.QualifiedName;

/** Hand-made table definitions for the unit tests of the pure DDL code, without a database. */
final class DefinitionBuilder {
    private final QualifiedName name;
    private final List<Column> columns = new ArrayList<>();
    private TableConstraint primaryKey;
    private final List<TableConstraint> constraints = new ArrayList<>();
    private final List<ForeignKey> foreignKeys = new ArrayList<>();
    private final List<SourceIndex> indexes = new ArrayList<>();
    private final List<OwnedSequence> sequences = new ArrayList<>();
    private final List<UserType> types = new ArrayList<>();
    private ReplicaIdentity.Kind identity = ReplicaIdentity.Kind.DEFAULT;

    private DefinitionBuilder(QualifiedName name) {
        this.name = name;
    }

    static DefinitionBuilder table(String schema, String table) {
        return new DefinitionBuilder(new QualifiedName(schema, table));
    }

    String printed() {
        return Sql2.quoteIdent(name.schema()) + "." + Sql2.quoteIdent(name.name());
    }

    DefinitionBuilder column(String column, String type) {
        columns.add(new Column(column, columns.size() + 1, type, false, null, Column.Identity.NONE,
                Column.Generated.NONE, null, null, true));
        return this;
    }

    DefinitionBuilder notNull(String column, String type, String defaultExpression) {
        columns.add(new Column(column, columns.size() + 1, type, true, defaultExpression, Column.Identity.NONE,
                Column.Generated.NONE, null, null, true));
        return this;
    }

    DefinitionBuilder generated(String column, String type, String expression) {
        columns.add(new Column(column, columns.size() + 1, type, false, null, Column.Identity.NONE,
                Column.Generated.STORED, expression, null, true));
        return this;
    }

    DefinitionBuilder serial(String column) {
        QualifiedName seq = new QualifiedName(name.schema(), name.name() + "_" + column + "_seq");
        String regclass = Sql2.quoteIdent(seq.schema()) + "." + Sql2.quoteIdent(seq.name());
        OwnedSequence sequence = new OwnedSequence(column, seq, regclass, OwnedSequence.Kind.SERIAL,
                new SequenceOptions("integer", 1, 1, 1, Integer.MAX_VALUE, 1, false));
        sequences.add(sequence);
        columns.add(new Column(column, columns.size() + 1, "integer", true, sequence.serialDefault(),
                Column.Identity.NONE, Column.Generated.NONE, null, null, true));
        return this;
    }

    DefinitionBuilder identity(String column, Column.Identity kind) {
        QualifiedName seq = new QualifiedName(name.schema(), name.name() + "_" + column + "_seq");
        sequences.add(new OwnedSequence(column, seq, seq.quoted(), OwnedSequence.Kind.IDENTITY,
                new SequenceOptions("bigint", 100, 5, 1, Long.MAX_VALUE, 1, false)));
        columns.add(new Column(column, columns.size() + 1, "bigint", true, null, kind, Column.Generated.NONE,
                null, null, true));
        return this;
    }

    DefinitionBuilder primaryKey(String constraint, String... keys) {
        String cols = String.join(", ", keys);
        primaryKey = new TableConstraint(constraint, TableConstraint.Kind.PRIMARY_KEY, "PRIMARY KEY (" + cols + ")",
                new SourceIndex(constraint, Sql2.quoteIdent(constraint),
                        "CREATE UNIQUE INDEX " + Sql2.quoteIdent(constraint) + " ON " + printed() + " USING btree (" + cols + ")",
                        true, true), false, false, true);
        return this;
    }

    DefinitionBuilder check(String constraint, String definition, boolean validated) {
        constraints.add(new TableConstraint(constraint, TableConstraint.Kind.CHECK, definition, null, false, false, validated));
        return this;
    }

    DefinitionBuilder index(String index, String body) {
        indexes.add(new SourceIndex(index, Sql2.quoteIdent(index),
                "CREATE INDEX " + Sql2.quoteIdent(index) + " ON " + printed() + " USING " + body, false, true));
        return this;
    }

    DefinitionBuilder foreignKey(String constraint, String column, QualifiedName referenced, String referencedColumn) {
        foreignKeys.add(new ForeignKey(constraint, List.of(column), referenced, List.of(referencedColumn), "SIMPLE",
                "NO ACTION", "CASCADE", List.of(), false, false, true));
        return this;
    }

    DefinitionBuilder type(UserType type) {
        types.add(type);
        return this;
    }

    DefinitionBuilder replicaIdentity(ReplicaIdentity.Kind kind) {
        identity = kind;
        return this;
    }

    TableDefinition build() {
        return new TableDefinition(name, printed(), List.copyOf(columns), primaryKey, List.copyOf(constraints),
                List.copyOf(foreignKeys), List.copyOf(indexes), List.copyOf(sequences), List.copyOf(types),
                new ReplicaIdentity(identity, null, primaryKey != null), false, List.of(), List.of(), List.of(), null);
    }

    /** PostgreSQL's quote_ident for the names these tests use: quotes unless plain lower case. */
    static final class Sql2 {
        static String quoteIdent(String name) {
            return name.matches("[a-z_][a-z0-9_]*") ? name : io.tablemigrator.engine.db.Sql.ident(name);
        }
    }
}
