package io.tablemigrator.engine.schema;

import io.tablemigrator.engine.db.QualifiedName;

/**
 * Why a source table cannot be migrated (or not in Online mode), kept as a kind and the table it concerns, so that
 * preflight can tell every table of one kind in one sentence with one fix. {@link #sentence()} says it for this
 * table alone.
 *
 * @param table  the table or partition at fault (a partition's problem prevents moving its partitioned table)
 * @param detail NOT_A_TABLE: what it is instead ("view"); UNSUPPORTED_TYPE: the sentence naming the column and the
 *               fix; PARTITION_IDENTITY: the partitioned table; otherwise null
 */
public record Refusal(Kind kind, QualifiedName table, String detail) {

    public enum Kind {
        /** A view, materialized view, foreign table, sequence...: not something rows are copied from and into. */
        NOT_A_TABLE,
        /** A parent or a child in table inheritance (INHERITS), which is not declarative partitioning. */
        INHERITANCE,
        /** A partition that is a foreign table: its rows live on another server. */
        FOREIGN_PARTITION,
        /** A column type the migration cannot create on the target. */
        UNSUPPORTED_TYPE,
        /** Online only: an UNLOGGED table or partition writes no WAL, so replay cannot see its changes. */
        UNLOGGED,
        /** Online only: updates and deletes of this table or partition cannot be identified on the target. */
        NO_REPLICA_IDENTITY,
        /**
         * Online only: the partitioned table has REPLICA IDENTITY FULL (or USING INDEX) but this partition logs
         * another old row: the partition's changes, published as the partitioned table's, would not find their rows.
         */
        PARTITION_IDENTITY
    }

    static Refusal of(Kind kind, QualifiedName table) {
        return new Refusal(kind, table, null);
    }

    /** This refusal alone, for places that do not group (the CreatingTables safeguard, logs). */
    public String sentence() {
        String name = table.display();
        return switch (kind) {
            case NOT_A_TABLE -> name + " is a " + detail + ", not a table.";
            case INHERITANCE -> "Table " + name + " uses table inheritance (INHERITS), which is not moved.";
            case FOREIGN_PARTITION -> "Partition " + name + " is a foreign table, whose rows cannot be copied.";
            case UNSUPPORTED_TYPE -> detail;
            case UNLOGGED -> "Table " + name + " is UNLOGGED, so logical replication cannot see its changes.";
            case NO_REPLICA_IDENTITY -> "Table " + name + " has no replica identity that logical replication can use.";
            case PARTITION_IDENTITY -> "Partition " + name + " has another replica identity than its table " + detail
                    + ".";
        };
    }
}
