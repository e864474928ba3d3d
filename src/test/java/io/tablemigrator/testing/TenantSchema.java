package io.tablemigrator.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A multi-tenant application's table, protected the common way: row-level security ENABLEd and FORCEd (so that
 * even the owner's sessions see one tenant), a policy on {@code current_setting('app.tenant')}, and an application
 * role with grants. The migration's source user owns the table and has REPLICATION and CREATE on the database, as
 * the README asks, but is no superuser: the least-privileged user a managed service gives.
 * Roles belong to the server, so their names start with the database's.
 */
public final class TenantSchema {
    /** Rows the table starts with, 250 per tenant t0 .. t3. */
    public static final int ROWS = 1000;

    private TenantSchema() {
    }

    /** The migration's source user: the tables' owner, not a superuser. */
    public static String owner(TestDb db) {
        return db.name() + "_owner";
    }

    /** The application's role: granted rows, subject to the policy. */
    public static String app(TestDb db) {
        return db.name() + "_app";
    }

    public static void create(TestDb db) {
        String owner = owner(db);
        String app = app(db);
        db.execute("CREATE ROLE " + owner + " LOGIN REPLICATION; CREATE ROLE " + app + " LOGIN;"
                + " GRANT CREATE ON DATABASE " + db.name() + " TO " + owner + ";"
                + " GRANT CREATE, USAGE ON SCHEMA public TO " + owner);
        db.execute("SET ROLE " + owner + ";" + """
                CREATE TABLE tenants_data (
                    id bigserial PRIMARY KEY,
                    tenant_id text NOT NULL DEFAULT current_setting('app.tenant'),
                    body text,
                    created_at timestamptz NOT NULL DEFAULT now());
                CREATE INDEX tenants_data_tenant_id_idx ON tenants_data (tenant_id);
                ALTER TABLE tenants_data ENABLE ROW LEVEL SECURITY;
                ALTER TABLE tenants_data FORCE ROW LEVEL SECURITY;
                CREATE POLICY tenant_isolation ON tenants_data
                    USING (tenant_id = current_setting('app.tenant', true));
                """ + "GRANT SELECT, INSERT, UPDATE, DELETE ON tenants_data TO " + app + ";"
                + " GRANT USAGE ON SEQUENCE tenants_data_id_seq TO " + app + "; RESET ROLE;"
                // seeded by a superuser, whom no policy filters
                + " INSERT INTO tenants_data (tenant_id, body) SELECT 't' || (g % 4), 'row ' || g"
                + " FROM generate_series(1, " + ROWS + ") g");
    }

    /** What the application does: a tenant's session inserting its own rows, through the policy. */
    public static void insertAsTenant(TestDb db, String tenant, int rows) {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET ROLE " + app(db));
            st.execute("SET app.tenant = '" + tenant + "'");
            st.execute("INSERT INTO tenants_data (body) SELECT 'written during replay ' || g"
                    + " FROM generate_series(1, " + rows + ") g");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
