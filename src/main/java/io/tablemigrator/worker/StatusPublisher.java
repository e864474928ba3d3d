package io.tablemigrator.worker;

import java.util.Map;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.api.TableMigrationStatus;
import io.tablemigrator.engine.StatusBoard;

/**
 * Sends the worker-owned status fields (progress, tables, replication, cutover) to the status subresource as a
 * JSON merge patch, only when they changed. The patch holds nothing else, so the operator's fields are never
 * touched (DESIGN.md, invariant 5).
 */
public final class StatusPublisher {
    private final KubernetesClient client;
    private final WorkerArgs where;
    private final StatusBoard board;
    private String lastPublished;

    public StatusPublisher(KubernetesClient client, WorkerArgs where, StatusBoard board) {
        this.client = client;
        this.where = where;
        this.board = board;
    }

    WorkerArgs where() {
        return where;
    }

    /** Publishes the board if it changed since the last publish (or always, when forced). */
    public synchronized void publish(boolean force) {
        String patch = patchFor(board.snapshot());
        if (!force && patch.equals(lastPublished)) {
            return;
        }
        client.resources(TableMigration.class).inNamespace(where.namespace()).withName(where.name())
                .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        lastPublished = patch;
    }

    /** The merge patch for a snapshot: only the four worker fields, whatever else the snapshot holds. */
    public String patchFor(TableMigrationStatus snapshot) {
        TableMigrationStatus mine = workerFields(snapshot);
        return client.getKubernetesSerialization().asJson(Map.of("status", mine));
    }

    static TableMigrationStatus workerFields(TableMigrationStatus snapshot) {
        TableMigrationStatus mine = new TableMigrationStatus();
        mine.setProgress(snapshot.getProgress());
        mine.setTables(snapshot.getTables());
        mine.setReplication(snapshot.getReplication());
        mine.setCutover(snapshot.getCutover());
        return mine;
    }
}
