package io.tablemigrator.engine.copy;

import io.tablemigrator.engine.schema.CopyColumns;

/**
 * A part of a table that one COPY stream moves: a range of heap blocks [fromBlock, toBlock), or the whole table.
 * Under one snapshot, block ranges split a table into disjoint row sets whatever its keys, which is why the copy
 * does not need a primary key to run in parallel.
 *
 * @param toBlock -1 for "to the end of the table"
 */
public record CopyChunk(CopyTable table, long fromBlock, long toBlock) {

    public static CopyChunk whole(CopyTable table) {
        return new CopyChunk(table, 0, -1);
    }

    public boolean isWholeTable() {
        return fromBlock == 0 && toBlock < 0;
    }

    /** The source side: COPY ... TO STDOUT. */
    public String copyOutSql() {
        CopyColumns columns = table.columns();
        String format = columns.binarySafe() ? " (FORMAT binary)" : "";
        if (isWholeTable()) {
            return "COPY " + table.mapping().source().quoted() + " (" + columns.sourceList() + ") TO STDOUT" + format;
        }
        String where = "ctid >= '(" + fromBlock + ",0)'::tid" + (toBlock < 0 ? "" : " AND ctid < '(" + toBlock + ",0)'::tid");
        return "COPY (SELECT " + columns.sourceList() + " FROM " + table.mapping().source().quoted()
                + " WHERE " + where + ") TO STDOUT" + format;
    }

    /** The target side: COPY ... FROM STDIN. */
    public String copyInSql() {
        CopyColumns columns = table.columns();
        return "COPY " + table.mapping().target().quoted() + " (" + columns.targetList() + ") FROM STDIN"
                + (columns.binarySafe() ? " (FORMAT binary)" : "");
    }
}
