package io.vectorsink.store;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One chunk as it is written to a store.
 *
 * @param id deterministic for records with a primary key (see {@link PointIds}), a UUID string
 * @param vector the embedding
 * @param document the chunk text, or null when {@code omit_raw_text} is set
 * @param metadata String, Long, Double, Boolean or List of String values, already fitted to the store's
 *     {@link MetadataRules}; insertion-ordered
 * @param keyFields the keys of {@code metadata} that hold a primary-key field's value. A store that fits a
 *     chunk to what its index takes by leaving values out ({@link RowChanges}) never leaves one of these out:
 *     the write fails instead, as Airbyte's rule is that no change is ever made on a primary key.
 */
public record ChunkPoint(
        String id, float[] vector, String document, Map<String, Object> metadata, Set<String> keyFields) {
    public ChunkPoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(vector, "vector");
        metadata = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
        keyFields = Set.copyOf(keyFields);
    }

    /** A chunk none of whose metadata holds a primary-key value. */
    public ChunkPoint(String id, float[] vector, String document, Map<String, Object> metadata) {
        this(id, vector, document, metadata, Set.of());
    }
}
