package io.tablemigrator.engine.schema;

/**
 * A primary key, unique, check or exclusion constraint of a source table.
 *
 * @param definition {@code pg_get_constraintdef} without a trailing NOT VALID (see {@link #validated})
 * @param index for primary keys and unique constraints, the index behind them; null otherwise
 */
public record TableConstraint(
        String name,
        Kind kind,
        String definition,
        SourceIndex index,
        boolean deferrable,
        boolean initiallyDeferred,
        boolean validated) {

    public enum Kind { PRIMARY_KEY, UNIQUE, CHECK, EXCLUSION }
}
