package io.tablemigrator.engine.schema;

import static io.tablemigrator.engine.schema.SchemaTestSupport.constraints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.tablemigrator.api.MigrationMode;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.TestDb;

/** What the reader finds in the source catalogs, and what it refuses. */
class SchemaReaderTest {
    TestDb db = PgServer.pg14().newDatabase("schema_read");

    TableDefinition read(String schema, String table) throws Exception {
        try (Connection c = db.connect()) {
            return SchemaReader.read(c, new QualifiedName(schema, table));
        }
    }

    @Test
    void userTypesComeInDependencyOrderAndBinaryCopyOnlyForTypesWithFixedOids() throws Exception {
        db.execute("""
                CREATE SCHEMA s;
                CREATE TYPE s.color AS ENUM ('red', 'green');
                CREATE DOMAIN s.bright AS s.color CHECK (VALUE <> 'green');
                CREATE TYPE s.pixel AS (c s.bright, x integer);
                CREATE DOMAIN s.pos AS integer CHECK (VALUE >= 0);
                CREATE TABLE t (pixels s.pixel[], n integer[], p s.pos, ps s.pos[], j jsonb, name information_schema.sql_identifier);
                """);
        TableDefinition def = read("public", "t");
        assertThat(def.userTypes()).extracting(t -> t.name().name()).containsExactly("color", "bright", "pixel", "pos");
        assertThat(def.columns()).extracting(Column::name, Column::binarySafe).containsExactly(
                org.assertj.core.groups.Tuple.tuple("pixels", false), org.assertj.core.groups.Tuple.tuple("n", true),
                org.assertj.core.groups.Tuple.tuple("p", true), org.assertj.core.groups.Tuple.tuple("ps", false),
                org.assertj.core.groups.Tuple.tuple("j", true), org.assertj.core.groups.Tuple.tuple("name", true));
        assertThat(def.columns().get(0).type()).isEqualTo("s.pixel[]");
    }

    @Test
    void tablesThatCannotMoveAreNamedWithTheReason() throws Exception {
        db.execute("""
                CREATE TABLE parted (id int, at date) PARTITION BY RANGE (at);
                CREATE TABLE parent (id int);
                CREATE TABLE child () INHERITS (parent);
                CREATE TABLE holder (id int);
                CREATE TABLE uses_row (h holder);
                CREATE VIEW v AS SELECT 1 AS one;
                """);
        assertThat(read("public", "parted").unsupported()).isEmpty();
        assertThat(read("public", "parted").partitioning().key()).isEqualTo("RANGE (at)");
        // parent and child of table inheritance are refused alike, with the same advice (see TableRefusals)
        assertThat(read("public", "child").unsupported()).extracting(Refusal::kind).containsExactly(Refusal.Kind.INHERITANCE);
        assertThat(read("public", "parent").unsupported()).extracting(Refusal::kind).containsExactly(Refusal.Kind.INHERITANCE);
        assertThat(read("public", "uses_row").unsupported()).singleElement().extracting(Refusal::detail).asString()
                .contains("row type of table public.holder");
        assertThat(read("public", "v").unsupported()).singleElement()
                .satisfies(r -> assertThat(r.kind()).isEqualTo(Refusal.Kind.NOT_A_TABLE))
                .extracting(Refusal::sentence).asString().contains("is a view");

        Database source = SchemaTestSupport.database("source", db);
        Database target = SchemaTestSupport.database("target", PgServer.pg17().newDatabase("schema_tgt"));
        QualifiedName child = new QualifiedName("public", "child");
        assertThatThrownBy(() -> SchemaCreator.createTables(source, target, List.of(new TableMapping(child, child)),
                List.of(), SchemaCreator.CreatedTablesRecorder.NONE))
                .isInstanceOfSatisfying(MigrationError.class, e -> assertThat(e.reason()).isEqualTo("UnsupportedTable"))
                .hasMessageContaining("Table public.child uses table inheritance");
        assertThatThrownBy(() -> read("public", "nope"))
                .isInstanceOfSatisfying(MigrationError.class, e -> assertThat(e.reason()).isEqualTo("SourceTableMissing"));
    }

    @Test
    void onlineModeNeedsAReplicaIdentityAndWal() throws Exception {
        db.execute("""
                CREATE TABLE keyed (id int PRIMARY KEY);
                CREATE TABLE bare (id int);
                CREATE TABLE bare_full (id int); ALTER TABLE bare_full REPLICA IDENTITY FULL;
                CREATE TABLE by_index (id int NOT NULL); CREATE UNIQUE INDEX by_index_id ON by_index (id);
                ALTER TABLE by_index REPLICA IDENTITY USING INDEX by_index_id;
                CREATE TABLE keyed_nothing (id int PRIMARY KEY); ALTER TABLE keyed_nothing REPLICA IDENTITY NOTHING;
                CREATE UNLOGGED TABLE fast (id int PRIMARY KEY);
                """);
        assertThat(read("public", "keyed").refusals(MigrationMode.Online)).isEmpty();
        assertThat(read("public", "bare_full").refusals(MigrationMode.Online)).isEmpty();
        TableDefinition byIndex = read("public", "by_index");
        assertThat(byIndex.refusals(MigrationMode.Online)).isEmpty();
        assertThat(byIndex.replicaIdentity().indexName()).isEqualTo("by_index_id");
        assertThat(read("public", "bare").refusals(MigrationMode.Online)).extracting(Refusal::kind)
                .containsExactly(Refusal.Kind.NO_REPLICA_IDENTITY);
        assertThat(read("public", "bare").refusals(MigrationMode.Offline)).isEmpty();
        assertThat(read("public", "keyed_nothing").refusals(MigrationMode.Online)).extracting(Refusal::kind)
                .containsExactly(Refusal.Kind.NO_REPLICA_IDENTITY);
        TableDefinition fast = read("public", "fast");
        assertThat(fast.unlogged()).isTrue();
        assertThat(fast.refusals(MigrationMode.Online)).extracting(Refusal::kind).containsExactly(Refusal.Kind.UNLOGGED);
    }

    @Test
    void theCallersConnectionIsGivenBackAsItWas() throws Exception {
        db.execute("CREATE TABLE t (id int)");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET search_path = public, pg_temp");
            SchemaReader.read(c, new QualifiedName("public", "t"));
            assertThat(c.getAutoCommit()).isTrue();
            assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
            assertThat(searchPath(st)).isEqualTo("public, pg_temp");

            // inside the caller's transaction (its snapshot), which stays open and usable
            c.setAutoCommit(false);
            st.execute("CREATE TABLE inside (x int)");
            SchemaReader.read(c, new QualifiedName("public", "inside"));
            assertThat(searchPath(st)).isEqualTo("public, pg_temp");
            c.rollback();
        }
    }

    private static String searchPath(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("SHOW search_path")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A PostgreSQL 17 source, same-version move: the catalog columns that only newer servers have. */
    @Test
    void newerSourceFeaturesAreCarriedBetweenPostgresql17Servers() throws Exception {
        TestDb sourceDb = PgServer.pg17().newDatabase("schema_src17");
        TestDb targetDb = PgServer.pg17().newDatabase("schema_tgt17");
        sourceDb.execute("""
                CREATE DOMAIN code AS text NOT NULL CHECK (VALUE ~ '^[A-Z]+$');
                CREATE TABLE parent (id int, tenant int, c code, PRIMARY KEY (tenant, id), UNIQUE NULLS NOT DISTINCT (c));
                CREATE TABLE kid (id int PRIMARY KEY, tenant int NOT NULL, parent_id int,
                                  FOREIGN KEY (tenant, parent_id) REFERENCES parent (tenant, id) ON DELETE SET NULL (parent_id));
                """);
        QualifiedName parent = new QualifiedName("public", "parent");
        QualifiedName kid = new QualifiedName("public", "kid");
        List<TableMapping> mappings = List.of(new TableMapping(parent, new QualifiedName("moved", "parent")),
                new TableMapping(kid, new QualifiedName("moved", "kid")));
        Database target = SchemaTestSupport.database("target", targetDb);
        SchemaCreator.Result result = SchemaCreator.createTables(SchemaTestSupport.database("source", sourceDb), target,
                mappings, List.of(), SchemaCreator.CreatedTablesRecorder.NONE);
        PostCopyRunner.run(target, result.plan().postCopyGroups(), 2);
        assertThat(constraints(targetDb, new QualifiedName("moved", "kid"))).extracting(r -> r.get(2)).contains(
                "FOREIGN KEY (tenant, parent_id) REFERENCES moved.parent(tenant, id) ON DELETE SET NULL (parent_id)");
        assertThat(constraints(targetDb, new QualifiedName("moved", "parent"))).extracting(r -> r.get(2))
                .contains("UNIQUE NULLS NOT DISTINCT (c)");
        assertThatThrownBy(() -> targetDb.execute("INSERT INTO moved.parent VALUES (1, 1, 'abc')")).hasMessageContaining("code_check");
        assertThatThrownBy(() -> targetDb.execute("INSERT INTO moved.parent VALUES (1, 1, NULL)")).hasMessageContaining("null");
    }
}
