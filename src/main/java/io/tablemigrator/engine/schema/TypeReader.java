package io.tablemigrator.engine.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.tablemigrator.engine.db.QualifiedName;

/**
 * Follows the types a table's columns use down to the built-in ones, and describes every user type on the
 * way (enums, domains, composites, ranges, arrays of them) in dependency order. Also decides which column
 * types binary COPY can carry. Runs inside {@link CatalogTransaction}.
 */
final class TypeReader {
    /**
     * Below this, types come from PostgreSQL's own catalog data files and keep their OID in every database and
     * every major version. Types made by initdb's SQL scripts (information_schema) sit between this and 16384
     * and can have other OIDs elsewhere.
     */
    private static final long FIRST_UNPINNED_OID = 10000;
    private static final long FIRST_USER_OID = 16384;

    private record TypeInfo(long oid, char typtype, long elem, int len, long baseType, QualifiedName name,
                            long relid, String extension) {
        /** A true array (typelem with a variable length), not a fixed-length type like point or name. */
        boolean isArray() {
            return elem != 0 && len == -1;
        }
    }

    private final Connection c;
    private final int serverVersion;
    private final Map<Long, TypeInfo> infos = new HashMap<>();
    private final Map<Long, UserType> collected = new LinkedHashMap<>();
    private final Set<Long> visiting = new HashSet<>();
    private final List<String> unsupported = new ArrayList<>();

    TypeReader(Connection c, int serverVersion) {
        this.c = c;
        this.serverVersion = serverVersion;
    }

    /** Every user type collected so far, each after the ones it depends on. */
    List<UserType> userTypes() {
        return List.copyOf(collected.values());
    }

    /** Sentences about types the migration cannot recreate. */
    List<String> unsupported() {
        return List.copyOf(unsupported);
    }

    /**
     * Binary COPY writes arrays and composites with the OIDs of their element or attribute types, which the
     * receiving database checks against its own: only types whose OID is the same everywhere can go in binary.
     * A domain travels as its base type. Values of OID-alias types (regclass...) are OIDs themselves: in binary
     * they would name whatever object has that OID on the target, so they go as text, by name.
     */
    boolean binarySafe(long oid) throws SQLException {
        TypeInfo info = info(oid);
        if (info.isArray()) {
            TypeInfo elem = info(info.elem());
            return elem.oid() < FIRST_UNPINNED_OID && elem.typtype() != 'c' && elem.typtype() != 'd'
                    && !OidAliasType.is(elem.name());
        }
        if (info.typtype() == 'd') {
            return binarySafe(info.baseType());
        }
        return oid < FIRST_UNPINNED_OID && info.typtype() != 'c' && !OidAliasType.is(info.name());
    }

    /** Collects the user types behind a column's type; {@code usedBy} names the column for messages. */
    void collect(long oid, String usedBy) throws SQLException {
        TypeInfo info = info(oid);
        if (info.isArray()) {
            collect(info.elem(), usedBy);
            return;
        }
        if (oid < FIRST_USER_OID || collected.containsKey(oid) || !visiting.add(oid)) {
            return;
        }
        try {
            UserType type = describe(info, usedBy);
            if (type != null) {
                collected.put(oid, type);
            }
        } finally {
            visiting.remove(oid);
        }
    }

    private UserType describe(TypeInfo info, String usedBy) throws SQLException {
        if (info.extension() != null) {
            return new UserType.Required(info.name(), info.typtype(), info.extension());
        }
        return switch (info.typtype()) {
            case 'e' -> new UserType.Enum(info.name(), Jdbc.list(c,
                    "SELECT enumlabel::text FROM pg_catalog.pg_enum WHERE enumtypid = ?::oid ORDER BY enumsortorder",
                    rs -> rs.getString(1), info.oid()));
            case 'd' -> domain(info, usedBy);
            case 'c' -> composite(info, usedBy);
            case 'r' -> range(info, usedBy);
            case 'm' -> {
                // a multirange comes with its range type: collect the range instead
                long range = Jdbc.one(c, "SELECT rngtypid FROM pg_catalog.pg_range WHERE rngmultitypid = ?::oid",
                        rs -> rs.getLong(1), info.oid()).orElseThrow();
                collect(range, usedBy);
                yield null;
            }
            default -> new UserType.Required(info.name(), info.typtype(), null);
        };
    }

    private UserType domain(TypeInfo info, String usedBy) throws SQLException {
        collect(info.baseType(), usedBy);
        List<UserType.DomainCheck> checks = Jdbc.list(c,
                "SELECT conname::text, pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint"
                        + " WHERE contypid = ?::oid AND contype = 'c' ORDER BY conname",
                rs -> new UserType.DomainCheck(rs.getString(1), rs.getString(2)), info.oid());
        return Jdbc.one(c, """
                SELECT pg_catalog.format_type(t.typbasetype, t.typtypmod),
                       CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation
                            THEN pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END,
                       pg_catalog.pg_get_expr(t.typdefaultbin, 0),
                       t.typnotnull
                FROM pg_catalog.pg_type t
                JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
                LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation
                LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                WHERE t.oid = ?::oid""",
                rs -> new UserType.Domain(info.name(), rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getBoolean(4), checks), info.oid()).orElseThrow();
    }

    private UserType composite(TypeInfo info, String usedBy) throws SQLException {
        char relkind = Jdbc.one(c, "SELECT relkind FROM pg_catalog.pg_class WHERE oid = ?::oid",
                rs -> Jdbc.letter(rs, 1), info.relid()).orElse('\0');
        if (relkind != 'c') {
            unsupported.add(usedBy + " has the row type of table " + info.name().display()
                    + ", which the migration cannot recreate; give the column a standalone composite type.");
            return null;
        }
        record Attr(UserType.Attribute attribute, long typeOid) {
        }
        List<Attr> attrs = Jdbc.list(c, """
                SELECT a.attname::text, pg_catalog.format_type(a.atttypid, a.atttypmod), a.atttypid,
                       CASE WHEN a.attcollation <> 0 AND a.attcollation <> at.typcollation
                            THEN pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END
                FROM pg_catalog.pg_attribute a
                JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
                LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
                LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""",
                rs -> new Attr(new UserType.Attribute(rs.getString(1), rs.getString(2), rs.getString(4)),
                        rs.getLong(3)), info.relid());
        for (Attr attr : attrs) {
            collect(attr.typeOid(), usedBy);
        }
        return new UserType.Composite(info.name(), attrs.stream().map(Attr::attribute).toList());
    }

    private UserType range(TypeInfo info, String usedBy) throws SQLException {
        String multirange = serverVersion >= 140000
                ? "CASE WHEN r.rngmultitypid <> 0 THEN pg_catalog.format_type(r.rngmultitypid, NULL) END"
                : "NULL::text";
        record RangeRow(long subtypeOid, UserType type, boolean canonical) {
        }
        RangeRow row = Jdbc.one(c, """
                SELECT r.rngsubtype, pg_catalog.format_type(r.rngsubtype, NULL),
                       CASE WHEN NOT oc.opcdefault
                            THEN pg_catalog.quote_ident(ocn.nspname) || '.' || pg_catalog.quote_ident(oc.opcname) END,
                       CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation
                            THEN pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END,
                       CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::regproc::text END,
                       %s,
                       r.rngcanonical <> 0
                FROM pg_catalog.pg_range r
                JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype
                JOIN pg_catalog.pg_opclass oc ON oc.oid = r.rngsubopc
                JOIN pg_catalog.pg_namespace ocn ON ocn.oid = oc.opcnamespace
                LEFT JOIN pg_catalog.pg_collation co ON co.oid = r.rngcollation
                LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
                WHERE r.rngtypid = ?::oid""".formatted(multirange),
                rs -> new RangeRow(rs.getLong(1), new UserType.Range(info.name(), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6)), rs.getBoolean(7)), info.oid()).orElseThrow();
        if (row.canonical()) {
            // a canonical function is written in C against the range type itself: only its author can create it
            return new UserType.Required(info.name(), 'r', null);
        }
        collect(row.subtypeOid(), usedBy);
        return row.type();
    }

    private TypeInfo info(long oid) throws SQLException {
        TypeInfo cached = infos.get(oid);
        if (cached != null) {
            return cached;
        }
        TypeInfo info = Jdbc.one(c, """
                SELECT t.typtype, t.typelem, t.typlen, t.typbasetype, n.nspname::text, t.typname::text, t.typrelid,
                       (SELECT e.extname::text FROM pg_catalog.pg_depend d
                        JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
                        WHERE d.classid = 'pg_catalog.pg_type'::regclass AND d.objid = t.oid
                          AND d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.deptype = 'e' LIMIT 1)
                FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                WHERE t.oid = ?::oid""",
                rs -> new TypeInfo(oid, Jdbc.letter(rs, 1), rs.getLong(2), rs.getInt(3), rs.getLong(4),
                        new QualifiedName(rs.getString(5), rs.getString(6)), rs.getLong(7), rs.getString(8)), oid)
                .orElseThrow(() -> new SQLException("type " + oid + " disappeared while reading the catalogs"));
        infos.put(oid, info);
        return info;
    }
}
