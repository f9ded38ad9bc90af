package io.vectorsink.store.chroma;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One point as Chroma holds it, read back by {@link ChromaVectorStore#getAll}.
 *
 * @param id the point id
 * @param document the stored text, or null when none was stored
 * @param metadata String, Long, Double and Boolean values as Chroma returns them
 * @param vector the embedding, or null when it was not requested
 */
public record StoredPoint(String id, String document, Map<String, Object> metadata, float[] vector) {
    public StoredPoint {
        Objects.requireNonNull(id, "id");
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }
}
