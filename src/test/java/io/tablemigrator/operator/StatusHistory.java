package io.tablemigrator.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.api.TableMigrationStatus;

/**
 * Every version of one TableMigration's status, as a watch delivers them (the operator and the worker each write it
 * many times), and what every version must hold on any API server: one condition of each type, one tables[] entry
 * for each table of the spec, and a condition's lastTransitionTime that moves only when its status does.
 */
final class StatusHistory implements AutoCloseable {
    private final List<TableMigration> versions = new CopyOnWriteArrayList<>();
    private final Watch watch;

    /** Starts watching; start before creating the TableMigration to see every version. */
    StatusHistory(KubernetesClient client, String namespace, String name) {
        watch = client.resources(TableMigration.class).inNamespace(namespace).withName(name).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, TableMigration resource) {
                if (resource.getStatus() != null) {
                    versions.add(resource);
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
    }

    /** The versions seen so far, oldest first. */
    List<TableMigration> versions() {
        return List.copyOf(versions);
    }

    void assertConsistent() {
        assertThat(versions).as("status versions seen").hasSizeGreaterThan(1);
        Map<String, Condition> previous = new HashMap<>();
        for (TableMigration version : versions) {
            TableMigrationStatus s = version.getStatus();
            String where = "resourceVersion " + version.getMetadata().getResourceVersion() + " (phase " + s.getPhase() + ")";
            List<Condition> conditions = s.getConditions() == null ? List.of() : s.getConditions();
            assertThat(conditions).extracting(Condition::getType).as("condition types at " + where).doesNotHaveDuplicates();
            if (s.getTables() != null) {
                assertThat(s.getTables()).as("tables[] at " + where).hasSameSizeAs(version.getSpec().getTables());
            }
            for (Condition c : conditions) {
                Condition before = previous.put(c.getType(), c);
                if (before != null && before.getStatus().equals(c.getStatus())) {
                    assertThat(c.getLastTransitionTime()).as(c.getType() + " stayed " + c.getStatus() + " at " + where
                            + ": its lastTransitionTime").isEqualTo(before.getLastTransitionTime());
                }
            }
        }
    }

    @Override
    public void close() {
        watch.close();
    }
}
