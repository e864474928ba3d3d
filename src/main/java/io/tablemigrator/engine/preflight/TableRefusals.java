package io.tablemigrator.engine.preflight;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.schema.Refusal;

/**
 * Turns what the source tables' definitions refuse ({@link Refusal}) into preflight problems: one line per kind
 * of refusal, naming every table or partition of that kind and giving one fix for all of them.
 */
final class TableRefusals {
    /** One kind per thing that is not a table (views, materialized views...), so that each reads right. */
    private final Map<String, TableProblem> notATable = new HashMap<>();

    void add(Refusal refusal, Problems problems) {
        switch (refusal.kind()) {
            case NOT_A_TABLE -> problems.add(notATable.computeIfAbsent(refusal.detail(), TableRefusals::notATable),
                    refusal.table());
            case INHERITANCE -> problems.add(INHERITANCE, refusal.table());
            case FOREIGN_PARTITION -> problems.add(FOREIGN_PARTITION, refusal.table());
            case UNSUPPORTED_TYPE -> problems.add("SourceTableUnsupported", refusal.detail());
            case UNLOGGED -> problems.add(UNLOGGED, refusal.table());
            case NO_REPLICA_IDENTITY -> problems.add(NO_REPLICA_IDENTITY, refusal.table());
            case PARTITION_IDENTITY -> problems.add(PARTITION_IDENTITY, refusal.table());
        }
    }

    private static TableProblem notATable(String what) {
        return new TableProblem("SourceTableUnsupported", tables -> "Source " + Problems.names(what, tables)
                + (tables.size() == 1 ? " is not a table" : " are not tables") + "; tablemigrator moves tables and"
                + " their rows. Fix: remove " + itOrThem(tables) + " from spec.tables.");
    }

    /** The same advice for parents and children, since both are refused for the same reason. */
    private static final TableProblem INHERITANCE = new TableProblem("SourceTableUnsupported", tables -> "Source "
            + Problems.names("table", tables) + (tables.size() == 1 ? " uses" : " use") + " table inheritance"
            + " (INHERITS), which tablemigrator does not move: a parent's rows would arrive without its children's,"
            + " and the link between them would be lost. Fix: make the parent a partitioned table (CREATE TABLE ..."
            + " PARTITION BY, then ALTER TABLE ... ATTACH PARTITION for each child) and list it, which moves it with"
            + " every partition; or take a table out of the hierarchy (ALTER TABLE child NO INHERIT parent) and list it"
            + " on its own; or move the hierarchy with pg_dump.");

    private static final TableProblem FOREIGN_PARTITION = new TableProblem("SourceTableUnsupported", tables -> "Source "
            + Problems.names("partition", tables) + (tables.size() == 1 ? " is a foreign table" : " are foreign tables")
            + ": " + (tables.size() == 1 ? "its" : "their") + " rows live on another server and cannot be copied into"
            + " the target table. Fix: detach " + itOrThem(tables) + " (ALTER TABLE ... DETACH PARTITION ...) for the"
            + " migration, or remove " + (tables.size() == 1 ? "its" : "their") + " table from spec.tables.");

    private static final TableProblem UNLOGGED = new TableProblem("UnloggedTable", tables -> "Source "
            + Problems.names("table", tables) + (tables.size() == 1 ? " is" : " are") + " UNLOGGED, so logical"
            + " replication cannot see " + (tables.size() == 1 ? "its" : "their") + " changes. Fix: "
            + Problems.statements(tables, t -> "ALTER TABLE " + t.quoted() + " SET LOGGED;") + " Or use mode: Offline.");

    private static final TableProblem NO_REPLICA_IDENTITY = new TableProblem("NoReplicaIdentity", tables -> "Source "
            + Problems.names("table", tables) + (tables.size() == 1 ? " has" : " have") + " no primary key and no"
            + " replica identity, so " + (tables.size() == 1 ? "its" : "their") + " updates and deletes cannot be"
            + " replicated. Fix: add a primary key, or run "
            + Problems.statements(tables, t -> "ALTER TABLE " + t.quoted() + " REPLICA IDENTITY FULL;")
            + " Or use mode: Offline.");

    private static final TableProblem PARTITION_IDENTITY = new TableProblem("NoReplicaIdentity", tables -> "Source "
            + Problems.names("partition", tables) + " identif" + (tables.size() == 1 ? "ies its" : "y their")
            + " rows to logical replication otherwise than " + (tables.size() == 1 ? "its" : "their")
            + " partitioned table (which has REPLICA IDENTITY FULL or USING INDEX), so updates and deletes published"
            + " through that table could not find their rows. Fix: "
            + Problems.statements(tables, t -> "ALTER TABLE " + t.quoted() + " REPLICA IDENTITY FULL;")
            + " Or use mode: Offline.");

    private static String itOrThem(List<QualifiedName> tables) {
        return tables.size() == 1 ? "it" : "them";
    }
}
