/**
 * Logical replication from the source to the target: the publication and the slot on the source, pgoutput decoding,
 * and the apply of changes to the target with an exactly-once checkpoint.
 *
 * <p>How the orchestrator drives it, in order:
 * <ol>
 *   <li>{@link io.tablemigrator.engine.replication.ChangeApplier#canUseReplicaRole} (preflight): when false, create
 *       the target's foreign keys only after replay, since replay then runs with the target's triggers active.</li>
 *   <li>{@link io.tablemigrator.engine.replication.Publications#ensure(io.tablemigrator.engine.db.Database,
 *       io.tablemigrator.engine.MigrationPlan)}: before the slot.</li>
 *   <li>{@link io.tablemigrator.engine.replication.ReplicationSlots#create}: keep the returned handle open until
 *       every copy transaction has imported its snapshot; record its consistent LSN with
 *       {@code CheckpointStore.consistentLsn(lsn)}; then close it.</li>
 *   <li>{@link io.tablemigrator.engine.replication.Replicator#start} on a
 *       {@link io.tablemigrator.engine.replication.ReplayRoute} (which side is read, which is written, through which
 *       slot and publication, and under which names), reporting to a
 *       {@link io.tablemigrator.engine.replication.ReplayProgress}; then
 *       {@link io.tablemigrator.engine.replication.Replicator#replicate} until the lag is small or a stop comes;
 *       at cutover, after locking the source tables and emitting the fence message,
 *       {@link io.tablemigrator.engine.replication.Replicator#drainTo}; then
 *       {@link io.tablemigrator.engine.replication.Replicator#close}.</li>
 *   <li>While no replay runs: {@link io.tablemigrator.engine.replication.ReplicationSlots#lagBytes}.</li>
 *   <li>Finalizing or cancel: {@link io.tablemigrator.engine.replication.ReplicationSlots#drop} and
 *       {@link io.tablemigrator.engine.replication.Publications#drop}.</li>
 * </ol>
 */
package io.tablemigrator.engine.replication;
