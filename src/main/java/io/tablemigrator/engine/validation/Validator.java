package io.tablemigrator.engine.validation;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tablemigrator.api.ValidationMode;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.ParallelRunner;
import io.tablemigrator.engine.StatusBoard.TableProgress;
import io.tablemigrator.engine.schema.CopyColumns;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.Sql;

/**
 * Phase Validating: every table's fingerprint on the source and on the target, compared. Each side may be read in a
 * snapshot taken at the cutover point, so that writes restored after the cutover do not disturb the comparison.
 * A mismatch fails the migration for good, naming each table that differs. So does a count far below PostgreSQL's
 * own statistics for the table ({@link StatisticsRowCount}): two reads that missed the same rows agree.
 */
public final class Validator {
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
     * @param sourceSnapshot an exported snapshot to read the source in, or null to read it as it is now
     * @param targetSnapshot the same for the target
     */
    public void validate(Map<TableProgress, CopyColumns> tables, String sourceSnapshot, String targetSnapshot) {
        List<String> mismatches = new ArrayList<>();
        boolean checksum = mode == ValidationMode.Checksum;
        // both sides of every table at once: the source and the target are read in parallel, not one after the other
        Map<TableProgress, Fingerprint[]> sides = new LinkedHashMap<>();
        try (ParallelRunner runner = new ParallelRunner(parallelism, "validate")) {
            for (var entry : tables.entrySet()) {
                TableProgress table = entry.getKey();
                CopyColumns columns = entry.getValue();
                Fingerprint[] pair = new Fingerprint[2];
                sides.put(table, pair);
                runner.submit(() -> pair[0] = fingerprint(source, sourceSnapshot, c -> Fingerprint.of(c,
                        table.mapping().source(), columns.sourceColumns(), checksum)));
                runner.submit(() -> pair[1] = fingerprint(target, targetSnapshot, c -> Fingerprint.of(c,
                        table.mapping().target(), columns.targetColumns(), checksum)));
            }
            runner.awaitAll();
        } catch (MigrationError e) {
            throw e;
        } catch (Exception e) {
            throw new MigrationError("ValidationError", "Validation could not read the tables: " + e.getMessage(), e);
        }
        for (var entry : sides.entrySet()) {
            TableProgress table = entry.getKey();
            Fingerprint s = entry.getValue()[0];
            Fingerprint t = entry.getValue()[1];
            Boolean match = checksum ? s.checksum().compareTo(t.checksum()) == 0 : null;
            table.validated(s.rows(), t.rows(), match);
            if (s.rows() != t.rows()) {
                mismatches.add(table.mapping().target().display() + " has " + t.rows() + " rows where source "
                        + table.mapping().source().display() + " has " + s.rows());
            } else if (Boolean.FALSE.equals(match)) {
                mismatches.add(table.mapping().target().display() + " has the same number of rows as "
                        + table.mapping().source().display() + " (" + s.rows() + ") but different contents");
            }
            // both sides can agree on part of a table that neither read saw whole
            s.statistics().disagreement("source", table.mapping().source(), s.rows()).ifPresent(mismatches::add);
            t.statistics().disagreement("target", table.mapping().target(), t.rows()).ifPresent(mismatches::add);
        }
        if (!mismatches.isEmpty()) {
            throw MigrationError.permanent("ValidationFailed", "Validation failed: " + String.join("; ", mismatches)
                    + ". The target does not match the source.");
        }
    }

    private interface Read {
        Fingerprint apply(Connection c) throws SQLException;
    }

    private static Fingerprint fingerprint(Database db, String snapshot, Read read) throws SQLException {
        try (Connection c = db.connectReader()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                if (snapshot != null) {
                    st.execute("SET TRANSACTION SNAPSHOT " + Sql.literal(snapshot));
                }
            }
            Fingerprint f = read.apply(c);
            c.commit();
            return f;
        }
    }
}
