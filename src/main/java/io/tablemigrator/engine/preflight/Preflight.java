package io.tablemigrator.engine.preflight;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.tablemigrator.api.MigrationMode;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.db.Sql;
import io.tablemigrator.engine.schema.Partition;
import io.tablemigrator.engine.schema.SchemaReader;
import io.tablemigrator.engine.schema.TableDefinition;

/**
 * Everything that can be found wrong before anything is changed (phase Preparing): both databases reachable, the
 * source tables there and readable, every row visible to the migration's users despite row-level security
 * ({@link RowSecurityCheck}), the target tables absent or empty, and for Online mode logical WAL, a free
 * replication slot, the replication privilege and a replica identity on every table. All problems are reported
 * at once, each with the fix, so that one round of fixing is enough.
 */
public final class Preflight {
    private final MigrationPlan plan;
    private final Database source;
    private final Database target;
    /** Kinds of problem whose sentence names the source user; one instance each, so that their tables group. */
    private final TableProblem notReadable;
    private final TableProblem notOwned;
    private final RowSecurityCheck rowSecurity;

    public Preflight(MigrationPlan plan, Database source, Database target) {
        this.plan = plan;
        this.source = source;
        this.target = target;
        this.notReadable = notReadable();
        this.notOwned = notOwned();
        this.rowSecurity = new RowSecurityCheck(source, target);
    }

    /**
     * Runs every check.
     *
     * @param ownTargetTables target tables this migration created in an earlier run; they may hold rows
     * @throws MigrationError naming every problem found
     */
    public void check(Set<QualifiedName> ownTargetTables) {
        Problems problems = new Problems();
        try (Connection src = source.connect(); Connection tgt = target.connect()) {
            checkVersion(src, source, problems);
            checkVersion(tgt, target, problems);
            if (!problems.isEmpty()) {
                throw problems.toError(); // the catalog queries below are written for the supported versions
            }
            checkSourceTables(src, problems);
            rowSecurity.check(plan, src, tgt, ownTargetTables, problems);
            checkTargetTables(tgt, ownTargetTables, problems);
            if (plan.mode() == MigrationMode.Online) {
                checkLogicalReplication(src, problems);
            }
        } catch (SQLException e) {
            throw new MigrationError("PreflightFailed", "Preflight could not query the databases: " + e.getMessage(), e);
        }
        if (!problems.isEmpty()) {
            throw problems.toError();
        }
    }

    /** The oldest major version tested on either side: what is older is refused rather than tried. */
    private static final int OLDEST_MAJOR = 12;

    private static void checkVersion(Connection c, Database db, Problems problems) throws SQLException {
        int major = c.getMetaData().getDatabaseMajorVersion();
        if (major < OLDEST_MAJOR) {
            problems.add(new Problem("UnsupportedVersion", "The " + db.side() + " " + db.url().redacted() + " runs"
                    + " PostgreSQL " + c.getMetaData().getDatabaseProductVersion() + "; tablemigrator supports "
                    + OLDEST_MAJOR + " and newer on both sides. Upgrade that server first (pg_upgrade), or move"
                    + " these tables with pg_dump."));
        }
    }

    /** The source user may not read tables: one GRANT for all of them. */
    private TableProblem notReadable() {
        return new TableProblem("SourcePermissionDenied", tables -> "User " + sourceUser() + " may not read source "
                + Problems.names("table", tables) + ". Fix: GRANT SELECT ON "
                + tables.stream().map(QualifiedName::quoted).collect(Collectors.joining(", ")) + " TO "
                + Sql.ident(sourceUser()) + ";");
    }

    private TableProblem notOwned() {
        return new TableProblem("SourcePermissionDenied", tables -> "User " + sourceUser() + " does not own source "
                + Problems.names("table", tables) + ", so it cannot "
                + (plan.mode() == MigrationMode.Online ? "publish or " : "") + "fence "
                + (tables.size() == 1 ? "it" : "them") + " against writes. Fix: run the migration as the tables' owner"
                + " (or a member of the owning role).");
    }

    private String sourceUser() {
        return source.url().user();
    }

    private void checkSourceTables(Connection src, Problems problems) throws SQLException {
        TableRefusals refusals = new TableRefusals();
        List<TableDefinition> definitions = new ArrayList<>();
        for (int i = 0; i < plan.tables().size(); i++) {
            TableMapping table = plan.tables().get(i);
            String field = "spec.tables[" + i + "]";
            SourceTable facts = SourceTable.read(src, table.source());
            if (facts == null) {
                String hint = SourceTable.similarName(src, table.source())
                        .map(n -> " Did you mean " + n.display() + "? Names are exact, case and spaces included.")
                        .orElse(" Names are exact, case and spaces included.");
                problems.add(new Problem("SourceTableNotFound", "Source table " + table.source().display()
                        + " (" + field + ") does not exist in " + source.url().redacted() + "." + hint));
                continue;
            }
            TableDefinition definition = SchemaReader.read(src, table.source());
            definitions.add(definition);
            definition.refusals(plan.mode()).forEach(r -> refusals.add(r, problems));
            if (facts.kind() != 'r' && facts.kind() != 'p') {
                continue;
            }
            checkAccess(facts, table.source(), problems);
            if (definition.partitioning() != null) {
                // every partition is copied and fenced on its own
                for (Partition partition : definition.partitioning().partitions()) {
                    checkAccess(SourceTable.read(src, partition.name()), partition.name(), problems);
                }
            }
        }
        PartitionPreflight.check(plan.mode(), src.getMetaData().getDatabaseMajorVersion(), definitions, problems);
    }

    /** @param facts null when the table is gone since its table's definition was read */
    private void checkAccess(SourceTable facts, QualifiedName table, Problems problems) {
        if (facts == null) {
            return;
        }
        if (!facts.readable()) {
            problems.add(notReadable, table);
        }
        if (!facts.ownedOrSuperuser()) {
            problems.add(notOwned, table);
        }
    }

    private static final TableProblem TARGET_NOT_EMPTY = new TableProblem("TargetTableNotEmpty", tables -> "Target "
            + Problems.names("table", tables) + " already exist" + (tables.size() == 1 ? "s" : "") + " and hold"
            + (tables.size() == 1 ? "s" : "") + " rows; tablemigrator only fills empty tables. Fix: empty or drop "
            + (tables.size() == 1 ? "it" : "them") + " on the target, or map " + (tables.size() == 1 ? "it" : "them")
            + " to another targetName in spec.tables.");

    private void checkTargetTables(Connection tgt, Set<QualifiedName> ownTargetTables, Problems problems)
            throws SQLException {
        for (int i = 0; i < plan.tables().size(); i++) {
            QualifiedName name = plan.tables().get(i).target();
            if (ownTargetTables.contains(name) || rowSecurity.hides(name)) {
                continue;
            }
            try (PreparedStatement ps = tgt.prepareStatement("SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON "
                    + "n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
                ps.setString(1, name.schema());
                ps.setString(2, name.name());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        continue;
                    }
                }
            }
            try (var st = tgt.createStatement();
                 ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM " + name.quoted() + ")")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    problems.add(TARGET_NOT_EMPTY, name);
                }
            } catch (SQLException e) {
                problems.add("TargetPermissionDenied", "Cannot read target table " + name.display() + ": "
                        + e.getMessage());
            }
        }
    }

    private void checkLogicalReplication(Connection src, Problems problems) throws SQLException {
        String walLevel = value(src, "SHOW wal_level");
        if (!"logical".equals(walLevel)) {
            problems.add(new Problem("WalLevelNotLogical", "The source has wal_level = " + walLevel
                    + "; Online mode needs logical. Fix: ALTER SYSTEM SET wal_level = logical; then restart the "
                    + "source server (managed services: set the logical replication parameter), or use mode: Offline."));
        }
        boolean slotExists = "t".equals(value(src, "SELECT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = "
                + Sql.literal(plan.slotName()) + ")"));
        int freeSlots = Integer.parseInt(value(src, "SELECT current_setting('max_replication_slots')::int "
                + "- (SELECT count(*) FROM pg_replication_slots)"));
        if (!slotExists && freeSlots < 1) {
            problems.add(new Problem("NoFreeReplicationSlot", "The source has no free replication slot (max_replication_slots = "
                    + value(src, "SHOW max_replication_slots") + ", all in use). Fix: drop an unused slot "
                    + "(SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE NOT active) or raise "
                    + "max_replication_slots and restart the source."));
        }
        int freeSenders = Integer.parseInt(value(src, "SELECT current_setting('max_wal_senders')::int "
                + "- (SELECT count(*) FROM pg_stat_replication)"));
        if (freeSenders < 1) {
            problems.add(new Problem("NoFreeWalSender", "The source has no free WAL sender (max_wal_senders = "
                    + value(src, "SHOW max_wal_senders") + ", all in use). Fix: raise max_wal_senders and restart."));
        }
        if (!"t".equals(value(src, "SELECT rolsuper OR rolreplication OR EXISTS (SELECT 1 FROM pg_roles r WHERE "
                + "r.rolname = 'rds_replication' AND pg_has_role(current_user, r.oid, 'MEMBER')) "
                + "FROM pg_roles WHERE rolname = current_user"))) {
            String user = Sql.ident(source.url().user());
            problems.add(new Problem("ReplicationNotPermitted", "User " + source.url().user()
                    + " may not use logical replication on the source. Fix: ALTER ROLE " + user
                    + " WITH REPLICATION; (on Amazon RDS: GRANT rds_replication TO " + user + ";)"));
        }
        if (!"t".equals(value(src, "SELECT has_database_privilege(current_database(), 'CREATE')"))) {
            problems.add(new Problem("SourcePermissionDenied", "User " + source.url().user()
                    + " may not create a publication in the source database. Fix: GRANT CREATE ON DATABASE "
                    + Sql.ident(source.url().database()) + " TO "
                    + Sql.ident(source.url().user()) + ";"));
        }
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
