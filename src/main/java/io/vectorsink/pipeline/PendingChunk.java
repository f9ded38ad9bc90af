package io.vectorsink.pipeline;

import io.vectorsink.chunking.Chunk;
import java.util.Map;
import java.util.Set;

/**
 * A chunk that is ready to embed.
 *
 * @param chunk what is embedded, with the tokens the chunker measured it by (so the model need not tokenize it
 *     again)
 * @param document what is stored as the chunk's text: the chunk's text, or null when {@code omit_raw_text} is set
 * @param vector the vector when the record brought its own ({@code from_field}), null when it is to be embedded
 * @param chunkHash its {@code _ab_chunk_hash} (also in {@code metadata}), or null when it has none
 * @param keyFields the metadata keys that hold primary-key values ({@link io.vectorsink.store.ChunkPoint#keyFields()})
 */
record PendingChunk(
        String id,
        Chunk chunk,
        String document,
        Map<String, Object> metadata,
        float[] vector,
        String chunkHash,
        Set<String> keyFields) {
    PendingChunk(String id, String text, String document, Map<String, Object> metadata) {
        this(id, Chunk.unmeasured(text), document, metadata, null, null, Set.of());
    }

    /** What is embedded. */
    String text() {
        return chunk.text();
    }
}
