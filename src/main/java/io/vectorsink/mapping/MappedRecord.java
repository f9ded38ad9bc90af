package io.vectorsink.mapping;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * A record turned into what the pipeline writes: the text to chunk and embed, the user metadata fitted to
 * the store, and every change made on the way (upstream changes first, then ours).
 *
 * @param metadata String, Long, Double, Boolean, or List of String (a store that holds lists of strings), in
 *     field order
 * @param changes Airbyte {@code AirbyteRecordMessageMetaChange} objects
 */
public record MappedRecord(String text, Map<String, Object> metadata, List<ObjectNode> changes) {}
