package io.tablemigrator.operator;

import java.util.Map;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The operator's settings for worker Jobs. The worker image defaults to the operator's own: configured
 * (tablemigrator.worker.image), else read once from the operator's pod (env POD_NAME and POD_NAMESPACE from the
 * downward API), so that {@code kustomize edit set image} or a Helm value changes both at once.
 */
@ApplicationScoped
public class WorkerSettingsProvider {
    private static final Logger LOG = Logger.getLogger(WorkerSettingsProvider.class);

    @Inject
    OperatorConfig config;

    @Inject
    KubernetesClient client;

    private volatile WorkerSettings settings;

    public WorkerSettings get() {
        WorkerSettings s = settings;
        if (s == null) {
            synchronized (this) {
                if (settings == null) {
                    OperatorConfig.Worker w = config.worker();
                    settings = new WorkerSettings(image(), w.imagePullPolicy(), w.backoffLimit(), w.serviceAccount(),
                            new ResourceRequirementsBuilder()
                                    .withRequests(Map.of("cpu", new Quantity(w.cpuRequest()), "memory", new Quantity(w.memoryRequest())))
                                    .withLimits(Map.of("memory", new Quantity(w.memoryLimit())))
                                    .build());
                }
                s = settings;
            }
        }
        return s;
    }

    private String image() {
        if (config.worker().image().filter(i -> !i.isBlank()).isPresent()) {
            return config.worker().image().get();
        }
        String pod = System.getenv("POD_NAME");
        String namespace = System.getenv("POD_NAMESPACE");
        if (pod != null && namespace != null) {
            try {
                Pod self = client.pods().inNamespace(namespace).withName(pod).get();
                if (self != null) {
                    return self.getSpec().getContainers().get(0).getImage();
                }
            } catch (KubernetesClientException e) {
                LOG.warnf("Cannot read this operator's pod %s/%s to find its image (%s); worker Jobs use %s. "
                        + "Set TABLEMIGRATOR_WORKER_IMAGE to choose.", namespace, pod, e.getMessage(),
                        config.worker().fallbackImage());
            }
        }
        LOG.warnf("Worker Jobs use image %s: set TABLEMIGRATOR_WORKER_IMAGE, or run the operator in a pod with env"
                + " POD_NAME and POD_NAMESPACE so that it can read its own image.", config.worker().fallbackImage());
        return config.worker().fallbackImage();
    }
}
