package io.tablemigrator.engine.schema;

import java.util.List;
import java.util.Map;

import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.QualifiedName;

/**
 * What the migration does to one target table, in DDL.
 *
 * @param preExisting the target table was there before the migration: it is used as it is, with no DDL, and
 *                    all the lists are empty
 * @param createStatements CreatingTables: serial sequences, the table (no keys, no indexes), sequence ownership,
 *                         and for a partitioned table its partitions, parents first
 * @param postCopySteps Indexing: indexes, keys, constraints, foreign keys, replica identity
 * @param finalizeStatements the end of the migration: identity columns back to GENERATED ALWAYS
 * @param sequenceNames the target sequence of every column that owns one, by column name
 * @param indexNames target names of the source's indexes (and of the indexes behind keys), by source name
 * @param constraintNames target names of the source's constraints, by source name; skipped foreign keys are absent
 */
public record TablePlan(
        TableMapping mapping,
        TableDefinition definition,
        boolean preExisting,
        List<String> createStatements,
        List<PostCopyStep> postCopySteps,
        List<String> finalizeStatements,
        Map<String, QualifiedName> sequenceNames,
        Map<String, String> indexNames,
        Map<String, String> constraintNames) {

    public QualifiedName target() {
        return mapping.target();
    }
}
