package io.tablemigrator.operator;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tablemigrator.api.TableMigration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Kubernetes Events on a TableMigration (kubectl describe tm, kubectl get events). Best effort: never fails a reconcile. */
@ApplicationScoped
public class MigrationEvents {
    private static final Logger LOG = Logger.getLogger(MigrationEvents.class);
    static final String COMPONENT = "tablemigrator-operator";

    @Inject
    KubernetesClient client;

    public void normal(TableMigration migration, String reason, String message) {
        emit(migration, "Normal", reason, message);
    }

    public void warning(TableMigration migration, String reason, String message) {
        emit(migration, "Warning", reason, message);
    }

    private void emit(TableMigration migration, String type, String reason, String message) {
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String text = message.length() > 1000 ? message.substring(0, 1000) + "..." : message;
        try {
            client.v1().events().inNamespace(migration.getMetadata().getNamespace()).resource(new EventBuilder()
                    .withNewMetadata()
                        .withGenerateName(migration.getMetadata().getName() + ".")
                        .withNamespace(migration.getMetadata().getNamespace())
                    .endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder()
                            .withApiVersion(migration.getApiVersion())
                            .withKind(migration.getKind())
                            .withName(migration.getMetadata().getName())
                            .withNamespace(migration.getMetadata().getNamespace())
                            .withUid(migration.getMetadata().getUid())
                            .withResourceVersion(migration.getMetadata().getResourceVersion())
                            .build())
                    .withType(type)
                    .withReason(reason)
                    .withMessage(text)
                    .withFirstTimestamp(now)
                    .withLastTimestamp(now)
                    .withCount(1)
                    .withNewSource().withComponent(COMPONENT).endSource()
                    .withReportingComponent(COMPONENT)
                    .withReportingInstance(System.getenv().getOrDefault("POD_NAME", COMPONENT))
                    .build()).create();
        } catch (KubernetesClientException e) {
            LOG.debugf("Could not record event %s on %s/%s: %s", reason, migration.getMetadata().getNamespace(),
                    migration.getMetadata().getName(), e.getMessage());
        }
    }
}
