package io.tablemigrator.testing;

import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts an {@link ApiServer} for a Quarkus test and points the application's Kubernetes client at it, with the
 * settings quarkus-test-kubernetes-client uses for its own mock server (no kubeconfig, no service account token,
 * namespace {@code test}). Used through {@link WithApiServer}.
 */
public final class ApiServerTestResource implements QuarkusTestResourceLifecycleManager {
    private ApiServer server;

    @Override
    public Map<String, String> start() {
        server = ApiServer.start();
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kubernetes.master", server.client().getConfiguration().getMasterUrl());
        config.put("kubernetes.trust.certificates", "true");
        config.put("kubernetes.auth.tryKubeConfig", "false");
        config.put("kubernetes.auth.tryServiceAccount", "false");
        config.put("kubernetes.namespace", "test");
        // the fabric8 client reads these from system properties, not from Quarkus' configuration
        config.forEach(System::setProperty);
        return config;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
