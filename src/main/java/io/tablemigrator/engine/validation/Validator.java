package io.tablemigrator.engine.validation;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.tablemigrator.api.ValidationMode;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.ParallelRunner;
import io.tablemigrator.engine.StatusBoard.TableProgress;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.db.Sql;
import io.tablemigrator.engine.schema.CopyColumns;
import io.tablemigrator.engine.schema.PartitionReader;
import io.tablemigrator.engine.schema.PartitionTree;

/**
 * Phase Validating: every table's fingerprint on the source and on the target, compared. Each side may be read in a
 * snapshot taken at the cutover point, so that writes restored after the cutover do not disturb the comparison.
 * A partitioned table is compared partition by partition ({@link PartitionPairs}), and as a whole by their sums.
 * A mismatch fails the migration for good, naming each table, and each partition, that differs. So does a count far
 * below PostgreSQL's own statistics for the table ({@link StatisticsRowCount}): two reads that missed the same rows
 * agree.
 */
public final class Validator {
    /** The side of a partition only the other side has. */
    private static final Fingerprint EMPTY = new Fingerprint(0, BigDecimal.ZERO, new StatisticsRowCount(0));

    private final Database source;
    private final Database target;
    private final ValidationMode mode;
    private final int parallelism;

    public Validator(Database source, Database target, ValidationMode mode, int parallelism) {
        this.source = source;
        this.target = target;
        this.mode = mode;
        this.parallelism = parallelism;
    }

    /**
     * @param partitioned    the tables that are partitioned on the source
     * @param sourceSnapshot an exported snapshot to read the source in, or null to read it as it is now
     * @param targetSnapshot the same for the target
     */
    public void validate(Map<TableProgress, CopyColumns> tables, Predicate<TableMapping> partitioned,
                         String sourceSnapshot, String targetSnapshot) {
        boolean checksum = mode == ValidationMode.Checksum;
        // what to compare per table, and both sides of each at once: the source and the target are read in
        // parallel, not one after the other
        Map<TableProgress, List<Comparison>> comparisons = new ConcurrentHashMap<>();
        Map<Comparison, Fingerprint[]> sides = new ConcurrentHashMap<>();
        try (ParallelRunner runner = new ParallelRunner(parallelism, "validate")) {
            for (var entry : tables.entrySet()) {
                TableProgress table = entry.getKey();
                CopyColumns columns = entry.getValue();
                TableMapping mapping = table.mapping();
                runner.submit(() -> {
                    List<Comparison> pairs = partitioned.test(mapping)
                            ? PartitionPairs.of(mapping, tree(source, sourceSnapshot, mapping.source()),
                                    tree(target, targetSnapshot, mapping.target()))
                            : List.of(new Comparison(mapping.source(), mapping.target(), null));
                    comparisons.put(table, pairs);
                    for (Comparison pair : pairs) {
                        Fingerprint[] pairSides = {EMPTY, EMPTY};
                        sides.put(pair, pairSides);
                        if (pair.source() != null) {
                            runner.submit(() -> pairSides[0] = inSnapshot(source, sourceSnapshot, c -> Fingerprint.of(c,
                                    pair.source(), columns.sourceColumns(), checksum)));
                        }
                        if (pair.target() != null) {
                            runner.submit(() -> pairSides[1] = inSnapshot(target, targetSnapshot, c -> Fingerprint.of(c,
                                    pair.target(), columns.targetColumns(), checksum)));
                        }
                    }
                });
            }
            runner.awaitAll();
        } catch (MigrationError e) {
            throw e;
        } catch (Exception e) {
            throw new MigrationError("ValidationError", "Validation could not read the tables: " + e.getMessage(), e);
        }
        List<String> mismatches = new ArrayList<>();
        for (TableProgress table : tables.keySet()) {
            List<Comparison> pairs = comparisons.get(table);
            compare(table, pairs, sides, checksum).ifPresent(mismatches::add);
            for (Comparison pair : pairs) {
                // both sides can agree on part of a table that neither read saw whole
                Fingerprint s = sides.get(pair)[0];
                Fingerprint t = sides.get(pair)[1];
                if (pair.source() != null) {
                    s.statistics().disagreement("source", pair.source(), s.rows()).ifPresent(mismatches::add);
                }
                if (pair.target() != null) {
                    t.statistics().disagreement("target", pair.target(), t.rows()).ifPresent(mismatches::add);
                }
            }
        }
        if (!mismatches.isEmpty()) {
            throw MigrationError.permanent("ValidationFailed", "Validation failed: " + String.join("; ", mismatches)
                    + ". The target does not match the source.");
        }
    }

    /** Records the table's totals on the board, and says how it differs, if it does. */
    private static Optional<String> compare(TableProgress table, List<Comparison> pairs,
                                            Map<Comparison, Fingerprint[]> sides, boolean checksum) {
        long sourceRows = 0;
        long targetRows = 0;
        BigDecimal sourceSum = BigDecimal.ZERO;
        BigDecimal targetSum = BigDecimal.ZERO;
        List<String> partitions = new ArrayList<>();
        for (Comparison pair : pairs) {
            Fingerprint s = sides.get(pair)[0];
            Fingerprint t = sides.get(pair)[1];
            sourceRows += s.rows();
            targetRows += t.rows();
            if (checksum) {
                sourceSum = sourceSum.add(s.checksum());
                targetSum = targetSum.add(t.checksum());
            }
            boolean differs = s.rows() != t.rows() || (checksum && s.checksum().compareTo(t.checksum()) != 0);
            if (pair.bound() != null && differs) {
                partitions.add(partitionMismatch(pair, s, t));
            }
        }
        Boolean match = checksum ? sourceSum.compareTo(targetSum) == 0 && partitions.isEmpty() : null;
        table.validated(sourceRows, targetRows, match);
        QualifiedName sourceName = table.mapping().source();
        QualifiedName targetName = table.mapping().target();
        String where = partitions.isEmpty() ? "" : " (" + String.join(", ", partitions) + ")";
        if (sourceRows != targetRows) {
            return Optional.of(targetName.display() + " has " + targetRows + " rows where source " + sourceName.display()
                    + " has " + sourceRows + where);
        }
        if (checksum && sourceSum.compareTo(targetSum) != 0) {
            return Optional.of(targetName.display() + " has the same number of rows as " + sourceName.display()
                    + " (" + sourceRows + ") but different contents" + where);
        }
        if (!partitions.isEmpty()) {
            return Optional.of(targetName.display() + " has the same rows as " + sourceName.display()
                    + ", but not in the same partitions" + where);
        }
        return Optional.empty();
    }

    private static String partitionMismatch(Comparison pair, Fingerprint s, Fingerprint t) {
        if (pair.target() == null) {
            return "source partition " + pair.source().display() + " (" + pair.bound() + ") has " + s.rows()
                    + " rows and the target has no partition with its bounds";
        }
        if (pair.source() == null) {
            return "partition " + pair.target().display() + " (" + pair.bound() + ") has " + t.rows()
                    + " rows and the source has no partition with its bounds";
        }
        if (s.rows() != t.rows()) {
            return "partition " + pair.target().display() + " has " + t.rows() + " rows where source partition "
                    + pair.source().display() + " has " + s.rows();
        }
        return "partition " + pair.target().display() + " has other rows than source partition "
                + pair.source().display() + " (" + s.rows() + " each)";
    }

    private static Optional<PartitionTree> tree(Database db, String snapshot, QualifiedName table) throws SQLException {
        return inSnapshot(db, snapshot, c -> PartitionReader.read(c, table));
    }

    private interface Read<T> {
        T apply(Connection c) throws SQLException;
    }

    private static <T> T inSnapshot(Database db, String snapshot, Read<T> read) throws SQLException {
        try (Connection c = db.connectReader()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                if (snapshot != null) {
                    st.execute("SET TRANSACTION SNAPSHOT " + Sql.literal(snapshot));
                }
            }
            T result = Objects.requireNonNull(read.apply(c));
            c.commit();
            return result;
        }
    }
}
