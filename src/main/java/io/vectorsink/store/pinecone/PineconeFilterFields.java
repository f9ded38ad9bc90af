package io.vectorsink.store.pinecone;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.store.ChunkFields;
import java.util.ArrayList;
import java.util.List;

/**
 * The metadata fields the store filters on, and which of them an index leaves out of its metadata index.
 * Pinecone indexes every metadata field unless the index says otherwise: a serverless index with a
 * metadata {@code schema} indexes only the fields its {@code fields} mark {@code filterable: true}, a pod
 * index with {@code metadata_config.indexed} only those listed. A filter on a field left out matches
 * nothing, and a delete by such a filter still answers 200: trims and deletes would silently do nothing
 * and chunks would pile up. So such an index is refused before anything is deleted.
 */
final class PineconeFilterFields {
    /** Every field a delete or query filter of the store names. */
    static final List<String> FILTERED = List.of(
            ChunkFields.STREAM,
            ChunkFields.NAMESPACE,
            ChunkFields.RECORD_ID,
            ChunkFields.CHUNK_INDEX,
            ChunkFields.GENERATION_ID,
            ChunkFields.SYNC_ID);

    private PineconeFilterFields() {}

    /** The fields of {@link #FILTERED} that the index described by {@code description} cannot filter on. */
    static List<String> notFilterable(JsonNode description) {
        JsonNode spec = description.path("spec");
        JsonNode schema = spec.path("serverless").path("schema").path("fields");
        JsonNode indexed = spec.path("pod").path("metadata_config").path("indexed");
        List<String> missing = new ArrayList<>();
        if (schema.isObject()) {
            FILTERED.stream()
                    .filter(field -> !schema.path(field).path("filterable").asBoolean(false))
                    .forEach(missing::add);
        } else if (indexed.isArray()) {
            List<String> listed = new ArrayList<>();
            indexed.forEach(field -> listed.add(field.asText()));
            FILTERED.stream().filter(field -> !listed.contains(field)).forEach(missing::add);
        }
        return missing;
    }
}
