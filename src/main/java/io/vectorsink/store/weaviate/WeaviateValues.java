package io.vectorsink.store.weaviate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.error.ConfigException;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.RowChanges;
import io.vectorsink.store.StoreJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A chunk's metadata as Weaviate properties, and back. Weaviate types a property once, so a value of
 * another type must be fitted to it ({@link WeaviateJson#fit}) or, when that would lose something, left out
 * and recorded on the object as a NULLED change in {@code _airbyte_meta}, as Airbyte destinations report
 * values they could not store. Pure: no I/O, no state.
 */
final class WeaviateValues {
    private WeaviateValues() {}

    /**
     * The properties of {@code point} in the class's {@code types} (property name to Weaviate type); a value
     * that does not fit its property is left out and recorded as a NULLED change in {@code _airbyte_meta}.
     */
    static Map<String, Object> fitted(WeaviateSchema.ClassState state, ChunkPoint point, String textProperty) {
        Map<String, String> types = state.types();
        Map<String, Object> properties = new LinkedHashMap<>();
        List<ObjectNode> changes = new ArrayList<>();
        for (Map.Entry<String, Object> entry : point.metadata().entrySet()) {
            if (entry.getValue() == null || entry.getKey().equals(WeaviateJson.AIRBYTE_META)) {
                continue;
            }
            String name = state.property(entry.getKey(), textProperty);
            Optional<Object> value = WeaviateJson.fit(types.getOrDefault(name, ""), entry.getValue());
            if (value.isPresent()) {
                properties.put(name, value.get());
            } else if (point.keyFields().contains(entry.getKey())) {
                // No change is ever made on a primary key: the write fails instead, naming the field.
                throw new ConfigException("The primary key field '" + entry.getKey() + "' of chunk " + point.id()
                        + " holds a value that Weaviate's property " + name + " (of type "
                        + types.getOrDefault(name, "") + ", set by an earlier value) cannot hold; write this stream"
                        + " to another class or leave the field out of processing.metadata_fields");
            } else {
                changes.add(RowChanges.nulled(entry.getKey()));
            }
        }
        if (point.document() != null) {
            properties.put(textProperty, point.document());
        }
        Object meta = point.metadata().get(WeaviateJson.AIRBYTE_META);
        if (!changes.isEmpty()) {
            meta = RowChanges.withChanges(meta, changes);
        }
        if (meta != null) {
            properties.put(WeaviateJson.AIRBYTE_META, meta.toString());
        }
        return properties;
    }

    /**
     * The metadata of an object a GraphQL {@code Get} returned: its properties as Java values, without the
     * chunk text, {@code _additional} and nulls (Weaviate answers null for a property the object lacks).
     */
    static Map<String, Object> metadata(JsonNode object, String textProperty) {
        return StoreJson.metadata(object, Set.of("_additional", textProperty));
    }
}
