package io.tablemigrator.operator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.api.TableMigrationStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Writes the operator's status fields with a JSON merge patch on the status subresource that holds those fields
 * only, so that the worker's fields (progress, tables, replication, cutover) are never overwritten, whatever this
 * operator's cache holds (DESIGN.md, invariant 5). Nothing is sent when nothing changed.
 */
@ApplicationScoped
public class StatusWriter {
    /** Plain Jackson: nulls in maps are kept, which a merge patch needs to remove a field. */
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KubernetesClient client;

    /** @return true when a patch was sent */
    public boolean write(TableMigration migration, TableMigrationStatus mine) {
        Map<String, Object> wanted = operatorFields(mine);
        Map<String, Object> current = operatorFields(migration.getStatus() == null ? new TableMigrationStatus() : migration.getStatus());
        if (mine.getReplication() == null) {
            current.remove("replication");
        }
        if (json(wanted).equals(json(current))) {
            return false;
        }
        Map<String, Object> status = new LinkedHashMap<>(wanted);
        // a field the operator no longer sets is removed (null in a merge patch), e.g. completedAt
        for (String field : List.of("startedAt", "completedAt", "worker")) {
            status.putIfAbsent(field, null);
        }
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("status", status);
        client.resources(TableMigration.class).inNamespace(migration.getMetadata().getNamespace())
                .withName(migration.getMetadata().getName()).subresource("status")
                .patch(PatchContext.of(PatchType.JSON_MERGE), json(patch));
        return true;
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The operator-owned fields of a status, in a fixed order; replication.lagBytes/lagSeconds only if set. */
    static Map<String, Object> operatorFields(TableMigrationStatus s) {
        Map<String, Object> fields = new LinkedHashMap<>();
        put(fields, "phase", s.getPhase());
        put(fields, "observedGeneration", s.getObservedGeneration());
        put(fields, "conditions", s.getConditions() == null ? null : Conditions.ordered(s.getConditions()).stream()
                .map(StatusWriter::conditionFields).toList());
        put(fields, "message", s.getMessage());
        put(fields, "startedAt", s.getStartedAt());
        put(fields, "completedAt", s.getCompletedAt());
        if (s.getWorker() != null) {
            Map<String, Object> worker = new LinkedHashMap<>();
            put(worker, "jobName", s.getWorker().getJobName());
            put(worker, "attempts", s.getWorker().getAttempts());
            fields.put("worker", worker);
        }
        if (s.getReplication() != null && s.getReplication().getLagBytes() != null) {
            Map<String, Object> replication = new LinkedHashMap<>();
            replication.put("lagBytes", s.getReplication().getLagBytes());
            // written only while Paused, when no worker measures it: the time lag is not known then
            replication.put("lagSeconds", null);
            fields.put("replication", replication);
        }
        return fields;
    }

    private static Map<String, Object> conditionFields(Condition c) {
        Map<String, Object> fields = new LinkedHashMap<>();
        put(fields, "type", c.getType());
        put(fields, "status", c.getStatus());
        put(fields, "reason", c.getReason());
        put(fields, "message", c.getMessage());
        put(fields, "lastTransitionTime", c.getLastTransitionTime());
        put(fields, "observedGeneration", c.getObservedGeneration());
        return fields;
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value instanceof Enum<?> e ? e.name() : value);
        }
    }
}
