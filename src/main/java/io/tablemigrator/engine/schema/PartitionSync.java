package io.tablemigrator.engine.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.PgErrors;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.db.Sql;

/**
 * Brings a target partitioned table's partitions in line with its source table's, partitions being matched by bound
 * path ({@link PartitionTree}): partitions the source has gained since the target was planned (a monthly job, or
 * pg_partman, creating next month's) are created; partitions the source has lost can be detached.
 * <p>
 * Runs on a target connection in auto-commit mode (in a transaction of its own) or inside the caller's transaction
 * (replay's, so that the partition exists before the rows it applies next); each partition is created under a
 * savepoint, so one that cannot be created yet does not undo the others or the caller's work.
 */
public final class PartitionSync {
    private static final Logger LOG = Logger.getLogger(PartitionSync.class);

    private PartitionSync() {
    }

    /**
     * @param created the target partitions created
     * @param notYet  the source partitions that could not be created on the target yet (and those below them)
     */
    public record Created(List<QualifiedName> created, List<QualifiedName> notYet) {
        static final Created NOTHING = new Created(List.of(), List.of());
    }

    /**
     * Creates on the target the partitions of the source table that the target table lacks, each under the name
     * {@link PartitionNames} gives it (with a number when that is taken) and after its parent.
     *
     * @param source a source connection, read as it is now (or in its transaction's snapshot)
     * @return nothing created when the target has them all, or either table is not partitioned
     */
    public static Created createMissing(Connection source, Connection target, TableMapping table) {
        Optional<PartitionTree> sourceTree = PartitionReader.read(source, table.source());
        if (sourceTree.isEmpty()) {
            return Created.NOTHING;
        }
        return createMissing(sourceTree.get(), target, table);
    }

    /** As {@link #createMissing(Connection, Connection, TableMapping)}, for a source tree already read. */
    public static Created createMissing(PartitionTree sourceTree, Connection target, TableMapping table) {
        try {
            return CatalogTransaction.run(target, () -> {
                Optional<PartitionTree> targetTree = PartitionReader.read(target, table.target());
                if (targetTree.isEmpty()) {
                    return Created.NOTHING;
                }
                Map<List<String>, Partition> onTarget = targetTree.get().byBoundPath();
                List<QualifiedName> created = new ArrayList<>();
                List<QualifiedName> notYet = new ArrayList<>();
                Set<List<String>> failed = new HashSet<>();
                for (Partition partition : sourceTree.partitions()) {
                    List<String> path = sourceTree.boundPath(partition);
                    if (onTarget.containsKey(path)) {
                        continue;
                    }
                    if (failed.contains(path.subList(0, path.size() - 1))) {
                        failed.add(path);
                        notYet.add(partition.name());
                        continue;
                    }
                    List<String> parentPath = path.subList(0, path.size() - 1);
                    QualifiedName parent = parentPath.isEmpty() ? table.target() : onTarget.get(parentPath).name();
                    QualifiedName name = freeName(target, PartitionNames.desired(partition.name(), table));
                    String ddl = PartitionDdl.create(partition, name, parent);
                    Savepoint savepoint = target.setSavepoint();
                    try {
                        if (!name.schema().equals(table.target().schema())) {
                            Jdbc.execute(target, "CREATE SCHEMA IF NOT EXISTS " + Sql.ident(name.schema()));
                        }
                        Jdbc.execute(target, ddl);
                        target.releaseSavepoint(savepoint);
                    } catch (SQLException e) {
                        // e.g. the default partition holds rows of its range: the source moved them out before it
                        // created the partition, and replay has not got there yet
                        target.rollback(savepoint);
                        failed.add(path);
                        notYet.add(partition.name());
                        LOG.infof("partition %s of %s cannot be created on the target yet (%s); trying again later",
                                name.display(), table.target().display(), PgErrors.firstLine(e));
                        continue;
                    }
                    onTarget.put(path, new Partition(name, null, parent, partition.level(), partition.bound(),
                            partition.subPartitionKey(), false, partition.unlogged(), List.of(),
                            partition.replicaIdentity(), List.of(), List.of()));
                    created.add(name);
                    LOG.infof("created partition %s of %s on the target, like source partition %s: %s",
                            name.display(), parent.display(), partition.name().display(), partition.bound());
                }
                return new Created(List.copyOf(created), List.copyOf(notYet));
            });
        } catch (SQLException e) {
            throw new MigrationError("PartitionCreationFailed", "Could not create the new partitions of "
                    + table.source().display() + " on target table " + table.target().display() + ": "
                    + PgErrors.firstLine(e) + ".", e);
        }
    }

    /**
     * Detaches from the target table the partitions whose bounds no partition of the source table has any more:
     * the source dropped or detached them while the migration ran, and their rows are no longer the table's. The
     * target keeps each as a table of its own (a migration never deletes rows); drop it when it is not needed.
     * Call it when the source tree cannot change (writes blocked at the cutover) and replay has applied everything.
     *
     * @return the target partitions detached
     */
    public static List<QualifiedName> detachGone(Connection source, Connection target, TableMapping table) {
        Optional<PartitionTree> sourceTree = PartitionReader.read(source, table.source());
        try {
            return CatalogTransaction.run(target, () -> {
                Optional<PartitionTree> targetTree = PartitionReader.read(target, table.target());
                if (sourceTree.isEmpty() || targetTree.isEmpty()) {
                    return List.<QualifiedName>of();
                }
                Set<List<String>> onSource = sourceTree.get().byBoundPath().keySet();
                List<QualifiedName> detached = new ArrayList<>();
                Set<List<String>> gone = new HashSet<>();
                for (Partition partition : targetTree.get().partitions()) {
                    List<String> path = targetTree.get().boundPath(partition);
                    if (onSource.contains(path) || gone.contains(path.subList(0, path.size() - 1))) {
                        continue; // kept, or detached with its parent already
                    }
                    gone.add(path);
                    Jdbc.execute(target, "ALTER TABLE " + partition.parent().quoted() + " DETACH PARTITION "
                            + partition.name().quoted());
                    detached.add(partition.name());
                }
                return List.copyOf(detached);
            });
        } catch (SQLException e) {
            throw new MigrationError("PartitionDetachFailed", "Could not detach from target table "
                    + table.target().display() + " the partitions the source no longer has: "
                    + PgErrors.firstLine(e) + ".", e);
        }
    }

    /** The name, or the first of name1, name2, ... that no relation or type of its schema has. */
    private static QualifiedName freeName(Connection target, QualifiedName desired) throws SQLException {
        String name = desired.name();
        for (int i = 1; taken(target, desired.schema(), name); i++) {
            String suffix = Integer.toString(i);
            name = ObjectNames.truncate(desired.name(), ObjectNames.MAX_BYTES - suffix.length()) + suffix;
        }
        return new QualifiedName(desired.schema(), name);
    }

    private static boolean taken(Connection c, String schema, String name) throws SQLException {
        return Jdbc.one(c, """
                SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class r JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace
                               WHERE n.nspname = ? AND r.relname = ?)
                    OR EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                               WHERE n.nspname = ? AND t.typname = ?)""",
                rs -> rs.getBoolean(1), schema, name, schema, name).orElse(false);
    }
}
