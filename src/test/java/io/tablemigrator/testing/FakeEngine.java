package io.tablemigrator.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.tablemigrator.api.CutoverPolicy;
import io.tablemigrator.api.CutoverStatus;
import io.tablemigrator.api.MigrationMode;
import io.tablemigrator.api.Phase;
import io.tablemigrator.engine.MigrationControl;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.Outcome;
import io.tablemigrator.engine.StatusBoard;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.Sql;
import io.tablemigrator.worker.MigrationRunner;

/**
 * A stand-in for the engine while it is being built, behind the worker's one seam ({@link MigrationRunner}): it walks
 * the phases with real effects on embedded PostgreSQL that the control plane's tests can observe (a logical slot, a
 * publication and a fence trigger on the source; tables, rows and a checkpoint on the target), honours stop and
 * approval, fails preflight on a non-empty target table, and resumes after the copy from its checkpoint. It does not
 * replay changes: the tests drive the control plane, not data correctness.
 */
public class FakeEngine extends MigrationRunner {
    /** Pause between steps, so that a test can see each phase. */
    public volatile long stepMillis = 150;
    public final AtomicInteger copies = new AtomicInteger();
    public final AtomicInteger runs = new AtomicInteger();
    /** Thrown by every run once it has started, to play a crashing or failing engine. */
    public volatile RuntimeException failWith;

    @Override
    public Outcome run(MigrationPlan plan, MigrationControl control, StatusBoard board) {
        runs.incrementAndGet();
        Database source = new Database("source", plan.source());
        Database target = new Database("target", plan.target());
        try (Connection src = source.connect(); Connection tgt = target.connect()) {
            board.phase(Phase.Preparing);
            step();
            if (failWith != null) {
                throw failWith;
            }
            String stage = checkpoint(tgt, plan);
            if (stage == null) {
                preflight(src, tgt, plan);
            }
            if (control.stopRequested()) {
                return Outcome.STOPPED;
            }
            if (!"copied".equals(stage)) {
                // before the copy finished: start the copy again, as the real engine does
                dropTargets(tgt, plan);
                dropSlot(src, plan);
                board.phase(Phase.CreatingTables);
                createTargets(src, tgt, plan);
                step();
                if (plan.mode() == MigrationMode.Online) {
                    exec(src, "CREATE PUBLICATION " + Sql.ident(plan.publicationName()) + " FOR TABLE "
                            + String.join(", ", plan.tables().stream().map(t -> t.source().quoted()).toList()));
                    exec(src, "SELECT pg_create_logical_replication_slot('" + plan.slotName() + "', 'pgoutput')");
                } else {
                    fence(src, plan);
                }
                board.phase(Phase.Copying);
                board.copyStarted();
                copies.incrementAndGet();
                for (int i = 0; i < plan.tables().size(); i++) {
                    if (!copy(src, tgt, plan.tables().get(i), board.tables().get(i), control)) {
                        return Outcome.STOPPED;
                    }
                    board.tables().get(i).phase(Phase.Indexing);
                }
                board.copyEnded();
                exec(tgt, "INSERT INTO tablemigrator_fake.checkpoint VALUES ('" + plan.id() + "', 'copied')"
                        + " ON CONFLICT (id) DO UPDATE SET stage = 'copied'");
            } else {
                for (int i = 0; i < plan.tables().size(); i++) {
                    long rows = count(tgt, plan.tables().get(i).target().quoted());
                    board.tables().get(i).rowsEstimated(rows);
                    board.tables().get(i).addCopied(rows, 0);
                }
            }
            board.phase(Phase.Indexing);
            step();
            if (control.stopRequested()) {
                return Outcome.STOPPED;
            }
            if (plan.mode() == MigrationMode.Online) {
                board.phase(Phase.Replicating);
                board.replication(plan.slotName(), plan.publicationName());
                while (true) {
                    exec(src, "SELECT pg_replication_slot_advance('" + plan.slotName() + "', pg_current_wal_lsn())");
                    long lag = lag(src, plan);
                    board.replicationProgress(value(src, "SELECT pg_current_wal_lsn()::text"), lag, 0);
                    board.addChangesApplied(1);
                    step();
                    if (control.stopRequested()) {
                        return Outcome.STOPPED;
                    }
                    boolean approved = plan.cutoverPolicy() == CutoverPolicy.Automatic || control.cutoverApproved();
                    if (approved && lag < plan.maxLagBytes()) {
                        break;
                    }
                }
                board.phase(Phase.CuttingOver);
                fence(src, plan);
                CutoverStatus cutover = new CutoverStatus();
                cutover.setStartedAt(StatusBoard.now());
                cutover.setWritesBlockedMillis(5L);
                cutover.setFenceLsn(value(src, "SELECT pg_current_wal_lsn()::text"));
                cutover.setAttempts(1);
                board.cutover(cutover);
                step();
            }
            board.phase(Phase.Validating);
            for (int i = 0; i < plan.tables().size(); i++) {
                TableMapping t = plan.tables().get(i);
                board.tables().get(i).validated(count(src, t.source().quoted()), count(tgt, t.target().quoted()), true);
            }
            step();
            board.phase(Phase.Finalizing);
            dropSlot(src, plan);
            if (plan.sourceAfterCutover() == io.tablemigrator.api.SourceAfterCutover.Writable) {
                unfence(src, plan);
            }
            exec(tgt, "DELETE FROM tablemigrator_fake.checkpoint WHERE id = '" + plan.id() + "'");
            step();
            board.phase(Phase.Completed);
            return Outcome.COMPLETED;
        } catch (SQLException e) {
            throw new MigrationError("FakeEngineFailed", e.getMessage(), e);
        }
    }

    @Override
    public void cancel(MigrationPlan plan) {
        Database source = new Database("source", plan.source());
        Database target = new Database("target", plan.target());
        try (Connection src = source.connect(); Connection tgt = target.connect()) {
            dropSlot(src, plan);
            unfence(src, plan);
            if (checkpoint(tgt, plan) != null) {
                dropTargets(tgt, plan);
                exec(tgt, "DELETE FROM tablemigrator_fake.checkpoint WHERE id = '" + plan.id() + "'");
            }
        } catch (SQLException e) {
            throw new MigrationError("FakeEngineFailed", e.getMessage(), e);
        }
    }

    private void preflight(Connection src, Connection tgt, MigrationPlan plan) throws SQLException {
        if (plan.mode() == MigrationMode.Online && !"logical".equals(value(src, "SHOW wal_level"))) {
            throw new MigrationError("WalLevelNotLogical", "The source database has wal_level "
                    + value(src, "SHOW wal_level") + "; set wal_level = logical and restart it.");
        }
        for (TableMapping t : plan.tables()) {
            if (value(tgt, "SELECT to_regclass('" + t.target().quoted().replace("'", "''") + "')::text") != null
                    && count(tgt, t.target().quoted()) > 0) {
                throw new MigrationError("TargetTableNotEmpty", "Target table " + t.target().display()
                        + " already has rows; empty it (TRUNCATE " + t.target().quoted()
                        + ") or choose another targetName, then the migration retries.");
            }
        }
    }

    private boolean copy(Connection src, Connection tgt, TableMapping t, StatusBoard.TableProgress progress,
            MigrationControl control) throws SQLException {
        List<String> columns = columns(src, t);
        long total = count(src, t.source().quoted());
        progress.rowsEstimated(total);
        String placeholders = String.join(", ", columns.stream().map(c -> "?").toList());
        try (Statement read = src.createStatement();
             ResultSet rs = read.executeQuery("SELECT * FROM " + t.source().quoted());
             PreparedStatement insert = tgt.prepareStatement("INSERT INTO " + t.target().quoted() + " VALUES (" + placeholders + ")")) {
            int batch = 0;
            while (rs.next()) {
                for (int c = 1; c <= columns.size(); c++) {
                    insert.setObject(c, rs.getObject(c));
                }
                insert.executeUpdate();
                progress.addCopied(1, 10);
                if (++batch % 50 == 0) {
                    step();
                    if (control.stopRequested()) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static List<String> columns(Connection src, TableMapping t) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement st = src.prepareStatement("SELECT quote_ident(attname) || ' ' || format_type(atttypid, atttypmod)"
                + " FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            st.setString(1, t.source().quoted());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return columns;
    }

    private static void createTargets(Connection src, Connection tgt, MigrationPlan plan) throws SQLException {
        for (TableMapping t : plan.tables()) {
            exec(tgt, "CREATE SCHEMA IF NOT EXISTS " + Sql.ident(t.target().schema()));
            exec(tgt, "CREATE TABLE IF NOT EXISTS " + t.target().quoted() + " (" + String.join(", ", columns(src, t)) + ")");
        }
    }

    private static void dropTargets(Connection tgt, MigrationPlan plan) throws SQLException {
        for (TableMapping t : plan.tables()) {
            exec(tgt, "DROP TABLE IF EXISTS " + t.target().quoted());
        }
    }

    private static String checkpoint(Connection tgt, MigrationPlan plan) throws SQLException {
        exec(tgt, "CREATE SCHEMA IF NOT EXISTS tablemigrator_fake; CREATE TABLE IF NOT EXISTS tablemigrator_fake.checkpoint"
                + " (id text PRIMARY KEY, stage text)");
        try (PreparedStatement st = tgt.prepareStatement("SELECT stage FROM tablemigrator_fake.checkpoint WHERE id = ?")) {
            st.setString(1, plan.id());
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next()) {
                    return rs.getString(1);
                }
            }
        }
        exec(tgt, "INSERT INTO tablemigrator_fake.checkpoint VALUES ('" + plan.id() + "', 'started')");
        return null;
    }

    private static void fence(Connection src, MigrationPlan plan) throws SQLException {
        String fn = Sql.ident(plan.fenceName());
        exec(src, "CREATE OR REPLACE FUNCTION public." + fn + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " RAISE EXCEPTION 'read-only: moved by tablemigrator' USING ERRCODE = '25006'; END $$");
        for (TableMapping t : plan.tables()) {
            exec(src, "CREATE OR REPLACE TRIGGER " + fn + " BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "
                    + t.source().quoted() + " FOR EACH STATEMENT EXECUTE FUNCTION public." + fn + "()");
        }
    }

    private static void unfence(Connection src, MigrationPlan plan) throws SQLException {
        exec(src, "DROP FUNCTION IF EXISTS public." + Sql.ident(plan.fenceName()) + "() CASCADE");
    }

    private static void dropSlot(Connection src, MigrationPlan plan) throws SQLException {
        exec(src, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                + plan.slotName() + "'");
        exec(src, "DROP PUBLICATION IF EXISTS " + Sql.ident(plan.publicationName()));
    }

    private static long lag(Connection src, MigrationPlan plan) throws SQLException {
        String v = value(src, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
                + " FROM pg_replication_slots WHERE slot_name = '" + plan.slotName() + "'");
        return v == null ? 0 : Math.max(0, Long.parseLong(v));
    }

    private static long count(Connection c, String quotedTable) throws SQLException {
        return Long.parseLong(value(c, "SELECT count(*) FROM " + quotedTable));
    }

    private static String value(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private void step() {
        try {
            Thread.sleep(stepMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
