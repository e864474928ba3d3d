package io.tablemigrator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PgServerTest {
    @Test
    void bothMajorVersionsRunSideBySideWithLogicalWal() {
        TestDb a = PgServer.pg14().newDatabase("smoke");
        TestDb b = PgServer.pg17().newDatabase("smoke");
        assertThat(a.queryValue("SHOW server_version")).startsWith("14.");
        assertThat(b.queryValue("SHOW server_version")).startsWith("17.");
        assertThat(a.queryValue("SHOW wal_level")).isEqualTo("logical");
    }
}
