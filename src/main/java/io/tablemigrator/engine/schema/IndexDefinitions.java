package io.tablemigrator.engine.schema;

import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.db.Sql;

/**
 * Turns a source index definition (pg_get_indexdef) into one for the target table. Only the head is
 * rewritten: {@code CREATE [UNIQUE] INDEX <name> ON [ONLY] <table> USING } is matched exactly, using the
 * names as the server printed them, so that nothing inside the column list, INCLUDE, WITH or WHERE is touched
 * (a column named like the table stays as it is).
 */
final class IndexDefinitions {
    private IndexDefinitions() {
    }

    static String forTarget(SourceIndex index, String sourcePrintedTable, String targetIndexName, QualifiedName targetTable) {
        return forTarget(index, sourcePrintedTable, targetIndexName, targetTable, true);
    }

    /**
     * For a partitioned table: pg_get_indexdef prints its indexes {@code ON ONLY}, which on the target would build an
     * index on the parent alone (invalid until an index of every partition is attached). Without ONLY, the target
     * builds the index on every partition and attaches each, as the source has it.
     */
    static String forPartitionedTarget(SourceIndex index, String sourcePrintedTable, String targetIndexName,
                                       QualifiedName targetTable) {
        return forTarget(index, sourcePrintedTable, targetIndexName, targetTable, false);
    }

    private static String forTarget(SourceIndex index, String sourcePrintedTable, String targetIndexName,
                                    QualifiedName targetTable, boolean keepOnly) {
        String definition = index.definition();
        String create = "CREATE " + (index.unique() ? "UNIQUE " : "") + "INDEX ";
        String head = create + index.printedName() + " ON ";
        if (!definition.startsWith(head)) {
            throw unexpected(index, definition);
        }
        String rest = definition.substring(head.length());
        String only = "";
        String using = sourcePrintedTable + " USING ";
        if (rest.startsWith("ONLY " + using)) {
            only = keepOnly ? "ONLY " : "";
            rest = rest.substring("ONLY ".length());
        }
        if (!rest.startsWith(using)) {
            throw unexpected(index, definition);
        }
        String tail = rest.substring(using.length());
        return create + Sql.ident(targetIndexName) + " ON " + only + targetTable.quoted() + " USING " + tail;
    }

    private static IllegalStateException unexpected(SourceIndex index, String definition) {
        return new IllegalStateException("the definition of index " + index.name()
                + " does not have the form CREATE INDEX name ON table USING ...: " + definition);
    }
}
