package io.tablemigrator.engine.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.PgErrors;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.db.Sql;

/**
 * Moves the target's serial and identity sequences past every value already used, at cutover (and at the end
 * of an Offline migration): the copy and the replay insert explicit values and never advance them. A
 * sequence's next value is set past the source's last value, the largest value in the target column, and
 * the target sequence's own position (it never goes back, so running this twice is harmless).
 */
public final class SequenceSync {
    private SequenceSync() {
    }

    /**
     * @param value the value setval was given (the next nextval returns the one after it), or null when the
     *              sequence was left as it was (nothing used yet on either side)
     */
    public record Synced(QualifiedName table, String column, QualifiedName sequence, Long value) {
    }

    private record SequenceState(long increment, long min, long max, Long lastValue) {
    }

    /** For every table of the plan, including pre-created ones whose columns own a sequence on the target. */
    public static List<Synced> sync(Connection source, Connection target, SchemaPlan plan) {
        return sync(source, target, plan.tables().stream().map(TablePlan::definition).toList(),
                plan.tables().stream().map(TablePlan::mapping).toList());
    }

    public static List<Synced> sync(Connection source, Connection target, List<TableDefinition> definitions,
                                    List<TableMapping> mappings) {
        Map<QualifiedName, QualifiedName> targetOf = new HashMap<>();
        mappings.forEach(m -> targetOf.put(m.source(), m.target()));
        List<Synced> synced = new ArrayList<>();
        for (TableDefinition def : definitions) {
            QualifiedName table = targetOf.get(def.name());
            if (table == null) {
                continue;
            }
            for (OwnedSequence sequence : def.sequences()) {
                try {
                    sync(source, target, sequence, table).ifPresent(synced::add);
                } catch (SQLException e) {
                    throw new MigrationError("SequenceSyncFailed", "Could not set the sequence of column "
                            + sequence.column() + " of " + table.display() + ": " + PgErrors.firstLine(e) + ".", e);
                }
            }
        }
        return synced;
    }

    private static Optional<Synced> sync(Connection source, Connection target, OwnedSequence sequence,
                                         QualifiedName table) throws SQLException {
        Optional<QualifiedName> targetSequence = targetSequence(target, table, sequence.column());
        if (targetSequence.isEmpty()) {
            return Optional.empty(); // a pre-created target column without a sequence: nothing to move
        }
        QualifiedName name = targetSequence.get();
        SequenceState state = state(target, name);
        boolean ascending = state.increment() > 0;
        List<Long> used = new ArrayList<>();
        Optional.ofNullable(state(source, sequence.name()).lastValue()).ifPresent(used::add);
        Optional.ofNullable(state.lastValue()).ifPresent(used::add);
        columnExtreme(target, table, sequence.column(), ascending).ifPresent(used::add);
        if (used.isEmpty()) {
            return Optional.of(new Synced(table, sequence.column(), name, null));
        }
        long value = ascending ? used.stream().mapToLong(Long::longValue).max().getAsLong()
                : used.stream().mapToLong(Long::longValue).min().getAsLong();
        if (ascending ? value < state.min() : value > state.max()) {
            // every used value lies before the sequence's range: its first value is already past them
            return Optional.of(new Synced(table, sequence.column(), name, null));
        }
        if (value > state.max() || value < state.min()) {
            throw new MigrationError("SequenceOutOfRange", "Sequence " + name.display() + " of " + table.display()
                    + " cannot go past " + value + ": its range is " + state.min() + " to " + state.max()
                    + ". Widen it (ALTER SEQUENCE ... MAXVALUE/MINVALUE) on the target.");
        }
        Jdbc.one(target, "SELECT pg_catalog.setval(?::regclass, ?, true)", rs -> rs.getLong(1), name.quoted(), value);
        return Optional.of(new Synced(table, sequence.column(), name, value));
    }

    /** The sequence a target column owns, serial or identity. */
    private static Optional<QualifiedName> targetSequence(Connection c, QualifiedName table, String column)
            throws SQLException {
        return Jdbc.one(c, """
                SELECT sn.nspname::text, s.relname::text
                FROM pg_catalog.pg_depend d
                JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'
                JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
                JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass
                  AND d.refobjid = ?::regclass AND a.attname = ? AND d.deptype IN ('a', 'i')""",
                rs -> new QualifiedName(rs.getString(1), rs.getString(2)), table.quoted(), column);
    }

    /** pg_sequences shows last_value as NULL until the sequence is first used. */
    private static SequenceState state(Connection c, QualifiedName sequence) throws SQLException {
        return Jdbc.one(c, """
                SELECT increment_by, min_value, max_value, last_value FROM pg_catalog.pg_sequences
                WHERE schemaname = ? AND sequencename = ?""",
                rs -> new SequenceState(rs.getLong(1), rs.getLong(2), rs.getLong(3),
                        rs.getObject(4) == null ? null : rs.getLong(4)), sequence.schema(), sequence.name())
                .orElseThrow(() -> new SQLException("sequence " + sequence.display() + " does not exist"));
    }

    /** The largest (or, for a descending sequence, smallest) value in the column, when it is an integer. */
    private static Optional<Long> columnExtreme(Connection c, QualifiedName table, String column, boolean ascending)
            throws SQLException {
        String aggregate = ascending ? "max" : "min";
        Optional<String> value = Jdbc.one(c, "SELECT pg_catalog." + aggregate + "(" + Sql.ident(column)
                + ")::text FROM " + table.quoted(), rs -> rs.getString(1));
        try {
            return value.map(Long::parseLong);
        } catch (NumberFormatException e) {
            return Optional.empty(); // a sequence feeding a non-integer column: its values say nothing here
        }
    }
}
