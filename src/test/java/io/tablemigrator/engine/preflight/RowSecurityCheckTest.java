package io.tablemigrator.engine.preflight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.Plans;
import io.tablemigrator.testing.TenantSchema;
import io.tablemigrator.testing.TestDb;

/** Row-level security that would hide rows from the migration's users, refused before anything is changed. */
class RowSecurityCheckTest {
    private final TestDb source = PgServer.pg14().newDatabase("rls_pre_src");
    private final TestDb target = PgServer.pg17().newDatabase("rls_pre_tgt");

    private static void check(MigrationPlan plan) {
        new Preflight(plan, new Database("source", plan.source()), new Database("target", plan.target())).check(Set.of());
    }

    private static AbstractThrowableAssert<?, ?> refused(MigrationPlan plan, String reason) {
        return assertThatThrownBy(() -> check(plan)).isInstanceOfSatisfying(MigrationError.class,
                e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void aPolicyForcedOnTheSourceUsersOwnTablesIsRefusedUntilItMayBypassIt() {
        TenantSchema.create(source);
        String owner = TenantSchema.owner(source);
        source.execute("SET ROLE " + owner + "; CREATE TABLE tenant_settings (tenant_id text PRIMARY KEY, plan text);"
                + " ALTER TABLE tenant_settings ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY");
        MigrationPlan plan = Plans.plan("rls", source.url(owner, null), target.url(),
                "tables: [{name: tenants_data}, {name: tenant_settings}]");

        refused(plan, "SourceRowSecurity")
                .hasMessageContaining("Source tables public.tenants_data and public.tenant_settings FORCE row-level"
                        + " security on their owner, so user " + owner + " (neither a superuser nor BYPASSRLS) cannot"
                        + " read every row")
                .hasMessageContaining("Fix: ALTER ROLE \"" + owner + "\" BYPASSRLS;")
                .hasMessageContaining("ALTER TABLE \"public\".\"tenants_data\" NO FORCE ROW LEVEL SECURITY;"
                        + " ALTER TABLE \"public\".\"tenant_settings\" NO FORCE ROW LEVEL SECURITY;")
                .satisfies(e -> assertThat(e.getMessage().lines()).as("one line for both tables").hasSize(1));

        // enabled but not forced: policies do not apply to the owner
        source.execute("ALTER TABLE tenants_data NO FORCE ROW LEVEL SECURITY;"
                + " ALTER TABLE tenant_settings NO FORCE ROW LEVEL SECURITY");
        check(plan);

        source.execute("ALTER TABLE tenants_data FORCE ROW LEVEL SECURITY; ALTER ROLE " + owner + " BYPASSRLS");
        check(plan);
    }

    @Test
    void aPreCreatedTargetTableWhosePoliciesApplyToTheTargetUserIsRefused() {
        source.execute("CREATE TABLE tenants_data (id bigint PRIMARY KEY, tenant_id text NOT NULL, body text)");
        String owner = target.name() + "_owner";
        String user = target.name() + "_loader";
        target.execute("CREATE ROLE " + owner + "; CREATE ROLE " + user + " LOGIN;"
                + " GRANT CREATE ON DATABASE " + target.name() + " TO " + user + ";"
                + " GRANT CREATE, USAGE ON SCHEMA public TO " + owner + ";"
                + " SET ROLE " + owner + ";"
                + " CREATE TABLE tenants_data (id bigint PRIMARY KEY, tenant_id text NOT NULL, body text);"
                + " ALTER TABLE tenants_data ENABLE ROW LEVEL SECURITY;"
                + " CREATE POLICY tenant_isolation ON tenants_data USING (tenant_id = current_setting('app.tenant', true));"
                + " GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON tenants_data TO " + user);
        MigrationPlan plan = Plans.plan("rls-target", source.url(), target.url(user, null),
                "mode: Offline\ntables: [{name: tenants_data}]");

        refused(plan, "TargetRowSecurity")
                .hasMessageContaining("Target table public.tenants_data has row-level security enabled, and user " + user
                        + " neither owns it nor has BYPASSRLS, so it cannot write and validate every row")
                .hasMessageContaining("ALTER ROLE \"" + user + "\" BYPASSRLS;")
                .hasMessageNotContaining("Cannot read target table");

        target.execute("ALTER ROLE " + user + " BYPASSRLS");
        check(plan);
    }
}
