package io.tablemigrator.engine;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import io.tablemigrator.api.SchemaObjectKind;
import io.tablemigrator.api.SpecValidator;
import io.tablemigrator.api.TableMigrationSpec;
import io.tablemigrator.engine.db.PgUrl;
import io.tablemigrator.engine.db.QualifiedName;

/** Builds a {@link MigrationPlan} from a spec whose database URLs the driver has already resolved. */
public final class PlanBuilder {
    private PlanBuilder() {
    }

    /**
     * @throws MigrationError with reason InvalidSpec when a URL cannot be parsed (the message names the field)
     */
    public static MigrationPlan build(String id, TableMigrationSpec spec, String sourceUrl, String targetUrl) {
        List<TableMapping> tables = spec.getTables().stream()
                .map(t -> new TableMapping(new QualifiedName(t.getSchema(), t.getName()),
                        new QualifiedName(SpecValidator.targetSchema(t), SpecValidator.targetName(t, spec.getTargetSuffix()))))
                .toList();
        return new MigrationPlan(id, spec.getMode(), parse("spec.source", sourceUrl), parse("spec.target", targetUrl),
                tables, spec.getCopy().getParallelism(), spec.getCutover().getPolicy(), spec.getCutover().getMaxLagBytes(),
                Duration.ofSeconds(spec.getCutover().getTimeoutSeconds()), spec.getCutover().getSourceAfterCutover(),
                spec.getValidation().getMode(), spec.getReplay().getParallelism(), schemaSkip(spec),
                spec.getCutover().isSwap(), spec.getCutover().getOldSuffix(), spec.getRollback().getWindow());
    }

    private static Set<SchemaObjectKind> schemaSkip(TableMigrationSpec spec) {
        return spec.getSchema().getSkip() == null || spec.getSchema().getSkip().isEmpty()
                ? Set.of() : Set.copyOf(EnumSet.copyOf(spec.getSchema().getSkip()));
    }

    private static PgUrl parse(String field, String url) {
        try {
            return PgUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new MigrationError("InvalidSpec", field + ".url: " + e.getMessage());
        }
    }
}
