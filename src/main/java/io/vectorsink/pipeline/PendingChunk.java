package io.vectorsink.pipeline;

import java.util.Map;

/**
 * A chunk that is ready to embed.
 *
 * @param text what is embedded
 * @param document what is stored as the chunk's text: {@code text}, or null when {@code omit_raw_text} is set
 * @param vector the vector when the record brought its own ({@code from_field}), null when it is to be embedded
 */
record PendingChunk(String id, String text, String document, Map<String, Object> metadata, float[] vector) {
    PendingChunk(String id, String text, String document, Map<String, Object> metadata) {
        this(id, text, document, metadata, null);
    }
}
