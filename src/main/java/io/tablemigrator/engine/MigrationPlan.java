package io.tablemigrator.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.tablemigrator.api.CutoverPolicy;
import io.tablemigrator.api.MigrationMode;
import io.tablemigrator.api.RollbackWindow;
import io.tablemigrator.api.SchemaObjectKind;
import io.tablemigrator.api.SourceAfterCutover;
import io.tablemigrator.api.ValidationMode;
import io.tablemigrator.engine.db.PgUrl;

/**
 * Everything the engine needs to run one migration, resolved: database addresses, the table mapping and
 * the options. Built from a TableMigration by {@link PlanBuilder}; the engine never sees Kubernetes types.
 *
 * @param id                namespace/name of the migration; names the slot, the publication and the checkpoint
 * @param replayParallelism target connections applying replicated changes (1: one stream)
 * @param schemaSkip        what not to carry with the tables (spec.schema.skip)
 * @param swap              same database only: at the cutover the new tables take the old ones' names
 * @param oldSuffix         the suffix an old table's name gets at a swap
 * @param rollbackWindow    Manual: after the cutover, target changes replicate back to the source
 */
public record MigrationPlan(
        String id,
        MigrationMode mode,
        PgUrl source,
        PgUrl target,
        List<TableMapping> tables,
        int parallelism,
        CutoverPolicy cutoverPolicy,
        long maxLagBytes,
        Duration cutoverTimeout,
        SourceAfterCutover sourceAfterCutover,
        ValidationMode validation,
        int replayParallelism,
        Set<SchemaObjectKind> schemaSkip,
        boolean swap,
        String oldSuffix,
        RollbackWindow rollbackWindow) {

    /** The replication slot's name: readable, unique per migration, within PostgreSQL's 63 bytes. */
    public String slotName() {
        return objectName("tm");
    }

    public String publicationName() {
        return objectName("tm");
    }

    /** The name of the source objects that fence the tables (trigger and trigger function). */
    public String fenceName() {
        return objectName("tm_fence");
    }

    private String objectName(String prefix) {
        String readable = id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        String hash = hash(id);
        int room = 63 - prefix.length() - hash.length() - 2;
        if (readable.length() > room) {
            readable = readable.substring(0, room);
        }
        return prefix + "_" + readable + "_" + hash;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
