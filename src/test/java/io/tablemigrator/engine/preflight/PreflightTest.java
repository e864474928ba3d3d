package io.tablemigrator.engine.preflight;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.junit.jupiter.api.Test;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.Plans;
import io.tablemigrator.testing.TestDb;

/** Each thing preflight refuses, with the sentence a user gets: the cause, where, and the fix. */
class PreflightTest {
    private final TestDb source = PgServer.pg14().newDatabase("pre_src");
    private final TestDb target = PgServer.pg17().newDatabase("pre_tgt");

    private static void check(MigrationPlan plan) {
        new Preflight(plan, new Database("source", plan.source()), new Database("target", plan.target())).check(Set.of());
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ?> refused(MigrationPlan plan, String reason) {
        return assertThatThrownBy(() -> check(plan)).isInstanceOf(MigrationError.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((MigrationError) e).reason()).isEqualTo(reason));
    }

    @Test
    void aMissingTableIsNamedWithTheNameThatExists() {
        source.execute("CREATE TABLE \"Orders\" (id int PRIMARY KEY)");
        refused(Plans.plan("p", source, target, "tables: [{name: orders}]"), "SourceTableNotFound")
                .hasMessageContaining("Source table public.orders (spec.tables[0]) does not exist")
                .hasMessageContaining("Did you mean public.\"Orders\"?");
    }

    @Test
    void aTableWithoutReplicaIdentityGetsTheAlterTableThatFixesIt() {
        source.execute("CREATE SCHEMA \"Big Data\"; CREATE TABLE \"Big Data\".\"Click Log\" (at timestamptz)");
        refused(Plans.plan("p", source, target, "tables: [{schema: Big Data, name: Click Log}]"), "NoReplicaIdentity")
                .hasMessageContaining("ALTER TABLE \"Big Data\".\"Click Log\" REPLICA IDENTITY FULL;");
        check(Plans.plan("p", source, target, "mode: Offline\ntables: [{schema: Big Data, name: Click Log}]"));
    }

    @Test
    void tableInheritanceIsRefusedWithOneAdviceForParentsAndChildren() {
        source.execute("""
                CREATE TABLE measurement (id int PRIMARY KEY, at date);
                CREATE TABLE measurement_2024 () INHERITS (measurement);
                CREATE TABLE measurement_2025 () INHERITS (measurement);
                """);
        refused(Plans.plan("p", source, target, "mode: Offline\ntables: [{name: measurement}, {name: measurement_2024},"
                + " {name: measurement_2025}]"), "SourceTableUnsupported")
                .hasMessage("Source tables public.measurement, public.measurement_2024 and public.measurement_2025 use"
                        + " table inheritance (INHERITS), which tablemigrator does not move: a parent's rows would arrive"
                        + " without its children's, and the link between them would be lost. Fix: make the parent a"
                        + " partitioned table (CREATE TABLE ... PARTITION BY, then ALTER TABLE ... ATTACH PARTITION for"
                        + " each child) and list it, which moves it with every partition; or take a table out of the"
                        + " hierarchy (ALTER TABLE child NO INHERIT parent) and list it on its own; or move the hierarchy"
                        + " with pg_dump.");
    }

    /** A partition is checked like a table, and a problem that many partitions share is one line naming them. */
    @Test
    void problemsOfManyPartitionsAreOneLineEach() {
        source.execute("""
                CREATE TABLE logs (at timestamptz NOT NULL, line text) PARTITION BY RANGE (at);
                CREATE UNLOGGED TABLE logs_2026_01 PARTITION OF logs FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
                CREATE UNLOGGED TABLE logs_2026_02 PARTITION OF logs FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
                """);
        refused(Plans.plan("p", source, target, "tables: [{name: logs}]"), "NoReplicaIdentity").hasMessage("""
                Source tables public.logs, public.logs_2026_01 and public.logs_2026_02 have no primary key and no \
                replica identity, so their updates and deletes cannot be replicated. Fix: add a primary key, or run \
                ALTER TABLE "public"."logs" REPLICA IDENTITY FULL; ALTER TABLE "public"."logs_2026_01" REPLICA \
                IDENTITY FULL; ALTER TABLE "public"."logs_2026_02" REPLICA IDENTITY FULL; Or use mode: Offline.
                Source tables public.logs_2026_01 and public.logs_2026_02 are UNLOGGED, so logical replication cannot \
                see their changes. Fix: ALTER TABLE "public"."logs_2026_01" SET LOGGED; ALTER TABLE \
                "public"."logs_2026_02" SET LOGGED; Or use mode: Offline.""");
        check(Plans.plan("p", source, target, "mode: Offline\ntables: [{name: logs}]"));
    }

    @Test
    void aPartitionListedNextToItsTableIsToldToGo() {
        source.execute("""
                CREATE TABLE m (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
                CREATE TABLE m_1 PARTITION OF m FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
                CREATE TABLE m_2 PARTITION OF m FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
                """);
        refused(Plans.plan("p", source, target, "tables: [{name: m_1}, {name: m}, {name: m_2}]"), "PartitionListedTwice")
                .hasMessage("Source tables public.m_1 and public.m_2 are partitions of public.m, which spec.tables"
                        + " lists too and which moves them with it. Fix: remove them from spec.tables.");
        check(Plans.plan("p", source, target, "tables: [{name: m_1}, {name: m_2}]"));
    }

    @Test
    void aPartitionedTableOnPostgres12MovesOfflineOnly() {
        TestDb old = PgServer.version("12").newDatabase("pre12_src");
        old.execute("""
                CREATE TABLE m (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
                CREATE TABLE m_1 PARTITION OF m FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
                """);
        refused(Plans.plan("p", old, target, "tables: [{name: m}]"), "PartitionedTableNotPublishable")
                .hasMessageContaining("Source table public.m is partitioned, and the source runs PostgreSQL 12")
                .hasMessageContaining("Fix: use mode: Offline, or upgrade the source to PostgreSQL 13 or newer.");
        check(Plans.plan("p", old, target, "mode: Offline\ntables: [{name: m}]"));
        check(Plans.plan("p", old, target, "tables: [{name: m_1}]"));
    }

    @Test
    void anUnloggedTableIsRefusedOnlineOnly() {
        source.execute("CREATE UNLOGGED TABLE cache (id int PRIMARY KEY)");
        refused(Plans.plan("p", source, target, "tables: [{name: cache}]"), "UnloggedTable")
                .hasMessageContaining("ALTER TABLE \"public\".\"cache\" SET LOGGED;");
        check(Plans.plan("p", source, target, "mode: Offline\ntables: [{name: cache}]"));
    }

    @Test
    void aUserWithoutTheReplicationPrivilegeOrOwnershipIsToldWhatToGrant() {
        String user = source.name() + "_reader";
        source.execute("CREATE TABLE t (id int PRIMARY KEY); CREATE ROLE " + user + " LOGIN; GRANT SELECT ON t TO " + user);
        String spec = "tables: [{name: t}]";
        MigrationPlan plan = Plans.plan("p", source, target, spec);
        MigrationPlan asReader = new MigrationPlan(plan.id(), plan.mode(),
                io.tablemigrator.engine.db.PgUrl.parse(source.url(user, null)), plan.target(), plan.tables(),
                plan.parallelism(), plan.cutoverPolicy(), plan.maxLagBytes(), plan.cutoverTimeout(),
                plan.sourceAfterCutover(), plan.validation(), plan.replayParallelism(), plan.schemaSkip(), plan.swap(),
                plan.oldSuffix(), plan.rollbackWindow());
        refused(asReader, "SourcePermissionDenied")
                .hasMessageContaining("does not own source table public.t")
                .hasMessageContaining("ALTER ROLE \"" + user + "\" WITH REPLICATION;")
                .hasMessageContaining("GRANT CREATE ON DATABASE");
    }

    @Test
    void aSourceWithoutLogicalWalOrFreeSlotsIsRefusedWithTheSettingsToChange() {
        TestDb physical = PgServer.pg14WithoutLogicalWal().newDatabase("pre_phys");
        physical.execute("CREATE TABLE t (id int PRIMARY KEY)");
        refused(Plans.plan("p", physical, target, "tables: [{name: t}]"), "WalLevelNotLogical")
                .hasMessageContaining("wal_level = replica; Online mode needs logical")
                .hasMessageContaining("ALTER SYSTEM SET wal_level = logical")
                .hasMessageContaining("no free replication slot (max_replication_slots = 0");
        check(Plans.plan("p", physical, target, "mode: Offline\ntables: [{name: t}]"));
    }

    @Test
    void aTargetTableWithRowsIsRefusedByName() {
        source.execute("CREATE TABLE t (id int PRIMARY KEY)");
        target.execute("CREATE SCHEMA archive; CREATE TABLE archive.t2 (id int); INSERT INTO archive.t2 VALUES (1)");
        refused(Plans.plan("p", source, target, "tables: [{name: t, targetSchema: archive, targetName: t2}]"),
                "TargetTableNotEmpty").hasMessageContaining("Target table archive.t2 already exists and holds rows");
    }

    @Test
    void aServerOlderThanTwelveIsRefusedOnEitherSide() {
        TestDb old = PgServer.version("11").newDatabase("pre_old");
        old.execute("CREATE TABLE t (id int PRIMARY KEY)");
        refused(Plans.plan("p", old, target, "tables: [{name: t}]"), "UnsupportedVersion")
                .hasMessageContaining("The source postgresql://postgres@localhost:")
                .hasMessageContaining("runs PostgreSQL 11.22; tablemigrator supports 12 and newer on both sides")
                .hasMessageNotContaining("target");
        source.execute("CREATE TABLE t (id int PRIMARY KEY)");
        refused(Plans.plan("p", source, old, "tables: [{name: t}]"), "UnsupportedVersion")
                .hasMessageContaining("The target ");
    }
}
