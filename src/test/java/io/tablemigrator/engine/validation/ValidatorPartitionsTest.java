package io.tablemigrator.engine.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.tablemigrator.api.ValidationMode;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.StatusBoard;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.PgUrl;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.schema.CopyColumns;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.TestDb;

/** Validation of a partitioned table compares it partition by partition, and says where rows differ. */
class ValidatorPartitionsTest {
    private static final String PAYMENTS = """
            CREATE TABLE payments (id int, paid_on date NOT NULL, amount int) PARTITION BY RANGE (paid_on);
            CREATE TABLE payments_2026_01 PARTITION OF payments FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
            CREATE TABLE payments_default PARTITION OF payments DEFAULT;
            """;

    private final TestDb source = PgServer.pg14().newDatabase("val_src");
    private final TestDb target = PgServer.pg17().newDatabase("val_tgt");

    private StatusBoard.TableProgress validate(ValidationMode mode) {
        QualifiedName payments = new QualifiedName("public", "payments");
        StatusBoard.TableProgress table = new StatusBoard(List.of(new TableMapping(payments, payments))).tables().get(0);
        List<String> columns = List.of("id", "paid_on", "amount");
        new Validator(new Database("source", PgUrl.parse(source.url())), new Database("target", PgUrl.parse(target.url())),
                mode, 2).validate(Map.of(table, new CopyColumns(columns, columns, true)), m -> true, null, null);
        return table;
    }

    @Test
    void aRowInAnotherPartitionThanOnTheSourceFailsNamingBoth() {
        source.execute(PAYMENTS + """
                CREATE TABLE payments_2026_02 PARTITION OF payments FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
                INSERT INTO payments VALUES (1, '2026-01-03', 10), (2, '2026-02-03', 20), (3, '2026-02-04', 30),
                                            (4, '2024-01-01', 40);
                """);
        // the target lacks February: its rows sit in the default partition
        target.execute(PAYMENTS + """
                INSERT INTO payments VALUES (1, '2026-01-03', 10), (2, '2026-02-03', 20), (3, '2026-02-04', 30),
                                            (4, '2024-01-01', 40);
                """);
        assertThatThrownBy(() -> validate(ValidationMode.Checksum)).isInstanceOf(MigrationError.class).hasMessage(
                "Validation failed: public.payments has the same rows as public.payments, but not in the same"
                        + " partitions (source partition public.payments_2026_02 (FOR VALUES FROM ('2026-02-01') TO"
                        + " ('2026-03-01')) has 2 rows and the target has no partition with its bounds, partition"
                        + " public.payments_default has 3 rows where source partition public.payments_default has 1)."
                        + " The target does not match the source.");
    }

    @Test
    void eachPartitionIsComparedAndTheTableAsTheirSum() {
        source.execute(PAYMENTS + "INSERT INTO payments VALUES (1, '2026-01-03', 10), (2, '2025-02-03', 20)");
        target.execute(PAYMENTS + "INSERT INTO payments VALUES (1, '2026-01-03', 11), (2, '2025-02-03', 20)");
        assertThatThrownBy(() -> validate(ValidationMode.Checksum)).hasMessage("Validation failed: public.payments has"
                + " the same number of rows as public.payments (2) but different contents (partition"
                + " public.payments_2026_01 has other rows than source partition public.payments_2026_01 (1 each))."
                + " The target does not match the source.");
        assertThat(validate(ValidationMode.Count).sourceRows()).isEqualTo(2);

        target.execute("UPDATE payments SET amount = 10 WHERE id = 1");
        StatusBoard.TableProgress table = validate(ValidationMode.Checksum);
        assertThat(table.targetRows()).isEqualTo(2);
        assertThat(table.checksumMatch()).isTrue();
    }
}
