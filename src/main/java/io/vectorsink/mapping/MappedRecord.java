package io.vectorsink.mapping;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A record turned into what the pipeline writes: the text to chunk and embed, the user metadata fitted to
 * the store, and every change made on the way (upstream changes first, then ours).
 *
 * @param metadata String, Long, Double, Boolean, or List of String (a store that holds lists of strings), in
 *     field order
 * @param changes Airbyte {@code AirbyteRecordMessageMetaChange} objects
 * @param keyFields the keys of {@code metadata} that hold a primary-key field's value: a store never leaves
 *     one out to fit the chunk (it fails the write instead)
 */
public record MappedRecord(String text, Map<String, Object> metadata, List<ObjectNode> changes, Set<String> keyFields) {
    public MappedRecord {
        keyFields = Set.copyOf(keyFields);
    }
}
