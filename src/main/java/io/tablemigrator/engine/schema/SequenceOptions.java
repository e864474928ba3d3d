package io.tablemigrator.engine.schema;

/** The options of a sequence (from pg_sequence), so the target's sequence counts the same way. */
public record SequenceOptions(String dataType, long start, long increment, long min, long max, long cache, boolean cycle) {

    /** The options as CREATE SEQUENCE and identity columns take them; {@code AS type} only where allowed. */
    public String toSql(boolean withDataType) {
        return (withDataType ? "AS " + dataType + " " : "")
                + "INCREMENT BY " + increment + " MINVALUE " + min + " MAXVALUE " + max
                + " START WITH " + start + " CACHE " + cache + (cycle ? " CYCLE" : " NO CYCLE");
    }
}
