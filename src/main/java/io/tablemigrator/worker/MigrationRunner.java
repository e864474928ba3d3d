package io.tablemigrator.worker;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;

import io.tablemigrator.engine.Migration;
import io.tablemigrator.engine.MigrationControl;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.Outcome;
import io.tablemigrator.engine.StatusBoard;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.PgErrors;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The engine as the cluster drivers call it: the one seam between the control plane (worker, operator) and the
 * code that moves rows. Production delegates to {@link Migration}; a test may replace this bean.
 */
@ApplicationScoped
public class MigrationRunner {

    /** Runs the migration until it completes, stops or is cancelled (worker). */
    public Outcome run(MigrationPlan plan, MigrationControl control, StatusBoard board) {
        return new Migration(plan, control, board).run();
    }

    /** Removes the slot, publication, fence and half-built tables (operator, on delete). Idempotent. */
    public void cancel(MigrationPlan plan) {
        Migration.cancel(plan);
    }

    /**
     * How far the source has moved past what the target confirmed, read from the migration's replication slot on
     * the source while no worker runs (operator, while Paused). Empty when the slot does not exist.
     */
    public OptionalLong pausedLagBytes(MigrationPlan plan) {
        Database source = new Database("source", plan.source());
        try (Connection c = source.connect();
             PreparedStatement st = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
                     + " FROM pg_replication_slots WHERE slot_name = ?")) {
            st.setString(1, plan.slotName());
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return OptionalLong.empty();
                }
                long lag = rs.getLong(1);
                return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(Math.max(0, lag));
            }
        } catch (SQLException e) {
            throw new MigrationError("SourceUnreachable", "Cannot read the replication slot " + plan.slotName()
                    + " on the source database " + plan.source().redacted() + ": " + PgErrors.firstLine(e) + ".", e);
        }
    }
}
