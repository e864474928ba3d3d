package io.tablemigrator.engine.schema;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import io.tablemigrator.engine.db.QualifiedName;

/**
 * The DDL of a whole migration, from {@link SchemaPlanner}: nothing here has touched a database.
 *
 * @param schemaStatements CREATE SCHEMA for the target and type schemas the target lacks
 * @param typeStatements the user types the target lacks, each after those it depends on
 * @param warnings sentences for the user: what is not carried over and why (skipped foreign keys, triggers...)
 */
public record SchemaPlan(List<TablePlan> tables, List<String> schemaStatements, List<String> typeStatements,
                         List<String> warnings) {

    public Optional<TablePlan> table(QualifiedName target) {
        return tables.stream().filter(t -> t.target().equals(target)).findFirst();
    }

    /** The CreatingTables DDL that creates the given target tables, to run in one transaction. */
    public List<String> creationStatements(Collection<QualifiedName> targetsToCreate) {
        List<String> statements = new ArrayList<>(schemaStatements);
        statements.addAll(typeStatements);
        for (TablePlan table : tables) {
            if (targetsToCreate.contains(table.target())) {
                statements.addAll(table.createStatements());
            }
        }
        return statements;
    }

    /**
     * The Indexing work in groups: run the groups in order; the steps of a group are independent of each other
     * and may run in parallel.
     */
    public List<List<PostCopyStep>> postCopyGroups() {
        List<List<PostCopyStep>> groups = new ArrayList<>();
        for (PostCopyStep.Group group : PostCopyStep.Group.values()) {
            List<PostCopyStep> steps = new ArrayList<>();
            for (TablePlan table : tables) {
                table.postCopySteps().stream().filter(s -> s.group() == group).forEach(steps::add);
            }
            groups.add(List.copyOf(steps));
        }
        return groups;
    }

    /** Statements for the end of the migration, once nothing replays into the target any more. */
    public List<String> finalizeStatements() {
        return tables.stream().flatMap(t -> t.finalizeStatements().stream()).toList();
    }
}
