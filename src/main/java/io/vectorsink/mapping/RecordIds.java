package io.vectorsink.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.Json;
import io.vectorsink.protocol.SourceNumber;
import io.vectorsink.protocol.StreamId;
import java.math.BigDecimal;
import java.util.List;

/**
 * Record identity ({@code _ab_record_id}): the JSON array text {@code [namespace, stream, key...]}. JSON
 * quoting makes it unambiguous: stream {@code a_b} with key {@code c} and stream {@code a} with key
 * {@code b_c} can never collide, and neither can the key {@code 1} (a number) and {@code "1"} (a string).
 */
public final class RecordIds {
    private RecordIds() {}

    /**
     * Integral values are written with up to this many digits in full ({@code 100}); beyond it (and for
     * fractions) in the shortest scientific form, so that a short literal such as {@code 1e400} stays short.
     */
    private static final int PLAIN_DIGITS = 100;

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
            JsonNode value = valueAt(path, data);
            if (value == null || value.isNull()) {
                throw new ConfigException("Record on input line " + lineNumber + " of stream " + stream
                        + " has no value for primary key field '" + String.join(".", path)
                        + "'; every record of a deduplicated stream needs its primary key");
            }
            id.add(canonical(value));
        }
        try {
            // A key may hold an unpaired surrogate; escaped, the id stays exact, distinct and storable.
            return Utf8.escapeLoneSurrogates(Json.MAPPER.writeValueAsString(id));
        } catch (JsonProcessingException e) {
            throw new SystemException("Cannot encode a primary key", e);
        }
    }

    /** Whether {@code data} has a non-null value at every one of {@code keyPaths}. */
    public static boolean hasEveryValue(List<List<String>> keyPaths, JsonNode data) {
        return keyPaths.stream().allMatch(path -> {
            JsonNode value = valueAt(path, data);
            return value != null && !value.isNull();
        });
    }

    private static JsonNode valueAt(List<String> path, JsonNode data) {
        JsonNode value = data;
        for (String part : path) {
            value = value == null ? null : value.get(part);
        }
        return value;
    }

    /**
     * A key value with every number written in one form per numeric value, so that {@code 100},
     * {@code 100.0}, {@code 1E2} and {@code 1.00e+2} are the same key, however the source spells them.
     */
    static JsonNode canonical(JsonNode value) {
        if (value.isNumber()) {
            return new SourceNumber(canonicalNumber(value.decimalValue()), value.decimalValue());
        }
        if (value.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            value.properties().forEach(field -> copy.set(field.getKey(), canonical(field.getValue())));
            return copy;
        }
        if (value.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            value.forEach(element -> copy.add(canonical(element)));
            return copy;
        }
        return value;
    }

    /** {@code 100} for 100, 100.0 and 1E2; {@code 1.5}; {@code 1E+400}; {@code 0} for -0.0. */
    static String canonicalNumber(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.signum() == 0) {
            return "0";
        }
        if (stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= PLAIN_DIGITS) {
            return stripped.toBigIntegerExact().toString();
        }
        return stripped.toString();
    }
}
