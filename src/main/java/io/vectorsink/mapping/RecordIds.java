package io.vectorsink.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.Json;
import io.vectorsink.protocol.StreamId;
import java.util.List;

/**
 * Record identity ({@code _ab_record_id}): the JSON array text {@code [namespace, stream, key...]}. JSON
 * quoting makes it unambiguous: stream {@code a_b} with key {@code c} and stream {@code a} with key
 * {@code b_c} can never collide, and neither can the key {@code 1} (a number) and {@code "1"} (a string).
 */
public final class RecordIds {
    private RecordIds() {}

    /**
     * The id of a record of {@code stream} with primary key {@code keyPaths}.
     *
     * @throws ConfigException when a key value is missing or null: such a record cannot be deduplicated
     */
    public static String of(StreamId stream, List<List<String>> keyPaths, JsonNode data, long lineNumber) {
        ArrayNode id = JsonNodeFactory.instance.arrayNode();
        id.add(stream.namespace());
        id.add(stream.name());
        for (List<String> path : keyPaths) {
            JsonNode value = data;
            for (String part : path) {
                value = value == null ? null : value.get(part);
            }
            if (value == null || value.isNull()) {
                throw new ConfigException("Record on input line " + lineNumber + " of stream " + stream
                        + " has no value for primary key field '" + String.join(".", path)
                        + "'; every record of a deduplicated stream needs its primary key");
            }
            id.add(value);
        }
        try {
            // A key may hold an unpaired surrogate; escaped, the id stays exact, distinct and storable.
            return Utf8.escapeLoneSurrogates(Json.MAPPER.writeValueAsString(id));
        } catch (JsonProcessingException e) {
            throw new SystemException("Cannot encode a primary key", e);
        }
    }
}
