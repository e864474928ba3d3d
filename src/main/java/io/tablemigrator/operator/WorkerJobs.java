package io.tablemigrator.operator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyBuilder;
import io.tablemigrator.api.DatabaseSpec;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.api.WorkerSpec;
import io.tablemigrator.worker.WorkerEnv;

/**
 * The worker Job a TableMigration wants, as a pure function of the migration and the operator's settings
 * (no API calls): same image as the operator unless spec.worker.image says otherwise, credentials only through
 * secretKeyRef, a restricted security context, and a pod failure policy that fails the Job at once on the
 * worker's own verdicts (exit 2 fixable, 3 permanent) so that they do not burn the crash retries.
 */
public final class WorkerJobs {
    public static final String CONTAINER = "worker";
    public static final String LABEL_NAME = "app.kubernetes.io/name";
    public static final String LABEL_COMPONENT = "app.kubernetes.io/component";
    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String LABEL_INSTANCE = "app.kubernetes.io/instance";
    public static final String MANAGED_BY = "tablemigrator-operator";
    /** The migration's name as a label value (shortened with a hash when longer than a label allows). */
    public static final String LABEL_MIGRATION = "tablemigrator.io/migration";
    /** The migration's full name, for mapping pods back to it. */
    public static final String ANNOTATION_MIGRATION = "tablemigrator.io/migration";
    /** Worker pods started by earlier Jobs of the same migration, so that status.worker.attempts keeps counting. */
    public static final String ANNOTATION_PREVIOUS_ATTEMPTS = "tablemigrator.io/previous-attempts";
    /** Selects every worker Job and pod this operator made. */
    public static final String SELECTOR = LABEL_MANAGED_BY + "=" + MANAGED_BY + "," + LABEL_COMPONENT + "=worker";
    public static final String TMP_VOLUME = "tmp";
    static final int NAME_LIMIT = 63;

    private WorkerJobs() {
    }

    /** {@code <migration>-worker}, shortened with a hash to fit the 63 characters a Job name may have. */
    public static String jobName(TableMigration migration) {
        String name = migration.getMetadata().getName();
        String suffix = "-worker";
        if (name.length() + suffix.length() <= NAME_LIMIT) {
            return name + suffix;
        }
        String hash = hash(name);
        String head = name.substring(0, NAME_LIMIT - suffix.length() - hash.length() - 1).replaceAll("[.-]+$", "");
        return head + "-" + hash + suffix;
    }

    public static String migrationLabelValue(String name) {
        if (name.length() <= NAME_LIMIT) {
            return name;
        }
        String hash = hash(name);
        return name.substring(0, NAME_LIMIT - hash.length() - 1).replaceAll("[.-]+$", "") + "-" + hash;
    }

    public static Map<String, String> labels(TableMigration migration) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_NAME, "tablemigrator");
        labels.put(LABEL_COMPONENT, "worker");
        labels.put(LABEL_MANAGED_BY, MANAGED_BY);
        labels.put(LABEL_INSTANCE, migrationLabelValue(migration.getMetadata().getName()));
        labels.put(LABEL_MIGRATION, migrationLabelValue(migration.getMetadata().getName()));
        return labels;
    }

    public static List<String> args(TableMigration migration) {
        return List.of("worker", "--namespace", migration.getMetadata().getNamespace(), "--name",
                migration.getMetadata().getName());
    }

    public static Job desired(TableMigration migration, WorkerSettings settings) {
        WorkerSpec worker = migration.getSpec().getWorker() == null ? new WorkerSpec() : migration.getSpec().getWorker();
        Map<String, String> labels = labels(migration);
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(ANNOTATION_MIGRATION, migration.getMetadata().getName());
        int previousAttempts = migration.getStatus() == null || migration.getStatus().getWorker() == null
                || migration.getStatus().getWorker().getAttempts() == null ? 0 : migration.getStatus().getWorker().getAttempts();
        Map<String, String> jobAnnotations = new LinkedHashMap<>(annotations);
        jobAnnotations.put(ANNOTATION_PREVIOUS_ATTEMPTS, Integer.toString(previousAttempts));
        ResourceRequirements resources = worker.getResources() != null ? worker.getResources() : settings.defaultResources();
        String image = worker.getImage() != null && !worker.getImage().isBlank() ? worker.getImage() : settings.image();
        String serviceAccount = worker.getServiceAccountName() != null && !worker.getServiceAccountName().isBlank()
                ? worker.getServiceAccountName() : settings.serviceAccount();

        return new JobBuilder()
                .withNewMetadata()
                    .withName(jobName(migration))
                    .withNamespace(migration.getMetadata().getNamespace())
                    .withLabels(labels)
                    .withAnnotations(jobAnnotations)
                .endMetadata()
                .withNewSpec()
                    .withBackoffLimit(settings.backoffLimit())
                    .withPodFailurePolicy(new PodFailurePolicyBuilder()
                            .addNewRule()
                                .withAction("FailJob")
                                .withNewOnExitCodes()
                                    .withContainerName(CONTAINER)
                                    .withOperator("In")
                                    .withValues(2, 3)
                                .endOnExitCodes()
                            .endRule()
                            .addNewRule()
                                .withAction("Ignore")
                                .addNewOnPodCondition().withType("DisruptionTarget").withStatus("True").endOnPodCondition()
                            .endRule()
                            .build())
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).withAnnotations(annotations).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withServiceAccountName(serviceAccount)
                            .withAutomountServiceAccountToken(true)
                            .withTerminationGracePeriodSeconds(60L)
                            .withNodeSelector(worker.getNodeSelector())
                            .withTolerations(worker.getTolerations())
                            .withNewSecurityContext()
                                .withRunAsNonRoot(true)
                                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                            .endSecurityContext()
                            .addNewContainer()
                                .withName(CONTAINER)
                                .withImage(image)
                                .withImagePullPolicy(settings.imagePullPolicy())
                                .withArgs(args(migration))
                                .withEnv(env(migration))
                                .withResources(resources)
                                .withTerminationMessagePath("/dev/termination-log")
                                .withTerminationMessagePolicy("FallbackToLogsOnError")
                                .withNewSecurityContext()
                                    .withAllowPrivilegeEscalation(false)
                                    .withReadOnlyRootFilesystem(true)
                                    .withRunAsNonRoot(true)
                                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                                .endSecurityContext()
                                .addNewVolumeMount().withName(TMP_VOLUME).withMountPath("/tmp").endVolumeMount()
                            .endContainer()
                            .addNewVolume().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().endVolume()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    /**
     * Whether a Job still runs the pod the migration now asks for (image, service account, resources, placement).
     * A Job's pod template cannot change, so an outdated Job whose pod cannot start is replaced.
     */
    public static boolean runsAsDesired(Job actual, Job desired) {
        var a = actual.getSpec().getTemplate().getSpec();
        var d = desired.getSpec().getTemplate().getSpec();
        var ac = a.getContainers().get(0);
        var dc = d.getContainers().get(0);
        return java.util.Objects.equals(ac.getImage(), dc.getImage())
                && java.util.Objects.equals(a.getServiceAccountName(), d.getServiceAccountName())
                && java.util.Objects.equals(ac.getResources(), dc.getResources())
                && java.util.Objects.equals(emptyToNull(a.getNodeSelector()), emptyToNull(d.getNodeSelector()))
                && java.util.Objects.equals(emptyToNull(a.getTolerations()), emptyToNull(d.getTolerations()));
    }

    private static Object emptyToNull(Object value) {
        if (value instanceof java.util.Collection<?> c && c.isEmpty() || value instanceof Map<?, ?> m && m.isEmpty()) {
            return null;
        }
        return value;
    }

    /**
     * Database URIs from their Secrets. optional: a Secret deleted after the operator checked it must not leave the
     * pod stuck in CreateContainerConfigError; the worker then reports SecretKeyNotFound and exits 2.
     */
    static List<EnvVar> env(TableMigration migration) {
        List<EnvVar> env = new ArrayList<>();
        add(env, WorkerEnv.SOURCE_URL, migration.getSpec().getSource());
        add(env, WorkerEnv.TARGET_URL, migration.getSpec().getTarget());
        return env;
    }

    private static void add(List<EnvVar> env, String variable, DatabaseSpec db) {
        if (db == null || db.getUrlSecretRef() == null) {
            return; // an inline url is read by the worker from the spec itself
        }
        env.add(new EnvVarBuilder().withName(variable).withNewValueFrom().withNewSecretKeyRef()
                .withName(db.getUrlSecretRef().name()).withKey(db.getUrlSecretRef().key()).withOptional(true)
                .endSecretKeyRef().endValueFrom().build());
    }

    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
