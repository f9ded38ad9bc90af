package io.vectorsink.store;

import java.util.Map;
import java.util.Objects;

/**
 * One chunk as it is written to a store.
 *
 * @param id deterministic for records with a primary key (see {@link PointIds}), a UUID string
 * @param vector the embedding
 * @param document the chunk text, or null when {@code omit_raw_text} is set
 * @param metadata String, Long, Double, Boolean or List of String values, already fitted to the store's
 *     {@link MetadataRules}; insertion-ordered
 */
public record ChunkPoint(String id, float[] vector, String document, Map<String, Object> metadata) {
    public ChunkPoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(vector, "vector");
        metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
    }
}
