package io.tablemigrator.operator;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tablemigrator.api.DatabaseSpec;
import io.tablemigrator.api.SecretKeyRef;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.PlanBuilder;
import io.tablemigrator.engine.db.PgUrl;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Reads the database URIs a migration's Secrets hold: to check them before a worker starts (so that a missing Secret
 * or key is a clear Degraded condition, not a pod that cannot start), and to build the plan for the finalizer's
 * cleanup and for reading the lag while paused. Values never leave this class except inside a plan.
 * <p>
 * The last URIs read for each migration are remembered in memory, so that deleting a TableMigration together with
 * its Secrets ({@code kubectl delete -f dir/}) still cleans up the source while this process runs.
 */
@ApplicationScoped
public class SecretResolver {

    @Inject
    KubernetesClient client;

    private final Map<String, String[]> lastResolved = new ConcurrentHashMap<>();

    /** What keeps a worker from starting: a missing Secret, key, or service account. Null when all is there. */
    public Problem prerequisites(TableMigration migration, String serviceAccount) {
        for (String side : new String[] {"source", "target"}) {
            DatabaseSpec db = "source".equals(side) ? migration.getSpec().getSource() : migration.getSpec().getTarget();
            String url;
            try {
                url = url(migration, side, db);
            } catch (MigrationError e) {
                return new Problem(e.reason(), e.getMessage());
            }
            try {
                PgUrl.parse(url);
            } catch (IllegalArgumentException e) {
                String where = db.getUrlSecretRef() == null ? "spec." + side + ".url"
                        : "key " + db.getUrlSecretRef().key() + " of Secret " + db.getUrlSecretRef().name();
                return new Problem("InvalidDatabaseUrl", "The " + side + " database URI in " + where + " is unusable: "
                        + e.getMessage() + ". Write it as postgresql://USER:PASSWORD@HOST:5432/DATABASE.");
            }
        }
        String namespace = migration.getMetadata().getNamespace();
        if (client.serviceAccounts().inNamespace(namespace).withName(serviceAccount).get() == null) {
            return new Problem("ServiceAccountNotFound", "ServiceAccount " + serviceAccount + " does not exist in namespace "
                    + namespace + "; worker pods run as it. Create it and let it read this TableMigration: kubectl -n "
                    + namespace + " create serviceaccount " + serviceAccount + " && kubectl -n " + namespace
                    + " create rolebinding " + serviceAccount + " --clusterrole=tablemigrator-worker --serviceaccount="
                    + namespace + ":" + serviceAccount + " (or set spec.worker.serviceAccountName).");
        }
        return null;
    }

    /**
     * The migration's plan with both URIs resolved.
     *
     * @throws MigrationError SecretNotFound / SecretKeyNotFound when a Secret is gone and this process has not seen
     *         its value before; InvalidSpec for an unusable URI
     */
    public MigrationPlan plan(TableMigration migration) {
        String key = migration.getMetadata().getUid();
        String source;
        String target;
        try {
            source = url(migration, "source", migration.getSpec().getSource());
            target = url(migration, "target", migration.getSpec().getTarget());
            if (key != null) {
                lastResolved.put(key, new String[] {source, target});
            }
        } catch (MigrationError e) {
            String[] remembered = key == null ? null : lastResolved.get(key);
            if (remembered == null) {
                throw e;
            }
            source = remembered[0];
            target = remembered[1];
        }
        return PlanBuilder.build(migration.getMetadata().getNamespace() + "/" + migration.getMetadata().getName(),
                migration.getSpec(), source, target);
    }

    /** Forgets what {@link #plan} remembered, once a migration is gone. */
    public void forget(TableMigration migration) {
        if (migration.getMetadata().getUid() != null) {
            lastResolved.remove(migration.getMetadata().getUid());
        }
    }

    private String url(TableMigration migration, String side, DatabaseSpec db) {
        return db.getUrl() != null ? db.getUrl() : read(migration.getMetadata().getNamespace(), side, db.getUrlSecretRef());
    }

    private String read(String namespace, String side, SecretKeyRef ref) {
        Secret secret = client.secrets().inNamespace(namespace).withName(ref.name()).get();
        String create = "kubectl -n " + namespace + " create secret generic " + ref.name() + " --from-literal=" + ref.key()
                + "='postgresql://USER:PASSWORD@HOST:5432/DATABASE'";
        if (secret == null) {
            throw new MigrationError("SecretNotFound", "Secret " + ref.name() + " (spec." + side
                    + ".urlSecretRef) does not exist in namespace " + namespace + ". Create it: " + create);
        }
        String value = null;
        if (secret.getData() != null && secret.getData().get(ref.key()) != null) {
            value = new String(Base64.getDecoder().decode(secret.getData().get(ref.key()).strip()), StandardCharsets.UTF_8);
        } else if (secret.getStringData() != null) {
            value = secret.getStringData().get(ref.key());
        }
        if (value == null || value.isBlank()) {
            throw new MigrationError("SecretKeyNotFound", "Secret " + ref.name() + " in namespace " + namespace
                    + " has no key " + ref.key() + " (spec." + side + ".urlSecretRef.key)"
                    + (secret.getData() == null || secret.getData().isEmpty() ? "" : "; it has " + String.join(", ",
                            new java.util.TreeSet<>(secret.getData().keySet())))
                    + ". Add the key holding the database URI, or fix the key name in the TableMigration.");
        }
        return value.strip();
    }
}
