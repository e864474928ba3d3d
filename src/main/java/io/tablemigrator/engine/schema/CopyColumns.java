package io.tablemigrator.engine.schema;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.db.Sql;

/**
 * The columns a table's copy reads on the source and writes on the target, in matching order. Generated
 * columns are left out on both sides: the target computes them.
 *
 * @param binarySafe true when binary COPY can carry every column: their types have the same OID in every
 *                   database (see {@link Column#binarySafe()}) and, on a pre-created target, the same types
 */
public record CopyColumns(List<String> sourceColumns, List<String> targetColumns, boolean binarySafe) {

    /** For a planned table: matched by name on a pre-created target table, else the source's own columns. */
    public static CopyColumns of(TablePlan table, Connection target) {
        return table.preExisting()
                ? forExistingTable(table.definition(), TargetTables.inspect(target, table.target()))
                : forCreatedTable(table.definition());
    }

    /** For a table the migration created from the source definition: the same columns on both sides. */
    public static CopyColumns forCreatedTable(TableDefinition def) {
        List<String> names = def.writableColumns().stream().map(Column::name).toList();
        return new CopyColumns(names, names, def.writableColumns().stream().allMatch(Column::binarySafe));
    }

    /**
     * For a pre-created target table, matched by column name.
     *
     * @throws MigrationError TargetColumnsMismatch when a source column has nowhere to go, or when a target
     *                        column would be left NULL against its NOT NULL
     */
    public static CopyColumns forExistingTable(TableDefinition def, TargetTableState target) {
        List<String> names = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        boolean binary = true;
        for (Column source : def.writableColumns()) {
            var column = target.column(source.name());
            if (column.isEmpty()) {
                problems.add("column " + Sql.ident(source.name()) + " is missing on the target");
            } else if (column.get().generated()) {
                problems.add("column " + Sql.ident(source.name()) + " is generated on the target but not on the source");
            } else {
                names.add(source.name());
                binary &= source.binarySafe() && source.type().equals(column.get().type());
            }
        }
        for (TargetTableState.TargetColumn column : target.columns()) {
            if (def.column(column.name()).isEmpty() && column.notNull() && !column.hasDefault() && !column.generated()) {
                problems.add("target column " + Sql.ident(column.name()) + " is NOT NULL without a default and has no"
                        + " source column");
            }
        }
        if (!problems.isEmpty()) {
            throw new MigrationError("TargetColumnsMismatch", "Target table " + target.name().display()
                    + " does not fit source table " + def.name().display() + ": " + String.join("; ", problems)
                    + ". Fix the target table or let the migration create it.");
        }
        return new CopyColumns(names, names, binary);
    }

    /** The source column list for COPY (...) TO, quoted. */
    public String sourceList() {
        return Sql.idents(sourceColumns);
    }

    /** The target column list for COPY (...) FROM, quoted. */
    public String targetList() {
        return Sql.idents(targetColumns);
    }
}
