package io.vectorsink.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A message read from stdin, already checked for the fields the connector relies on. */
public sealed interface InputMessage {
    /** The 1-based line of stdin the message came from, for error messages. */
    long lineNumber();

    /** A RECORD. {@code meta} is the record's {@code meta} object or null. */
    record Record(long lineNumber, StreamId stream, ObjectNode data, long emittedAt, JsonNode meta)
            implements InputMessage {}

    /**
     * A STATE, kept as the exact text of its {@code state} object so that it is echoed back byte for byte.
     * {@code stream} is set only for STREAM states.
     */
    record State(long lineNumber, StateType type, StreamId stream, StateText raw) implements InputMessage {}

    /** A TRACE of type STREAM_STATUS. */
    record StreamStatus(long lineNumber, StreamId stream, String status) implements InputMessage {
        public boolean isComplete() {
            return "COMPLETE".equals(status);
        }
    }

    /** LOG, other TRACE types, CONTROL, or a type this version does not know: nothing to do. */
    record Ignored(long lineNumber, String type) implements InputMessage {}

    enum StateType {
        STREAM,
        GLOBAL,
        LEGACY
    }
}
