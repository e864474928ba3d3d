package io.tablemigrator.operator;

import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** What the operator's configuration adds to a spec when it builds a worker Job. */
public record WorkerSettings(String image, String imagePullPolicy, int backoffLimit, String serviceAccount,
        ResourceRequirements defaultResources) {
}
