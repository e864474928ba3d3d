package io.tablemigrator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.tablemigrator.api.Phase;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.Plans;
import io.tablemigrator.testing.TenantSchema;
import io.tablemigrator.testing.TestDb;

/**
 * A multi-tenant table under FORCE ROW LEVEL SECURITY, migrated by its owner (not a superuser): refused until the
 * owner may bypass the policies, then moved whole, never as the part one tenant's policy shows.
 */
class RowLevelSecurityMigrationTest {
    private final TestDb source = PgServer.pg14().newDatabase("rls_src");
    private final TestDb target = PgServer.pg17().newDatabase("rls_tgt");

    private MigrationPlan plan(String name, String spec) {
        return Plans.plan(name, source.url(TenantSchema.owner(source), null), target.url(),
                "tables: [{name: tenants_data}]\n" + spec);
    }

    private void refusedUntilBypassRls(MigrationPlan plan) {
        assertThatThrownBy(() -> new Migration(plan, Plans.runToEnd(), new StatusBoard(plan.tables())).run())
                .isInstanceOfSatisfying(MigrationError.class, e -> assertThat(e.reason()).isEqualTo("SourceRowSecurity"))
                .hasMessageContaining("Source table public.tenants_data FORCEs row-level security on its owner")
                .hasMessageContaining("ALTER ROLE \"" + TenantSchema.owner(source) + "\" BYPASSRLS;");
        assertThat(target.queryValue("SELECT count(*) FROM pg_tables WHERE tablename = 'tenants_data'"))
                .as("nothing was changed").isEqualTo("0");
        TenantSchema.insertAsTenant(source, "t1", 1);
        source.execute("ALTER ROLE " + TenantSchema.owner(source) + " BYPASSRLS");
    }

    @Test
    void offline() {
        TenantSchema.create(source);
        MigrationPlan plan = plan("rls-offline", "mode: Offline");
        refusedUntilBypassRls(plan);

        StatusBoard board = new StatusBoard(plan.tables());
        assertThat(new Migration(plan, Plans.runToEnd(), board).run()).isEqualTo(Outcome.COMPLETED);

        assertThat(target.rowsOf("tenants_data")).hasSize(TenantSchema.ROWS + 1).isEqualTo(source.rowsOf("tenants_data"));
        assertThat(board.snapshot().getTables().get(0).getTargetRows()).isEqualTo(TenantSchema.ROWS + 1);
        target.execute("INSERT INTO tenants_data (tenant_id, body) VALUES ('t2', 'the application, after the move')");
    }

    @Test
    void online() {
        TenantSchema.create(source);
        MigrationPlan plan = plan("rls-online", "cutover: {policy: Manual}");
        refusedUntilBypassRls(plan);

        StatusBoard board = new StatusBoard(plan.tables());
        AtomicBoolean approved = new AtomicBoolean();
        var run = CompletableFuture.supplyAsync(() -> new Migration(plan,
                Plans.control(approved::get, () -> false, () -> false), board).run());
        await().atMost(Duration.ofMinutes(2)).until(() -> run.isDone() || board.overallPhase() == Phase.Replicating);
        for (int tenant = 0; tenant < 4; tenant++) {
            TenantSchema.insertAsTenant(source, "t" + tenant, 50);
        }
        approved.set(true);
        assertThat(run.join()).isEqualTo(Outcome.COMPLETED);

        assertThat(target.rowsOf("tenants_data")).hasSize(TenantSchema.ROWS + 1 + 200)
                .isEqualTo(source.rowsOf("tenants_data"));
        assertThat(board.snapshot().getTables().get(0).getChecksumMatch()).isTrue();
        target.execute("INSERT INTO tenants_data (tenant_id, body) VALUES ('t2', 'the application, after the move')");
    }
}
