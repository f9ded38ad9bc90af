package io.vectorsink.store.milvus;

import static io.vectorsink.store.ChunkFields.CHUNK_INDEX;
import static io.vectorsink.store.ChunkFields.GENERATION_ID;
import static io.vectorsink.store.ChunkFields.NAMESPACE;
import static io.vectorsink.store.ChunkFields.RECORD_ID;
import static io.vectorsink.store.ChunkFields.STREAM;
import static io.vectorsink.store.ChunkFields.SYNC_ID;

import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.StaleFilter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Milvus boolean filter expressions on the connector's dynamic fields. Only one form is produced: clauses
 * joined by {@code and}, each {@code field == "s"}, {@code field != "s"}, {@code field < n},
 * {@code field >= n} or {@code field in ["a", "b"]}, with strings as JSON string literals (Milvus reads the
 * same escapes), so record ids with quotes or backslashes cannot break out of a literal.
 */
final class MilvusFilters {

    private MilvusFilters() {}

    /** The chunks of {@code stream}: both name and namespace, so {@code a_b} is never {@code a} + {@code b}. */
    static String stream(StreamId stream) {
        return STREAM + " == " + literal(stream.airbyteName()) + " and " + NAMESPACE + " == "
                + literal(stream.namespaceOrEmpty());
    }

    static String stale(StreamId stream, StaleFilter filter) {
        if (filter instanceof StaleFilter.OlderGeneration older) {
            return stream(stream) + " and " + GENERATION_ID + " < " + older.minimumGenerationId();
        }
        if (filter instanceof StaleFilter.OtherSync other) {
            return stream(stream) + " and " + SYNC_ID + " != " + literal(other.syncId());
        }
        throw new SystemException("unknown stale filter " + filter.getClass().getName());
    }

    static String trim(List<String> recordIds, int fromChunkIndex) {
        String records = RECORD_ID + " in "
                + recordIds.stream().map(MilvusFilters::literal).collect(Collectors.joining(", ", "[", "]"));
        return fromChunkIndex > 0 ? records + " and " + CHUNK_INDEX + " >= " + fromChunkIndex : records;
    }

    /** A double-quoted string literal with JSON escapes. */
    static String literal(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
