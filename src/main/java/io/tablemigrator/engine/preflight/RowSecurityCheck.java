package io.tablemigrator.engine.preflight;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.db.Sql;

/**
 * Row-level security: the migration's users must see every row of the tables they read (source) and write
 * (target). Their sessions run with {@code row_security = off} (see {@link Database}), so a table whose policies
 * apply to the user fails at the first read or write instead of being moved in part; this check names every such
 * table before anything is changed, with the fix.
 * <p>
 * Policies do not apply to a superuser, to a role with BYPASSRLS, nor to the table's owner (or a member of the
 * owning role) unless the table FORCEs row-level security. Target tables the migration creates get their
 * policies only at the end, once nothing reads them any more; pre-existing ones are checked as they are.
 */
final class RowSecurityCheck {
    /** How a table's row-level security stands for the session's user. */
    private enum Exposure { NONE, FORCED_ON_OWNER, NOT_OWNER }

    private final TableProblem sourceForced;
    private final TableProblem sourceNotOwned;
    private final TableProblem targetForced;
    private final TableProblem targetNotOwned;
    private final Set<QualifiedName> hiddenTargetTables = new HashSet<>();

    RowSecurityCheck(Database source, Database target) {
        String sourceUser = source.url().user();
        String targetUser = target.url().user();
        sourceForced = forced("SourceRowSecurity", "Source", sourceUser, "read");
        sourceNotOwned = notOwned("SourceRowSecurity", "Source", sourceUser, "read",
                ", or run the migration as the tables' owner.");
        targetForced = forced("TargetRowSecurity", "Target", targetUser, "write and validate");
        targetNotOwned = notOwned("TargetRowSecurity", "Target", targetUser, "write and validate",
                ", or run the migration as the tables' owner, or drop the (empty) tables and let the migration"
                        + " create them.");
    }

    /**
     * Adds a problem for each migrated source table, and each pre-existing target table, whose policies apply to
     * the user of its side.
     *
     * @param ownTargetTables target tables this migration created in an earlier run
     */
    void check(MigrationPlan plan, Connection src, Connection tgt, Set<QualifiedName> ownTargetTables,
               Problems problems) throws SQLException {
        boolean sourceExempt = exempt(src);
        boolean targetExempt = exempt(tgt);
        for (TableMapping table : plan.tables()) {
            if (!sourceExempt) {
                report(exposure(src, table.source()), table.source(), sourceForced, sourceNotOwned, problems);
            }
            if (!targetExempt && !ownTargetTables.contains(table.target())
                    && report(exposure(tgt, table.target()), table.target(), targetForced, targetNotOwned, problems)) {
                hiddenTargetTables.add(table.target());
            }
        }
    }

    /** Whether the target user cannot see every row of this target table: whether it holds rows cannot be told. */
    boolean hides(QualifiedName targetTable) {
        return hiddenTargetTables.contains(targetTable);
    }

    private static boolean report(Exposure exposure, QualifiedName table, TableProblem forced, TableProblem notOwned,
                                  Problems problems) {
        switch (exposure) {
            case FORCED_ON_OWNER -> problems.add(forced, table);
            case NOT_OWNER -> problems.add(notOwned, table);
            case NONE -> {
                return false;
            }
        }
        return true;
    }

    /** A superuser or a BYPASSRLS role: no policy applies to it (the attribute is the role's own, never inherited). */
    private static boolean exempt(Connection c) throws SQLException {
        try (var st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT rolsuper OR rolbypassrls FROM pg_catalog.pg_roles"
                     + " WHERE rolname = current_user")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static Exposure exposure(Connection c, QualifiedName table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT c.relforcerowsecurity, pg_catalog.pg_has_role(current_user, c.relowner, 'USAGE')
                FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relname = ? AND c.relrowsecurity""")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Exposure.NONE;
                }
                if (!rs.getBoolean(2)) {
                    return Exposure.NOT_OWNER;
                }
                return rs.getBoolean(1) ? Exposure.FORCED_ON_OWNER : Exposure.NONE;
            }
        }
    }

    private static TableProblem forced(String reason, String side, String user, String verb) {
        return new TableProblem(reason, tables -> side + " " + Problems.names("table", tables) + " FORCE"
                + (tables.size() == 1 ? "s" : "") + " row-level security on " + (tables.size() == 1 ? "its" : "their")
                + " owner, so user " + user + " (neither a superuser nor BYPASSRLS) cannot " + verb + " every row; "
                + WHY + " Fix: " + bypassRls(user) + ", or, if the application does not connect as the owner, "
                + Problems.statements(tables, t -> "ALTER TABLE " + t.quoted() + " NO FORCE ROW LEVEL SECURITY;")
                + " until the migration completes.");
    }

    private static TableProblem notOwned(String reason, String side, String user, String verb, String otherFix) {
        return new TableProblem(reason, tables -> side + " " + Problems.names("table", tables) + " ha"
                + (tables.size() == 1 ? "s" : "ve") + " row-level security enabled, and user " + user + " neither owns "
                + (tables.size() == 1 ? "it" : "them") + " nor has BYPASSRLS, so it cannot " + verb + " every row; "
                + WHY + " Fix: " + bypassRls(user) + otherFix);
    }

    private static final String WHY = "tablemigrator turns row-level security off for its sessions, as pg_dump"
            + " does, so that a table is moved whole or not at all.";

    private static String bypassRls(String user) {
        return "ALTER ROLE " + Sql.ident(user) + " BYPASSRLS; (run by a superuser; on a managed service, by its"
                + " administrator role where the provider lets it grant BYPASSRLS)";
    }
}
