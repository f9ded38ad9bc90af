package io.vectorsink.pipeline;

import java.util.Map;

/**
 * A chunk that is ready to embed.
 *
 * @param text what is embedded
 * @param document what is stored as the chunk's text: {@code text}, or null when {@code omit_raw_text} is set
 */
record PendingChunk(String id, String text, String document, Map<String, Object> metadata) {}
