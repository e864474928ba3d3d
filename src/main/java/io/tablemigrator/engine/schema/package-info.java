/**
 * The schema part of a migration: what the target needs so that the copied rows have somewhere to go, and
 * the keys, indexes and sequences they need afterwards.
 *
 * <p>How the engine uses it, stage by stage:
 * <ul>
 * <li>Preparing: {@link io.tablemigrator.engine.schema.SchemaReader} reads each source table into a
 * {@link io.tablemigrator.engine.schema.TableDefinition} (with a {@link io.tablemigrator.engine.schema.PartitionTree}
 * for a partitioned table); its {@code refusals(mode)} are what preflight reports, grouped by kind (inheritance,
 * not a table, no usable replica identity in Online mode, unlogged, for a table or any of its partitions).
 * {@link io.tablemigrator.engine.schema.TargetTables#inspect} tells whether a target table exists and is
 * empty.</li>
 * <li>CreatingTables: {@link io.tablemigrator.engine.schema.SchemaCreator#createTables} creates schemas, user
 * types, sequences and bare tables with their partitions (no keys, no indexes; identity columns BY DEFAULT) in
 * one target transaction, and returns the {@link io.tablemigrator.engine.schema.SchemaPlan} for the later stages.</li>
 * <li>Copying: {@link io.tablemigrator.engine.schema.CopyColumns} gives the column lists and whether binary
 * COPY is safe.</li>
 * <li>Indexing: {@link io.tablemigrator.engine.schema.SchemaPlan#postCopyGroups()} run by
 * {@link io.tablemigrator.engine.schema.PostCopyRunner}: every step can run again.</li>
 * <li>CuttingOver (and the end of Offline mode): {@link io.tablemigrator.engine.schema.SequenceSync}.</li>
 * <li>Finalizing: {@link io.tablemigrator.engine.schema.SchemaPlan#finalizeStatements()} (identity columns
 * back to GENERATED ALWAYS).</li>
 * </ul>
 * A later stage in a new process gets the same plan again from
 * {@link io.tablemigrator.engine.schema.SchemaPlanLoader}.
 *
 * <p>Catalogs are read with an empty search_path, so every name outside pg_catalog comes back qualified and
 * the text can be replayed on the target; the DDL is built from that text by pure functions
 * ({@link io.tablemigrator.engine.schema.SchemaPlanner}), and every identifier from the spec or a catalog
 * enters SQL through {@code Sql.ident}.
 */
package io.tablemigrator.engine.schema;
