package io.tablemigrator.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SchemaNamesTest {
    @Test
    void truncationCountsBytesAndNeverCutsACharacter() {
        String name = "é".repeat(40); // 80 bytes
        String cut = ObjectNames.truncate(name, 63);
        assertThat(cut).isEqualTo("é".repeat(31));
        assertThat(ObjectNames.bytes(cut)).isEqualTo(62);
        assertThat(ObjectNames.truncate("😀😀", 7)).isEqualTo("😀");
    }

    @Test
    void sequenceNamesKeepTheirSuffixWhenTheTableNameIsLong() {
        String name = ObjectNames.sequenceName("t".repeat(70), "col");
        assertThat(name).endsWith("_col_seq");
        assertThat(ObjectNames.bytes(name)).isEqualTo(63);
        assertThat(ObjectNames.sequenceName("Order \"Items\"", "Item Id")).isEqualTo("Order \"Items\"_Item Id_seq");
    }

    @Test
    void theSourceTableNameInsideAnIndexNameIsReplacedByTheTargetName() {
        assertThat(ObjectNames.forMovedTable("orders_pkey", "orders", "orders_v2")).isEqualTo("orders_v2_pkey");
        assertThat(ObjectNames.forMovedTable("idx_orders_date", "orders", "o2")).isEqualTo("idx_o2_date");
        assertThat(ObjectNames.forMovedTable("Orders_created_idx", "Orders", "Orders 2024")).isEqualTo("Orders 2024_created_idx");
    }

    @Test
    void aNameWithoutTheTableNameAsAWordGetsTheTargetNameInFront() {
        assertThat(ObjectNames.forMovedTable("ordersx_idx", "orders", "t")).isEqualTo("t_ordersx_idx");
        assertThat(ObjectNames.forMovedTable("orders_open", "Orders", "Orders 2024")).isEqualTo("Orders 2024_orders_open");
        assertThat(ObjectNames.forMovedTable("by_date", "t", "u")).isEqualTo("u_by_date");
    }

    @Test
    void derivedNamesFit63BytesAndKeepTheirEnd() {
        String target = "ü".repeat(30); // 60 bytes
        String name = ObjectNames.forMovedTable("orders_customer_id_fkey", "orders", target);
        assertThat(ObjectNames.bytes(name)).isLessThanOrEqualTo(63);
        assertThat(name).endsWith("_customer_id_fkey").startsWith("ü");
    }

    @Test
    void aTableNamePostgresqlShortenedInsideANameIsStillRecognised() {
        String table = "a_rather_long_table_name_that_postgresql_had_to_shorten_in_names"; // 63 bytes
        String pkey = "a_rather_long_table_name_that_postgresql_had_to_shorten_in_pkey"; // as PostgreSQL names it
        assertThat(ObjectNames.forMovedTable(pkey, table, "short")).isEqualTo("short_pkey");
        String unique = "a_rather_long_table_name_that_postg_another_long_column_name_key";
        assertThat(ObjectNames.forMovedTable(unique, table, "short")).isEqualTo("short_another_long_column_name_key");
        // a short name that merely starts like the table is not taken for a shortened table name
        assertThat(ObjectNames.forMovedTable("a_rather_idx", table, "short")).isEqualTo("short_a_rather_idx");
    }

    @Test
    void theRegistryHandsOutFreeNamesOnly() {
        NameRegistry names = new NameRegistry(Map.of("s", Set.of("t_pkey", "t_pkey1")));
        assertThat(names.allocate("s", "t_pkey")).isEqualTo("t_pkey2");
        assertThat(names.allocate("s", "t_pkey")).isEqualTo("t_pkey3");
        assertThat(names.allocate("other", "t_pkey")).isEqualTo("t_pkey");
        String long63 = "x".repeat(63);
        assertThat(names.allocate("s", long63)).isEqualTo(long63);
        assertThat(names.allocate("s", long63)).isEqualTo("x".repeat(62) + "1");
        assertThat(names.allocate("s", "y".repeat(80))).isEqualTo("y".repeat(63));
    }
}
