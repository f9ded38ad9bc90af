package io.vectorsink.store.chroma;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.error.SystemException;
import io.vectorsink.store.StoreJson;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What Chroma says about a collection ({@code GET .../collections/{name}} or the create answer).
 *
 * @param id the UUID that record operations need
 * @param dimension the vector length, or null before the first insert fixes it
 * @param space the distance metric: cosine, l2 or ip
 * @param metadata the collection's metadata (scalars), empty when it has none
 */
record ChromaCollection(String id, Integer dimension, String space, Map<String, Object> metadata) {
    static ChromaCollection parse(JsonNode json) {
        String id = json.path("id").asText("");
        if (id.isEmpty()) {
            throw new SystemException("Chroma described a collection without an id");
        }
        JsonNode dimension = json.path("dimension");
        // Chroma 1.0 reports the metric in configuration_json (hnsw locally, spann in Chroma Cloud);
        // older servers kept it in the metadata. A collection created without one uses Chroma's default, l2.
        String space = firstText(
                json.path("configuration_json").path("hnsw").path("space"),
                json.path("configuration_json").path("spann").path("space"),
                json.path("metadata").path("hnsw:space"));
        return new ChromaCollection(
                id,
                dimension.isIntegralNumber() ? dimension.asInt() : null,
                space == null ? "l2" : space.toLowerCase(Locale.ROOT),
                StoreJson.metadata(json.path("metadata"), Set.of()));
    }

    private static String firstText(JsonNode... nodes) {
        for (JsonNode node : nodes) {
            if (node.isTextual()) {
                return node.asText();
            }
        }
        return null;
    }
}
