package io.tablemigrator.engine.schema;

/**
 * What the source logs for the old row of an UPDATE or DELETE (pg_class.relreplident). Logical replication can
 * replay updates and deletes only when it identifies rows: by the primary key (DEFAULT with a primary key),
 * by a unique index (INDEX) or by the whole row (FULL).
 *
 * @param indexName the source index for INDEX, else null
 */
public record ReplicaIdentity(Kind kind, String indexName, boolean hasPrimaryKey) {

    public enum Kind { DEFAULT, INDEX, FULL, NOTHING }

    public boolean usableForLogicalReplication() {
        return switch (kind) {
            case DEFAULT -> hasPrimaryKey;
            case INDEX -> indexName != null;
            case FULL -> true;
            case NOTHING -> false;
        };
    }

    static Kind fromCatalog(char relreplident) {
        return switch (relreplident) {
            case 'i' -> Kind.INDEX;
            case 'f' -> Kind.FULL;
            case 'n' -> Kind.NOTHING;
            default -> Kind.DEFAULT;
        };
    }
}
