package io.tablemigrator.manifest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.tablemigrator.api.DatabaseSpec;
import io.tablemigrator.api.SpecValidator;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.api.TableMigrationSpec;

/**
 * Reads a TableMigration from a YAML file into the same types the operator uses. The file may hold several
 * documents (say Secrets and the TableMigration, as in a cluster); the TableMigration is picked, and a Secret in the
 * same file can serve a urlSecretRef. Every problem names its field.
 */
public final class ManifestLoader {
    private static final String API_VERSION = TableMigration.GROUP + "/" + TableMigration.VERSION;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    private ManifestLoader() {
    }

    /** A loaded manifest: the resource, and its database URLs resolved. */
    public record Manifest(TableMigration migration, String sourceUrl, String targetUrl) {
        /** namespace/name, the migration's identity (checkpoint, slot and publication names derive from it). */
        public String id() {
            String namespace = migration.getMetadata().getNamespace();
            return (namespace == null ? "default" : namespace) + "/" + migration.getMetadata().getName();
        }
    }

    public static Manifest load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ManifestError(file + ": no such file");
        } catch (IOException e) {
            throw new ManifestError(file + ": cannot read it (" + e.getMessage() + ")");
        }
        return parse(text);
    }

    public static Manifest parse(String yaml) {
        List<JsonNode> documents = documents(yaml);
        List<JsonNode> migrations = documents.stream()
                .filter(d -> "TableMigration".equals(d.path("kind").asText())).toList();
        if (migrations.isEmpty()) {
            throw new ManifestError("kind: the file holds no TableMigration (apiVersion: " + API_VERSION
                    + ", kind: TableMigration)");
        }
        if (migrations.size() > 1) {
            throw new ManifestError("kind: the file holds " + migrations.size()
                    + " TableMigrations; give one file per migration");
        }
        JsonNode node = migrations.get(0);
        if (!API_VERSION.equals(node.path("apiVersion").asText())) {
            throw new ManifestError("apiVersion: '" + node.path("apiVersion").asText() + "' is not supported; use "
                    + API_VERSION);
        }
        TableMigration migration = bind(node);
        List<String> problems = new ArrayList<>();
        if (migration.getMetadata() == null || migration.getMetadata().getName() == null
                || migration.getMetadata().getName().isBlank()) {
            problems.add("metadata.name: missing; name the migration (it names the replication slot and the checkpoint)");
        }
        problems.addAll(SpecValidator.problems(migration.getSpec()));
        if (!problems.isEmpty()) {
            throw new ManifestError(problems);
        }
        TableMigrationSpec spec = migration.getSpec();
        return new Manifest(migration, url("spec.source", spec.getSource(), documents),
                url("spec.target", spec.getTarget(), documents));
    }

    private static List<JsonNode> documents(String yaml) {
        List<JsonNode> documents = new ArrayList<>();
        try (JsonParser parser = YAML.getFactory().createParser(yaml)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    documents.add(doc);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new ManifestError("the file is not valid YAML: " + firstLine(e.getMessage()));
        }
        return documents;
    }

    private static TableMigration bind(JsonNode node) {
        try {
            return YAML.treeToValue(node, TableMigration.class);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted(Comparator.naturalOrder()).collect(Collectors.joining(", "));
            throw new ManifestError(path(e) + ": unknown field" + (known.isEmpty() ? "" : "; known fields here: " + known));
        } catch (InvalidFormatException e) {
            Class<?> type = e.getTargetType();
            if (type != null && type.isEnum()) {
                String allowed = java.util.Arrays.stream(type.getEnumConstants()).map(Object::toString)
                        .collect(Collectors.joining(", "));
                throw new ManifestError(path(e) + ": '" + e.getValue() + "' is not one of " + allowed);
            }
            throw new ManifestError(path(e) + ": '" + e.getValue() + "' is not a valid "
                    + (type == null ? "value" : type.getSimpleName().toLowerCase()));
        } catch (MismatchedInputException e) {
            throw new ManifestError(path(e) + ": wrong kind of value (" + firstLine(e.getOriginalMessage()) + ")");
        } catch (JsonProcessingException e) {
            throw new ManifestError("the TableMigration cannot be read: " + firstLine(e.getOriginalMessage()));
        }
    }

    /** The field path of a binding error, as users write it: spec.tables[0].name. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "(top level)" : path.toString();
    }

    /** The URL of one side: inline, or from a Secret document in the same file. */
    private static String url(String field, DatabaseSpec db, List<JsonNode> documents) {
        if (db.getUrl() != null) {
            return db.getUrl();
        }
        String name = db.getUrlSecretRef().name();
        String key = db.getUrlSecretRef().key();
        for (JsonNode doc : documents) {
            if ("Secret".equals(doc.path("kind").asText()) && name.equals(doc.path("metadata").path("name").asText())) {
                if (doc.path("stringData").has(key)) {
                    return doc.path("stringData").get(key).asText();
                }
                if (doc.path("data").has(key)) {
                    return new String(Base64.getDecoder().decode(doc.path("data").get(key).asText()), StandardCharsets.UTF_8);
                }
                throw new ManifestError(field + ".urlSecretRef: Secret " + name + " in this file has no key " + key);
            }
        }
        throw new ManifestError(field + ".urlSecretRef: the command line reads no Secrets from a cluster; put the URI in "
                + field + ".url, or add Secret " + name + " (with key " + key + ") to the same file");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
