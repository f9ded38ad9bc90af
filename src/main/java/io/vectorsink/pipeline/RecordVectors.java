package io.vectorsink.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.error.ConfigException;
import io.vectorsink.protocol.ConfiguredStream;
import io.vectorsink.protocol.InputMessage;

/**
 * The vectors that records carry themselves ({@code embedding.mode: from_field}): each record's field must
 * hold exactly {@code dimensions} finite numbers, or the sync stops with a config_error naming the line.
 */
final class RecordVectors {
    /** A record's own vector, and the record without the field that carried it. */
    record Taken(float[] vector, InputMessage.Record rest) {}

    private final String field;
    private final int dimensions;

    RecordVectors(String field, int dimensions) {
        this.field = field;
        this.dimensions = dimensions;
    }

    /**
     * Takes the vector out of the record: it is the record's embedding, not text to embed nor metadata to
     * store.
     */
    Taken take(InputMessage.Record record, ConfiguredStream stream) {
        float[] vector = vectorOf(record, stream);
        ObjectNode data = record.data().deepCopy();
        data.remove(field);
        return new Taken(
                vector,
                new InputMessage.Record(record.lineNumber(), record.stream(), data, record.emittedAt(), record.meta()));
    }

    private float[] vectorOf(InputMessage.Record record, ConfiguredStream stream) {
        JsonNode value = record.data().get(field);
        String where = "Record on input line " + record.lineNumber() + " of stream " + stream.id() + ": field '" + field
                + "' ";
        if (value == null || !value.isArray()) {
            throw new ConfigException(where + "must hold the record's vector as a list of numbers"
                    + (value == null || value.isNull() ? ", but it is missing" : ""));
        }
        if (value.size() != dimensions) {
            throw new ConfigException(
                    where + "holds a vector of " + value.size() + " numbers; embedding.dimensions is " + dimensions);
        }
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            JsonNode number = value.get(i);
            float component = number.isNumber() ? number.floatValue() : Float.NaN;
            if (!Float.isFinite(component)) {
                throw new ConfigException(where + "has a value at position " + i + " that is not a finite number");
            }
            vector[i] = component;
        }
        return vector;
    }
}
