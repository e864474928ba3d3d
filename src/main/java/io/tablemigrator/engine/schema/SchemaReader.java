package io.tablemigrator.engine.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.db.PgErrors;
import io.tablemigrator.engine.db.QualifiedName;

/**
 * Reads table definitions from the source catalogs. All tables of one call are read from one snapshot with an
 * empty search_path (see {@link CatalogTransaction}), so every expression and type name comes back
 * schema-qualified and can be replayed on the target as it is.
 */
public final class SchemaReader {
    private SchemaReader() {
    }

    public static TableDefinition read(Connection source, QualifiedName table) {
        return readAll(source, List.of(table)).get(0);
    }

    /**
     * @throws MigrationError SourceTableMissing when a table does not exist, SourceSchemaUnreadable when the
     *                        catalogs cannot be read
     */
    public static List<TableDefinition> readAll(Connection source, List<QualifiedName> tables) {
        try {
            return CatalogTransaction.run(source, () -> {
                int version = Jdbc.serverVersion(source);
                List<TableDefinition> definitions = new ArrayList<>();
                for (QualifiedName table : tables) {
                    definitions.add(new TableReader(source, version, table).read());
                }
                return definitions;
            });
        } catch (SQLException e) {
            throw new MigrationError("SourceSchemaUnreadable", "Cannot read the definition of the tables to migrate"
                    + " from the source catalogs: " + PgErrors.firstLine(e)
                    + ". The source user needs to see the tables, their types and sequences.", e);
        }
    }

    /** The reads for one table; each method is one catalog query. */
    private static final class TableReader {
        private final Connection c;
        private final int version;
        private final QualifiedName table;
        private final TypeReader types;
        private final List<Refusal> unsupported = new ArrayList<>();
        private final List<String> notCarried = new ArrayList<>();
        private long oid;

        TableReader(Connection c, int version, QualifiedName table) {
            this.c = c;
            this.version = version;
            this.table = table;
            this.types = new TypeReader(c, version);
        }

        private record Relation(long oid, char kind, char persistence, char replident, List<String> options,
                                String printed, boolean inherits, boolean inherited, boolean rowSecurity,
                                int triggers, int policies, int rules, boolean partition) {
        }

        TableDefinition read() throws SQLException {
            Relation rel = Jdbc.one(c, """
                    SELECT c.oid, c.relkind, c.relpersistence, c.relreplident, c.reloptions::text[],
                           pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname),
                           EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhrelid = c.oid),
                           EXISTS (SELECT 1 FROM pg_catalog.pg_inherits i WHERE i.inhparent = c.oid),
                           c.relrowsecurity,
                           (SELECT count(*) FROM pg_catalog.pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal),
                           (SELECT count(*) FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid),
                           (SELECT count(*) FROM pg_catalog.pg_rewrite r WHERE r.ev_class = c.oid AND r.rulename <> '_RETURN'),
                           c.relispartition
                    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = ? AND c.relname = ?""",
                    rs -> new Relation(rs.getLong(1), Jdbc.letter(rs, 2), Jdbc.letter(rs, 3), Jdbc.letter(rs, 4),
                            Jdbc.strings(rs, 5), rs.getString(6), rs.getBoolean(7), rs.getBoolean(8), rs.getBoolean(9),
                            rs.getInt(10), rs.getInt(11), rs.getInt(12), rs.getBoolean(13)),
                    table.schema(), table.name())
                    .orElseThrow(() -> new MigrationError("SourceTableMissing", "Table " + table.display()
                            + " does not exist on the source (or the source user cannot see it); fix spec.tables."));
            oid = rel.oid();
            checkKind(rel);
            List<Column> columns = columns();
            List<TableConstraint> constraints = constraints();
            TableConstraint primaryKey = constraints.stream()
                    .filter(k -> k.kind() == TableConstraint.Kind.PRIMARY_KEY).findFirst().orElse(null);
            List<TableConstraint> others = constraints.stream()
                    .filter(k -> k.kind() != TableConstraint.Kind.PRIMARY_KEY).toList();
            ReplicaIdentity identity = new ReplicaIdentity(ReplicaIdentity.fromCatalog(rel.replident()),
                    replicaIdentityIndex(), primaryKey != null);
            types.unsupported().forEach(t -> unsupported.add(new Refusal(Refusal.Kind.UNSUPPORTED_TYPE, table, t)));
            PartitionTree partitions = rel.kind() == 'p' ? partitions() : null;
            return new TableDefinition(table, rel.printed(), columns, primaryKey, others, foreignKeys(), indexes(),
                    sequences(), types.userTypes(), identity, rel.persistence() == 'u', rel.options(),
                    List.copyOf(unsupported), List.copyOf(notCarried), partitions);
        }

        /**
         * Tables and partitioned tables move; a partition listed alone moves as a plain table. Table inheritance
         * (INHERITS) is refused for parents and children alike, with one piece of advice for both.
         */
        private void checkKind(Relation rel) {
            String name = table.display();
            switch (rel.kind()) {
                case 'r', 'p' -> { }
                case 'v' -> unsupported.add(new Refusal(Refusal.Kind.NOT_A_TABLE, table, "view"));
                case 'm' -> unsupported.add(new Refusal(Refusal.Kind.NOT_A_TABLE, table, "materialized view"));
                case 'f' -> unsupported.add(new Refusal(Refusal.Kind.NOT_A_TABLE, table, "foreign table"));
                default -> unsupported.add(new Refusal(Refusal.Kind.NOT_A_TABLE, table, "relation"));
            }
            if ((rel.inherits() && !rel.partition()) || (rel.inherited() && rel.kind() != 'p')) {
                unsupported.add(Refusal.of(Refusal.Kind.INHERITANCE, table));
            }
            if (rel.partition()) {
                notCarried.add("Table " + name + " is a partition; listed alone it moves as a table of its own: its"
                        + " parent and its bounds are not carried. List its partitioned table to move it as a"
                        + " partition.");
            }
            if (rel.triggers() > 0) {
                notCarried.add(rel.triggers() + " trigger(s) of " + name + " are not created on the target.");
            }
            if (rel.rowSecurity() || rel.policies() > 0) {
                notCarried.add("Row-level security and its policies on " + name + " are not created on the target.");
            }
            if (rel.rules() > 0) {
                notCarried.add(rel.rules() + " rule(s) on " + name + " are not created on the target.");
            }
        }

        private List<Column> columns() throws SQLException {
            String generated = version >= 120000 ? "a.attgenerated" : "''::\"char\"";
            record Row(Column column, long typeOid) {
            }
            List<Row> rows = Jdbc.list(c, """
                    SELECT a.attnum, a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod), a.atttypid,
                           a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity, %s,
                           CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                                THEN pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END
                    FROM pg_catalog.pg_attribute a
                    JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
                    LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                    LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
                    LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                    WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped
                    ORDER BY a.attnum""".formatted(generated),
                    rs -> {
                        char identity = Jdbc.letter(rs, 7);
                        char gen = Jdbc.letter(rs, 8);
                        String expression = rs.getString(6);
                        Column.Generated kind = gen == 's' ? Column.Generated.STORED
                                : gen == 'v' ? Column.Generated.VIRTUAL : Column.Generated.NONE;
                        Column column = new Column(rs.getString(2), rs.getInt(1), rs.getString(3), rs.getBoolean(5),
                                kind == Column.Generated.NONE ? expression : null,
                                identity == 'a' ? Column.Identity.ALWAYS
                                        : identity == 'd' ? Column.Identity.BY_DEFAULT : Column.Identity.NONE,
                                kind, kind == Column.Generated.NONE ? null : expression, rs.getString(9), false);
                        return new Row(column, rs.getLong(4));
                    }, oid);
            List<Column> columns = new ArrayList<>();
            for (Row row : rows) {
                Column col = row.column();
                types.collect(row.typeOid(), "Column " + col.name() + " of " + table.display());
                columns.add(new Column(col.name(), col.attnum(), col.type(), col.notNull(), col.defaultExpression(),
                        col.identity(), col.generated(), col.generationExpression(), col.collation(),
                        types.binarySafe(row.typeOid())));
            }
            return columns;
        }

        private List<TableConstraint> constraints() throws SQLException {
            return Jdbc.list(c, """
                    SELECT k.conname::text, k.contype, pg_catalog.pg_get_constraintdef(k.oid),
                           k.condeferrable, k.condeferred, k.convalidated,
                           ic.relname::text, pg_catalog.quote_ident(ic.relname),
                           CASE WHEN ic.oid IS NOT NULL THEN pg_catalog.pg_get_indexdef(ic.oid) END,
                           i.indisvalid
                    FROM pg_catalog.pg_constraint k
                    LEFT JOIN pg_catalog.pg_class ic ON ic.oid = k.conindid AND k.contype IN ('p', 'u')
                    LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = ic.oid
                    WHERE k.conrelid = ?::oid AND k.contype IN ('p', 'u', 'c', 'x')
                    ORDER BY k.conname""",
                    rs -> {
                        TableConstraint.Kind kind = switch (Jdbc.letter(rs, 2)) {
                            case 'p' -> TableConstraint.Kind.PRIMARY_KEY;
                            case 'u' -> TableConstraint.Kind.UNIQUE;
                            case 'c' -> TableConstraint.Kind.CHECK;
                            default -> TableConstraint.Kind.EXCLUSION;
                        };
                        boolean validated = rs.getBoolean(6);
                        SourceIndex index = rs.getString(7) == null ? null
                                : new SourceIndex(rs.getString(7), rs.getString(8), rs.getString(9), true, rs.getBoolean(10));
                        return new TableConstraint(rs.getString(1), kind, withoutNotValid(rs.getString(3), validated),
                                index, rs.getBoolean(4), rs.getBoolean(5), validated);
                    }, oid);
        }

        /** pg_get_constraintdef appends NOT VALID to a constraint the source never validated; the flag says it. */
        private static String withoutNotValid(String definition, boolean validated) {
            String suffix = " NOT VALID";
            return !validated && definition.endsWith(suffix)
                    ? definition.substring(0, definition.length() - suffix.length()) : definition;
        }

        private List<ForeignKey> foreignKeys() throws SQLException {
            String setColumns = version >= 150000 ? """
                    ARRAY(SELECT a.attname::text FROM pg_catalog.unnest(k.confdelsetcols) WITH ORDINALITY u(n, o)
                          JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o)"""
                    : "NULL::text[]";
            return Jdbc.list(c, """
                    SELECT k.conname::text,
                           ARRAY(SELECT a.attname::text FROM pg_catalog.unnest(k.conkey) WITH ORDINALITY u(n, o)
                                 JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o),
                           rn.nspname::text, rc.relname::text,
                           ARRAY(SELECT a.attname::text FROM pg_catalog.unnest(k.confkey) WITH ORDINALITY u(n, o)
                                 JOIN pg_catalog.pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o),
                           k.confmatchtype, k.confupdtype, k.confdeltype, %s,
                           k.condeferrable, k.condeferred, k.convalidated
                    FROM pg_catalog.pg_constraint k
                    JOIN pg_catalog.pg_class rc ON rc.oid = k.confrelid
                    JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
                    WHERE k.conrelid = ?::oid AND k.contype = 'f'
                      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint parent
                                      WHERE parent.oid = k.conparentid AND parent.conrelid = k.conrelid)
                    ORDER BY k.conname""".formatted(setColumns),
                    rs -> new ForeignKey(rs.getString(1), Jdbc.strings(rs, 2),
                            new QualifiedName(rs.getString(3), rs.getString(4)), Jdbc.strings(rs, 5),
                            ForeignKey.matchSql(Jdbc.letter(rs, 6)), ForeignKey.actionSql(Jdbc.letter(rs, 7)),
                            ForeignKey.actionSql(Jdbc.letter(rs, 8)), Jdbc.strings(rs, 9),
                            rs.getBoolean(10), rs.getBoolean(11), rs.getBoolean(12)), oid);
        }

        private List<SourceIndex> indexes() throws SQLException {
            List<SourceIndex> indexes = Jdbc.list(c, """
                    SELECT ic.relname::text, pg_catalog.quote_ident(ic.relname), pg_catalog.pg_get_indexdef(i.indexrelid),
                           i.indisunique, i.indisvalid
                    FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
                    WHERE i.indrelid = ?::oid
                      AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid
                                      AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))
                    ORDER BY ic.relname""",
                    rs -> new SourceIndex(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                            rs.getBoolean(5)), oid);
            for (SourceIndex index : indexes) {
                if (!index.valid()) {
                    notCarried.add("Index " + index.name() + " of " + table.display() + " is invalid on the source"
                            + " (a failed CREATE INDEX CONCURRENTLY) and is not created on the target.");
                }
            }
            return indexes.stream().filter(SourceIndex::valid).toList();
        }

        private List<OwnedSequence> sequences() throws SQLException {
            return Jdbc.list(c, """
                    SELECT a.attname::text, d.deptype, sn.nspname::text, s.relname::text, s.oid::regclass::text,
                           pg_catalog.format_type(q.seqtypid, NULL), q.seqstart, q.seqincrement, q.seqmin, q.seqmax,
                           q.seqcache, q.seqcycle
                    FROM pg_catalog.pg_depend d
                    JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
                    JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
                    JOIN pg_catalog.pg_sequence q ON q.seqrelid = s.oid
                    JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                    WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
                      AND d.refobjid = ?::oid AND d.deptype IN ('a', 'i')
                    ORDER BY a.attnum""",
                    rs -> new OwnedSequence(rs.getString(1), new QualifiedName(rs.getString(3), rs.getString(4)),
                            rs.getString(5), Jdbc.letter(rs, 2) == 'i' ? OwnedSequence.Kind.IDENTITY : OwnedSequence.Kind.SERIAL,
                            new SequenceOptions(rs.getString(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                                    rs.getLong(10), rs.getLong(11), rs.getBoolean(12))), oid);
        }

        /**
         * The partitions of a partitioned table, each with what it has of its own; a partition that is a foreign
         * table cannot be copied.
         */
        private PartitionTree partitions() throws SQLException {
            PartitionTree tree = PartitionReader.read(c, oid, table, true);
            tree.partitions().stream().filter(Partition::foreign)
                    .forEach(p -> unsupported.add(Refusal.of(Refusal.Kind.FOREIGN_PARTITION, p.name())));
            return tree;
        }

        private String replicaIdentityIndex() throws SQLException {
            return Jdbc.one(c, """
                    SELECT ic.relname::text FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
                    WHERE i.indrelid = ?::oid AND i.indisreplident""", rs -> rs.getString(1), oid).orElse(null);
        }
    }
}
