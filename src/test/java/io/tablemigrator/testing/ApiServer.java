package io.tablemigrator.testing;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;

/**
 * The API server every operator and worker test talks to: the fabric8 mock in CRUD mode (objects stored, watches,
 * the status subresource of installed CRDs), with merge patches applied as a real API server applies them
 * ({@link MergePatchDispatcher}). Quarkus tests get it through {@link WithApiServer}; plain tests start one.
 */
public final class ApiServer implements AutoCloseable {
    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;

    private ApiServer(KubernetesMockServer server) {
        this.server = server;
        this.client = server.createClient();
    }

    public static ApiServer start() {
        Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), expectations,
                new MergePatchDispatcher(new KubernetesMixedDispatcher(expectations)), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return new ApiServer(server);
    }

    public NamespacedKubernetesClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
