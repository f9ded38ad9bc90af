package io.vectorsink.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Changes a store makes to a chunk the record mapper already fitted, when the index itself refuses a value
 * (a property or field typed by an earlier value): recorded in the chunk's {@code _airbyte_meta} as the
 * mapper records its own, so nothing is left out silently. Pure.
 */
public final class RowChanges {
    /** The metadata key of the row's changes: {@code {"changes":[...]}} as JSON text. */
    public static final String AIRBYTE_META = "_airbyte_meta";

    private RowChanges() {}

    /** One Airbyte {@code AirbyteRecordMessageMetaChange}: {@code {"field", "change", "reason"}}. */
    public static ObjectNode change(String field, String change, String reason) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("field", field);
        node.put("change", change);
        node.put("reason", reason);
        return node;
    }

    /** A value left out because the store could not hold it: NULLED, DESTINATION_SERIALIZATION_ERROR. */
    public static ObjectNode nulled(String field) {
        return change(field, "NULLED", "DESTINATION_SERIALIZATION_ERROR");
    }

    /** {@code meta} (the JSON text {@code {"changes": [...]}}, or null) with {@code changes} appended. */
    public static String withChanges(Object meta, List<ObjectNode> changes) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (meta instanceof String text) {
            try {
                JsonNode parsed = Json.MAPPER.readTree(text);
                if (parsed != null && parsed.isObject()) {
                    node = (ObjectNode) parsed;
                }
            } catch (JsonProcessingException e) {
                throw new SystemException("the chunk's _airbyte_meta is not JSON", e);
            }
        }
        JsonNode existing = node.path("changes");
        ArrayNode all = existing.isArray() ? (ArrayNode) existing : node.putArray("changes");
        changes.forEach(all::add);
        return node.toString();
    }

    /** {@code point} without the metadata value {@code key}, its leaving out recorded as NULLED. */
    public static ChunkPoint withoutValue(ChunkPoint point, String key) {
        return withoutValues(point, List.of(key));
    }

    /**
     * {@code point} without the metadata values of {@code keys}, each one's leaving out recorded as NULLED.
     *
     * @throws SystemException when one of {@code keys} holds a primary-key value: the caller must check
     *     {@link #holdsKey} first and fail the write instead
     */
    public static ChunkPoint withoutValues(ChunkPoint point, List<String> keys) {
        if (holdsKey(point, keys)) {
            throw new SystemException("a primary-key value was about to be left out of a chunk");
        }
        Map<String, Object> metadata = new LinkedHashMap<>(point.metadata());
        List<ObjectNode> changes = new ArrayList<>(keys.size());
        for (String key : keys) {
            metadata.remove(key);
            changes.add(nulled(key));
        }
        metadata.put(AIRBYTE_META, withChanges(point.metadata().get(AIRBYTE_META), changes));
        return new ChunkPoint(point.id(), point.vector(), point.document(), metadata, point.keyFields());
    }

    /** Whether one of {@code keys} holds a primary-key value of {@code point}, which is never left out. */
    public static boolean holdsKey(ChunkPoint point, java.util.Collection<String> keys) {
        return keys.stream().anyMatch(point.keyFields()::contains);
    }
}
