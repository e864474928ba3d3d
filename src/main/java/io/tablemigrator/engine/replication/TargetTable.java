package io.tablemigrator.engine.replication;

import java.util.List;

import io.tablemigrator.engine.db.QualifiedName;

/**
 * A source relation as the applier sees it: its target table, and per column of the source's Relation message
 * (in that order, the order of tuple values) the column's name, whether it is part of the replica identity, and
 * whether the target can compare it with {@code =} (json, xml, point and the like have no equality operator,
 * so rows are matched on their text form instead).
 */
public final class TargetTable {
    private final int sourceOid;
    private final QualifiedName source;
    private final QualifiedName target;
    private final List<String> columns;
    private final boolean[] key;
    private final boolean[] compareAsText;
    private final List<String> typeNames;
    private final boolean identityFull;
    private final boolean partitioned;

    TargetTable(int sourceOid, QualifiedName source, QualifiedName target, List<String> columns, boolean[] key,
                boolean[] compareAsText, List<String> typeNames, boolean identityFull, boolean partitioned) {
        this.sourceOid = sourceOid;
        this.source = source;
        this.target = target;
        this.columns = List.copyOf(columns);
        this.key = key.clone();
        this.compareAsText = compareAsText.clone();
        this.typeNames = List.copyOf(typeNames);
        this.identityFull = identityFull;
        this.partitioned = partitioned;
    }

    public int sourceOid() {
        return sourceOid;
    }

    public QualifiedName source() {
        return source;
    }

    public QualifiedName target() {
        return target;
    }

    public int columnCount() {
        return columns.size();
    }

    public String column(int i) {
        return columns.get(i);
    }

    public boolean isKey(int i) {
        return key[i];
    }

    public boolean compareAsText(int i) {
        return compareAsText[i];
    }

    /**
     * The target column's type as SQL text, without its modifier ({@code format_type(oid, NULL)}: character varying,
     * not character varying(10)), so that a cast from text converts like an input literal and the column's own
     * modifier still checks the value on assignment rather than the cast silently cutting it.
     */
    public String typeName(int i) {
        return typeNames.get(i);
    }

    /** REPLICA IDENTITY FULL on the source: old rows come whole and are matched on every column. */
    public boolean identityFull() {
        return identityFull;
    }

    /** The target table is partitioned: the target routes each row to its partition; ctid is unique per partition only. */
    public boolean partitioned() {
        return partitioned;
    }

    @Override
    public String toString() {
        return source.display() + " -> " + target.display();
    }
}
