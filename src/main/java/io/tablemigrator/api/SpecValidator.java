package io.tablemigrator.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a spec the way the CRD's OpenAPI schema and CEL rules do, for the places that bypass the API server
 * (the command line) and as a second line in the operator. Each problem names the field.
 */
public final class SpecValidator {
    private SpecValidator() {
    }

    public static List<String> problems(TableMigrationSpec spec) {
        List<String> problems = new ArrayList<>();
        if (spec == null) {
            problems.add("spec: missing; a TableMigration needs spec.source, spec.target and spec.tables");
            return problems;
        }
        database("spec.source", spec.getSource(), problems);
        database("spec.target", spec.getTarget(), problems);
        if (spec.getTables() == null || spec.getTables().isEmpty()) {
            problems.add("spec.tables: missing; list at least one table, e.g. tables: [{schema: public, name: orders}]");
        } else {
            Set<String> targets = new HashSet<>();
            for (int i = 0; i < spec.getTables().size(); i++) {
                TableSpec table = spec.getTables().get(i);
                String field = "spec.tables[" + i + "]";
                if (table == null || table.getName() == null || table.getName().isEmpty()) {
                    problems.add(field + ".name: missing; give the source table's name");
                    continue;
                }
                if (table.getSchema() == null || table.getSchema().isEmpty()) {
                    problems.add(field + ".schema: empty; leave it out for public or give the schema's name");
                    continue;
                }
                transform(field + ".transform", table.getTransform(), problems);
                String target = targetSchema(table) + "\u0000" + targetName(table, spec.getTargetSuffix());
                if (!targets.add(target)) {
                    problems.add(field + ": two tables map to the same target table " + targetSchema(table) + "."
                            + targetName(table, spec.getTargetSuffix()) + "; give one a different targetName");
                }
            }
        }
        if (spec.getCopy() != null && (spec.getCopy().getParallelism() < 1 || spec.getCopy().getParallelism() > 64)) {
            problems.add("spec.copy.parallelism: " + spec.getCopy().getParallelism() + " is out of range; use 1 to 64");
        }
        if (spec.getReplay() != null && (spec.getReplay().getParallelism() < 1 || spec.getReplay().getParallelism() > 64)) {
            problems.add("spec.replay.parallelism: " + spec.getReplay().getParallelism() + " is out of range; use 1 to 64");
        }
        if (spec.getRollback() != null && spec.getRollback().getWindow() != RollbackWindow.Manual
                && spec.getRollback().getAction() != null && spec.getRollback().getAction() != RollbackAction.None) {
            problems.add("spec.rollback.action: " + spec.getRollback().getAction() + " needs a rollback window; set"
                    + " spec.rollback.window: Manual before the cutover, or leave action at None");
        }
        if (spec.getCutover() != null) {
            if (spec.getCutover().isSwap() && isBlank(spec.getCutover().getOldSuffix())) {
                problems.add("spec.cutover.oldSuffix: empty; a swap needs a suffix for the old table's name, e.g. _old");
            }
            if (spec.getCutover().getMaxLagBytes() < 0) {
                problems.add("spec.cutover.maxLagBytes: must be 0 or more");
            }
            if (spec.getCutover().getTimeoutSeconds() < 1) {
                problems.add("spec.cutover.timeoutSeconds: must be at least 1");
            }
        }
        return problems;
    }

    private static void transform(String field, TableTransform transform, List<String> problems) {
        if (transform == null) {
            return;
        }
        List<ColumnTransform> columns = transform.getColumns() == null ? List.of() : transform.getColumns();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < columns.size(); i++) {
            ColumnTransform column = columns.get(i);
            String at = field + ".columns[" + i + "]";
            if (column == null || isBlank(column.getName())) {
                problems.add(at + ".name: missing; give the column's name as it is on the source");
            } else if (!seen.add(column.getName())) {
                problems.add(at + ".name: column " + column.getName() + " is listed twice");
            }
            if (column != null && isBlank(column.getType())) {
                problems.add(at + ".type: missing; give the column's type on the target, e.g. bigint");
            }
        }
        PartitionBySpec partitionBy = transform.getPartitionBy();
        if (partitionBy != null) {
            if ((partitionBy.getRange() == null) == (partitionBy.getHash() == null)) {
                problems.add(field + ".partitionBy: set exactly one of range or hash");
            } else if (partitionBy.getRange() != null) {
                RangePartitioning range = partitionBy.getRange();
                if (isBlank(range.getColumn())) {
                    problems.add(field + ".partitionBy.range.column: missing; name the partition key column");
                }
                if (range.getInterval() == null || !range.getInterval().matches(RANGE_INTERVAL)) {
                    problems.add(field + ".partitionBy.range.interval: '" + range.getInterval() + "' is not an interval"
                            + " of days, weeks, months or years; write e.g. '1 month' or '7 days'");
                }
            } else {
                HashPartitioning hash = partitionBy.getHash();
                if (isBlank(hash.getColumn())) {
                    problems.add(field + ".partitionBy.hash.column: missing; name the partition key column");
                }
                if (hash.getPartitions() < 2 || hash.getPartitions() > 1024) {
                    problems.add(field + ".partitionBy.hash.partitions: " + hash.getPartitions() + " is out of range;"
                            + " use 2 to 1024");
                }
            }
        }
    }

    /** What spec.tables[].transform.partitionBy.range.interval accepts (the CRD's pattern says the same). */
    public static final String RANGE_INTERVAL = "^[1-9][0-9]* (day|week|month|year)s?$";

    private static void database(String field, DatabaseSpec db, List<String> problems) {
        if (db == null) {
            problems.add(field + ": missing; give url (a postgresql:// URI) or urlSecretRef {name, key}");
            return;
        }
        boolean hasUrl = db.getUrl() != null;
        boolean hasRef = db.getUrlSecretRef() != null;
        if (hasUrl == hasRef) {
            problems.add(field + ": set exactly one of url or urlSecretRef"
                    + (hasUrl ? " (both are set)" : " (neither is set)"));
        }
        if (hasRef && (isBlank(db.getUrlSecretRef().name()) || isBlank(db.getUrlSecretRef().key()))) {
            problems.add(field + ".urlSecretRef: needs both name and key");
        }
    }

    /** The target schema a table spec resolves to. */
    public static String targetSchema(TableSpec table) {
        return table.getTargetSchema() != null ? table.getTargetSchema() : table.getSchema();
    }

    /** The target name a table spec resolves to. */
    public static String targetName(TableSpec table, String suffix) {
        return table.getTargetName() != null ? table.getTargetName() : table.getName() + (suffix == null ? "" : suffix);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
