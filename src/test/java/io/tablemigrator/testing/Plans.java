package io.tablemigrator.testing;

import java.util.function.BooleanSupplier;

import io.tablemigrator.api.TableMigrationSpec;
import io.tablemigrator.engine.MigrationControl;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.PlanBuilder;
import io.tablemigrator.manifest.ManifestLoader;

/** Plans for tests, written the way users write them: as a manifest. */
public final class Plans {
    private Plans() {
    }

    /**
     * A plan from the spec part of a manifest (YAML under {@code spec:}, without source and target), between two
     * test databases.
     */
    public static MigrationPlan plan(String name, TestDb source, TestDb target, String specYaml) {
        return plan(name, source.url(), target.url(), specYaml);
    }

    /** The same between two database URIs, for a migration whose users are not the superuser. */
    public static MigrationPlan plan(String name, String sourceUrl, String targetUrl, String specYaml) {
        String manifest = "apiVersion: tablemigrator.io/v1alpha1\nkind: TableMigration\nmetadata: {name: " + name
                + ", namespace: test}\nspec:\n  source: {url: \"" + sourceUrl + "\"}\n  target: {url: \""
                + targetUrl + "\"}\n" + specYaml.indent(2);
        var loaded = ManifestLoader.parse(manifest);
        TableMigrationSpec spec = loaded.migration().getSpec();
        return PlanBuilder.build(loaded.id(), spec, loaded.sourceUrl(), loaded.targetUrl());
    }

    /** A control that never stops and approves every cutover. */
    public static MigrationControl runToEnd() {
        return control(() -> true, () -> false, () -> false);
    }

    /** A control whose answers come from the test. */
    public static MigrationControl control(BooleanSupplier approve, BooleanSupplier stop, BooleanSupplier cancel) {
        return new MigrationControl() {
            @Override
            public boolean cutoverApproved() {
                return approve.getAsBoolean();
            }

            @Override
            public boolean stopRequested() {
                return stop.getAsBoolean();
            }

            @Override
            public boolean cancelRequested() {
                return cancel.getAsBoolean();
            }
        };
    }
}
