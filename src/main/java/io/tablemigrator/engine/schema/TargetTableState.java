package io.tablemigrator.engine.schema;

import java.util.List;
import java.util.Optional;

import io.tablemigrator.engine.db.QualifiedName;

/**
 * A target table as {@link TargetTables#inspect} found it: whether it exists, whether it holds rows, and its
 * columns (for a pre-created table, the copy maps columns by name).
 */
public record TargetTableState(QualifiedName name, boolean exists, boolean empty, List<TargetColumn> columns) {

    /**
     * @param type format_type, read with an empty search_path like the source's
     * @param hasDefault a default or an identity: the column can be left out of an INSERT or COPY
     */
    public record TargetColumn(String name, String type, boolean notNull, boolean hasDefault, boolean generated) {
    }

    public Optional<TargetColumn> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }
}
