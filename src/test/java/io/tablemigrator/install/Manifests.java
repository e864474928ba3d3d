package io.tablemigrator.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

/** A multi-document YAML stream (kustomize or helm output) as JSON trees, with look-ups by kind and name. */
final class Manifests {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    final List<JsonNode> documents = new ArrayList<>();

    Manifests(String yaml) {
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext();) {
                JsonNode doc = it.next();
                if (doc != null && doc.isObject() && doc.size() > 0) {
                    documents.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<JsonNode> ofKind(String kind) {
        return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return ofKind(kind).stream().filter(d -> name.equals(d.path("metadata").path("name").asText())).findFirst();
    }

    JsonNode get(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in\n" + kinds()));
    }

    String kinds() {
        return String.join("\n", documents.stream().map(d -> d.path("kind").asText() + " "
                + d.path("metadata").path("namespace").asText("") + "/" + d.path("metadata").path("name").asText()).toList());
    }

    /** The verbs a role grants on a resource (group/resource). */
    static List<String> verbs(JsonNode role, String group, String resource) {
        List<String> verbs = new ArrayList<>();
        for (JsonNode rule : role.path("rules")) {
            boolean groupMatches = false;
            for (JsonNode g : rule.path("apiGroups")) {
                groupMatches |= g.asText().equals(group);
            }
            boolean resourceMatches = false;
            for (JsonNode r : rule.path("resources")) {
                resourceMatches |= r.asText().equals(resource);
            }
            if (groupMatches && resourceMatches) {
                rule.path("verbs").forEach(v -> verbs.add(v.asText()));
            }
        }
        return verbs;
    }

    static JsonNode container(JsonNode workload, String name) {
        for (JsonNode c : workload.path("spec").path("template").path("spec").path("containers")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no container " + name);
    }

    static String env(JsonNode container, String name) {
        for (JsonNode e : container.path("env")) {
            if (name.equals(e.path("name").asText())) {
                return e.path("value").asText(null);
            }
        }
        return null;
    }

    static ObjectNode rules(JsonNode role) {
        ObjectNode copy = YAML.createObjectNode();
        copy.set("rules", role.path("rules"));
        return copy;
    }
}
