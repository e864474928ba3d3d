package io.tablemigrator.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.db.QualifiedName;

class SchemaCopyColumnsTest {
    static final TableDefinition ORDERS = DefinitionBuilder.table("public", "orders")
            .serial("id").notNull("Unit Price", "numeric(12,2)", null).generated("total", "numeric", "x").build();
    static final QualifiedName TARGET = new QualifiedName("s", "t");

    static TargetTableState.TargetColumn column(String name, String type) {
        return new TargetTableState.TargetColumn(name, type, false, false, false);
    }

    @Test
    void generatedColumnsAreNeitherReadNorWritten() {
        CopyColumns columns = CopyColumns.forCreatedTable(ORDERS);
        assertThat(columns.sourceColumns()).containsExactly("id", "Unit Price");
        assertThat(columns.targetColumns()).containsExactly("id", "Unit Price");
        assertThat(columns.sourceList()).isEqualTo("\"id\", \"Unit Price\"");
        assertThat(columns.binarySafe()).isTrue();
    }

    @Test
    void aPreCreatedTableIsMatchedByNameAndBinaryOnlyWithTheSameTypes() {
        TargetTableState same = new TargetTableState(TARGET, true, true, List.of(column("Unit Price", "numeric(12,2)"),
                column("id", "integer"), new TargetTableState.TargetColumn("extra", "text", true, true, false)));
        CopyColumns columns = CopyColumns.forExistingTable(ORDERS, same);
        assertThat(columns.targetColumns()).containsExactly("id", "Unit Price");
        assertThat(columns.binarySafe()).isTrue();

        TargetTableState wider = new TargetTableState(TARGET, true, true, List.of(column("id", "bigint"),
                column("Unit Price", "numeric(12,2)")));
        assertThat(CopyColumns.forExistingTable(ORDERS, wider).binarySafe()).isFalse();
    }

    @Test
    void aPreCreatedTableThatCannotTakeTheRowsIsRefused() {
        TargetTableState missing = new TargetTableState(TARGET, true, true, List.of(column("id", "integer"),
                new TargetTableState.TargetColumn("required", "text", true, false, false)));
        assertThatThrownBy(() -> CopyColumns.forExistingTable(ORDERS, missing))
                .isInstanceOfSatisfying(MigrationError.class, e -> assertThat(e.reason()).isEqualTo("TargetColumnsMismatch"))
                .hasMessageContaining("column \"Unit Price\" is missing on the target")
                .hasMessageContaining("target column \"required\" is NOT NULL without a default");
    }
}
