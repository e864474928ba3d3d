package io.tablemigrator.operator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.tablemigrator.api.TableMigrationSpec;

/**
 * The part of a spec that names what a migration is (source, target, mode, tables, targetSuffix). The CRD's CEL
 * rules refuse changes to it; as a second line, for API servers that do not run CEL, the operator records it in an
 * annotation when it first sees the migration, and the operator and the worker refuse to act on a spec whose
 * identity differs from the recorded one.
 */
public final class SpecIdentity {
    public static final String ANNOTATION = "tablemigrator.io/spec-identity";
    static final List<String> FIELDS = List.of("source", "target", "mode", "tables", "targetSuffix");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SpecIdentity() {
    }

    /**
     * The identity for the annotation: each field as a digest of its JSON, so that an inline URL's password is not
     * copied into another place, while a change can still be told field by field.
     */
    public static String of(TableMigrationSpec spec) {
        JsonNode whole = MAPPER.valueToTree(spec);
        Map<String, String> picked = new LinkedHashMap<>();
        for (String field : FIELDS) {
            picked.put(field, digest(whole.get(field)));
        }
        try {
            return MAPPER.writeValueAsString(picked);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String digest(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            byte[] canonical = MAPPER.writeValueAsBytes(MAPPER.treeToValue(value, Object.class));
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(canonical);
            return java.util.HexFormat.of().formatHex(hash, 0, 12);
        } catch (JsonProcessingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The spec fields (as "spec.tables") that differ from a recorded identity; empty when nothing was recorded
     * or the recording cannot be read (it is then recorded again).
     */
    public static List<String> changedFields(String recorded, TableMigrationSpec spec) {
        List<String> changed = new ArrayList<>();
        if (recorded == null || recorded.isBlank() || spec == null) {
            return changed;
        }
        JsonNode before;
        try {
            before = MAPPER.readTree(recorded);
        } catch (JsonProcessingException e) {
            return changed;
        }
        if (!(before instanceof ObjectNode)) {
            return changed;
        }
        JsonNode now = MAPPER.valueToTree(spec);
        for (Iterator<String> names = before.fieldNames(); names.hasNext();) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                continue;
            }
            JsonNode recordedDigest = before.get(field);
            String was = recordedDigest == null || recordedDigest.isNull() ? null : recordedDigest.asText();
            if (!java.util.Objects.equals(was, digest(now.get(field)))) {
                changed.add("spec." + field);
            }
        }
        return changed;
    }

    /** The sentence for a refused change. */
    public static String refusal(List<String> fields) {
        return String.join(", ", fields) + (fields.size() == 1 ? " was" : " were")
                + " changed after the migration started, which is not supported: restore the original value"
                + " (kubectl apply the manifest the migration was created from), or delete this TableMigration and"
                + " create a new one.";
    }
}
