package io.tablemigrator.engine.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgUrlTest {

    @Test
    void libpqUriBecomesJdbcUrlAndProperties() {
        PgUrl url = PgUrl.parse("postgresql://app:p%40ss%3Aw0rd@db.example:6432/shop?sslmode=require&application_name=mover");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6432/shop");
        assertThat(url.properties()).containsEntry("user", "app").containsEntry("password", "p@ss:w0rd")
                .containsEntry("sslmode", "require").containsEntry("ApplicationName", "mover");
    }

    @Test
    void jdbcUrlIsAcceptedToo() {
        PgUrl url = PgUrl.parse("jdbc:postgresql://h1:5432,h2:5433/db?user=u&password=pw");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://h1:5432,h2:5433/db");
        assertThat(url.user()).isEqualTo("u");
    }

    @Test
    void theRedactedFormNeverShowsThePassword() {
        PgUrl url = PgUrl.parse("postgresql://app:hunter2@db:5432/shop");
        assertThat(url.redacted()).isEqualTo("postgresql://app@db:5432/shop").doesNotContain("hunter2");
        assertThat(url.toString()).doesNotContain("hunter2");
        assertThat(url.jdbcUrl()).doesNotContain("hunter2");
    }

    @Test
    void databaseDefaultsToTheUserName() {
        assertThat(PgUrl.parse("postgresql://alice@localhost").database()).isEqualTo("alice");
    }

    @Test
    void otherSchemesAreRefusedWithTheAcceptedForms() {
        assertThatThrownBy(() -> PgUrl.parse("mysql://x@y/z")).hasMessageContaining("postgresql://");
    }
}
