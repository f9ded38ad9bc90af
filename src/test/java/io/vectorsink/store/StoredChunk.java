package io.vectorsink.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One chunk as a store holds it, read back for the contract tests: integers as Long, other numbers as
 * Double, strings, booleans; absent keys are absent.
 *
 * @param document the stored text, or null when none is stored
 */
public record StoredChunk(String id, String document, Map<String, Object> metadata) {
    public StoredChunk {
        Objects.requireNonNull(id, "id");
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Metadata from a JSON object of scalars (nested values are kept as their JSON text). */
    public static Map<String, Object> metadata(JsonNode object) {
        Map<String, Object> values = new LinkedHashMap<>();
        object.properties().forEach(field -> {
            JsonNode value = field.getValue();
            if (value.isTextual()) {
                values.put(field.getKey(), value.textValue());
            } else if (value.isBoolean()) {
                values.put(field.getKey(), value.booleanValue());
            } else if (value.isIntegralNumber() && value.canConvertToLong()) {
                values.put(field.getKey(), value.longValue());
            } else if (value.isNumber()) {
                values.put(field.getKey(), value.doubleValue());
            } else if (io.vectorsink.store.StoreJson.stringsOrNull(value) != null) {
                values.put(field.getKey(), io.vectorsink.store.StoreJson.stringsOrNull(value));
            } else if (!value.isNull()) {
                values.put(field.getKey(), value.toString());
            }
        });
        return values;
    }

    public String recordId() {
        return (String) metadata.get("_ab_record_id");
    }

    public long chunkIndex() {
        return ((Number) metadata.get("_ab_chunk_index")).longValue();
    }
}
