package io.tablemigrator.engine.schema;

import java.util.List;

import io.tablemigrator.engine.db.QualifiedName;

/**
 * One piece of Indexing work on one target table: build an index, attach a primary key, add and validate a
 * constraint. Steps of one group are independent and can run in parallel on separate connections; the groups
 * run one after the other ({@link Group}). Every statement is safe to run again, so a step that was
 * interrupted, or already done by an earlier run, is simply run once more. Run the statements in order, each
 * in its own transaction (auto-commit).
 *
 * @param object the name of the index or constraint on the target
 * @param description what the step does, for progress and error messages
 */
public record PostCopyStep(Group group, QualifiedName table, String object, String description, List<String> statements) {

    /**
     * INDEXES builds every index, including those behind primary keys and unique constraints (a plain CREATE
     * INDEX only takes a SHARE lock, so several build on one table at once), and exclusion constraints.
     * CONSTRAINTS then attaches primary keys and unique constraints to their index (instant) and adds checks.
     * FOREIGN_KEYS last, because a foreign key needs the referenced table's key.
     */
    public enum Group { INDEXES, CONSTRAINTS, FOREIGN_KEYS }
}
