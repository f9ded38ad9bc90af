package io.vectorsink.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys of a config that the spec does not know, such as a misspelt {@code metdata_fields}. The spec
 * allows additional properties (Airbyte's form never writes any, and a config saved by an older version
 * must keep working), so validation passes them by; a sync ignores them. This finds them so that
 * {@code check} can name them and {@code write} can warn, with the nearest known key as a suggestion.
 */
public final class UnknownKeys {
    private UnknownKeys() {}

    /** One sentence per unknown key, e.g. {@code processing.metdata_fields (did you mean metadata_fields?)}. */
    public static List<String> in(JsonNode config) {
        List<String> unknown = new ArrayList<>();
        collect(SpecSchema.connectionSpecification(), config, "", unknown);
        return unknown;
    }

    private static void collect(JsonNode schema, JsonNode value, String path, List<String> unknown) {
        if (value == null || value.isNull()) {
            return;
        }
        JsonNode branches = schema.get("oneOf");
        if (branches != null) {
            JsonNode branch = branchFor(branches, value);
            if (branch == null) {
                return; // a missing or unknown mode is a validation problem of its own
            }
            schema = branch;
        }
        if (value.isArray()) {
            int index = 0;
            for (JsonNode element : value) {
                collect(schema.path("items"), element, Problems.element(path, index++), unknown);
            }
            return;
        }
        if (!value.isObject() || !schema.has("properties")) {
            return;
        }
        JsonNode properties = schema.get("properties");
        for (var field : value.properties()) {
            String child = Problems.child(path, field.getKey());
            JsonNode fieldSchema = properties.get(field.getKey());
            if (fieldSchema == null) {
                unknown.add(child + nearest(field.getKey(), properties, value));
            } else {
                collect(fieldSchema, field.getValue(), child, unknown);
            }
        }
    }

    private static JsonNode branchFor(JsonNode branches, JsonNode value) {
        for (JsonNode branch : branches) {
            if (branch.at("/properties/mode/const").equals(value.path("mode"))) {
                return branch;
            }
        }
        return null;
    }

    /**
     * " (did you mean x?)" for a known key at most two edits away that the object does not already have
     * (a {@code model} next to a {@code mode} is no misspelt mode), else "".
     */
    private static String nearest(String key, JsonNode properties, JsonNode object) {
        String best = null;
        int bestDistance = 3;
        for (var known : properties.properties()) {
            if (object.has(known.getKey())) {
                continue;
            }
            int distance = distance(key.toLowerCase(java.util.Locale.ROOT), known.getKey());
            if (distance < bestDistance) {
                best = known.getKey();
                bestDistance = distance;
            }
        }
        return best == null ? "" : " (did you mean " + best + "?)";
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
