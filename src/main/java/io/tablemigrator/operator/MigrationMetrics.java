package io.tablemigrator.operator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tablemigrator.api.Phase;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.api.TableMigrationStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Per-migration gauges on /q/metrics, labelled namespace and name: tablemigrator_rows_copied,
 * tablemigrator_rows_estimated, tablemigrator_replication_lag_bytes, tablemigrator_changes_applied, and
 * tablemigrator_phase{phase="Copying"} 1 (0 for the other phases). The reconciler metrics come from the Operator
 * SDK's Micrometer support.
 */
@ApplicationScoped
public class MigrationMetrics {

    @Inject
    MeterRegistry registry;

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private static final class Entry {
        volatile TableMigrationStatus status = new TableMigrationStatus();
        final List<Meter> meters = new ArrayList<>();
    }

    /** Records the status as it stands after a reconcile (worker fields from the cache, operator fields just computed). */
    public void update(TableMigration migration, TableMigrationStatus workerFields, Phase phase) {
        String key = key(migration);
        Entry entry = entries.computeIfAbsent(key, k -> register(migration));
        TableMigrationStatus copy = new TableMigrationStatus();
        if (workerFields != null) {
            copy.setProgress(workerFields.getProgress());
            copy.setReplication(workerFields.getReplication());
        }
        copy.setPhase(phase);
        entry.status = copy;
    }

    public void remove(TableMigration migration) {
        Entry entry = entries.remove(key(migration));
        if (entry != null) {
            entry.meters.forEach(registry::remove);
        }
    }

    private Entry register(TableMigration migration) {
        Entry entry = new Entry();
        Tags tags = Tags.of("namespace", migration.getMetadata().getNamespace(), "name", migration.getMetadata().getName());
        gauge(entry, "tablemigrator.rows.copied", "Rows copied so far", tags,
                s -> s.getProgress() == null || s.getProgress().getRowsCopied() == null ? 0 : s.getProgress().getRowsCopied());
        gauge(entry, "tablemigrator.rows.estimated", "Rows to copy, as estimated", tags,
                s -> s.getProgress() == null || s.getProgress().getRowsEstimated() == null ? 0 : s.getProgress().getRowsEstimated());
        gauge(entry, "tablemigrator.replication.lag.bytes", "Bytes of source WAL the target has not applied yet", tags,
                s -> s.getReplication() == null || s.getReplication().getLagBytes() == null ? Double.NaN : s.getReplication().getLagBytes());
        gauge(entry, "tablemigrator.changes.applied", "Source changes replayed on the target", tags,
                s -> s.getReplication() == null || s.getReplication().getChangesApplied() == null ? 0
                        : s.getReplication().getChangesApplied());
        for (Phase phase : Phase.values()) {
            gauge(entry, "tablemigrator.phase", "1 for the migration's current phase, 0 for the others",
                    tags.and("phase", phase.name()), s -> s.getPhase() == phase ? 1 : 0);
        }
        return entry;
    }

    private void gauge(Entry entry, String name, String help, Tags tags, ToDoubleFunction<TableMigrationStatus> value) {
        entry.meters.add(Gauge.builder(name, entry, e -> value.applyAsDouble(e.status)).description(help).tags(tags)
                .register(registry));
    }

    private static String key(TableMigration migration) {
        return migration.getMetadata().getNamespace() + "/" + migration.getMetadata().getName();
    }
}
