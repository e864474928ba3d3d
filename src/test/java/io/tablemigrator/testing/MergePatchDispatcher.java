package io.tablemigrator.testing;

import java.io.StringReader;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonValue;

/**
 * Makes the fabric8 mock API server apply JSON merge patches as a real API server does (RFC 7386: objects merged
 * member by member, arrays and scalars replaced, null removes). The mock's CRUD mode merges with Jackson's
 * readerForUpdating, which appends to arrays and stores nulls: a status list written again and again grows without
 * end there, and nowhere else. Placed in front of the mock's dispatcher, this one turns every merge patch into the
 * JSON patch (RFC 6902) that takes the stored object to the RFC 7386 result, and passes everything else on as it
 * came. Strategic merge patches and server-side apply reach the mock unchanged, and it refuses them (415): the
 * operator must not depend on them, and a test that did would fail here.
 *
 * <p>Both RFCs are jakarta.json's (Parsson, which quarkus-smallrye-health brings). Writes are taken one at a time,
 * so that no other write lands between reading the stored object and applying the patch computed from it; reads and
 * watches are not held up.
 */
public final class MergePatchDispatcher extends Dispatcher {
    static final String MERGE_PATCH = "application/merge-patch+json";
    static final String JSON_PATCH = "application/json-patch+json";

    private final Dispatcher crud;

    public MergePatchDispatcher(Dispatcher crud) {
        this.crud = crud;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (request.method() == HttpMethod.GET) {
            return crud.dispatch(request);
        }
        synchronized (this) {
            return isMergePatch(request) ? applyMergePatch(request) : crud.dispatch(request);
        }
    }

    private static boolean isMergePatch(RecordedRequest request) {
        String type = request.getHeader("Content-Type");
        return request.method() == HttpMethod.PATCH && type != null && type.startsWith(MERGE_PATCH);
    }

    private MockResponse applyMergePatch(RecordedRequest request) {
        MockResponse stored = crud.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.GET,
                objectPath(request.getPath()), request.getHeaders(), new Buffer()));
        if (stored.code() != 200) {
            return crud.dispatch(request); // answers as the mock does (404 for a missing object)
        }
        JsonValue current = read(stored.getBody().readUtf8());
        JsonValue patch = read(request.getUtf8Body());
        JsonArray operations = Json.createDiff(current.asJsonObject(),
                Json.createMergePatch(patch).apply(current).asJsonObject()).toJsonArray();
        if (operations.isEmpty()) {
            // a real API server stores nothing for a patch that changes nothing: no new resourceVersion, no event
            return stored;
        }
        return crud.dispatch(new RecordedRequest(request.getHttpVersion(), HttpMethod.PATCH, request.getPath(),
                request.getHeaders().newBuilder().removeAll("Content-Length").set("Content-Type", JSON_PATCH).build(),
                new Buffer().writeUtf8(operations.toString())));
    }

    /** The object a request is about: a subresource ({@code /status}) patches the object it belongs to. */
    static String objectPath(String requestPath) {
        int query = requestPath.indexOf('?');
        String path = query < 0 ? requestPath : requestPath.substring(0, query);
        return path.endsWith("/status") ? path.substring(0, path.length() - "/status".length()) : path;
    }

    private static JsonValue read(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readValue();
        }
    }
}
