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
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Milvus boolean filter expressions on the connector's metadata fields, named through the collection's
 * {@link MilvusLayout} (a dynamic field {@code _ab_stream}, or {@code metadata["_ab_stream"]} in a JSON
 * field). Only one form is produced: clauses joined by {@code and}, each {@code field == "s"},
 * {@code field != "s"}, {@code field < n}, {@code field >= n} or {@code field in ["a", "b"]}, with strings as
 * JSON string literals (Milvus reads the same escapes), so record ids with quotes or backslashes cannot break
 * out of a literal.
 */
final class MilvusFilters {
    private final MilvusLayout layout;

    MilvusFilters(MilvusLayout layout) {
        this.layout = layout;
    }

    /** The chunks of {@code stream}: both name and namespace, so {@code a_b} is never {@code a} + {@code b}. */
    String stream(StreamId stream) {
        return layout.path(STREAM) + " == " + literal(stream.airbyteName()) + " and " + layout.path(NAMESPACE) + " == "
                + literal(stream.namespaceOrEmpty());
    }

    String stale(StreamId stream, StaleFilter filter) {
        if (filter instanceof StaleFilter.OlderGeneration older) {
            return stream(stream) + " and " + layout.path(GENERATION_ID) + " < " + older.minimumGenerationId();
        }
        if (filter instanceof StaleFilter.OtherSync other) {
            return stream(stream) + " and " + layout.path(SYNC_ID) + " != " + literal(other.syncId());
        }
        throw new SystemException("unknown stale filter " + filter.getClass().getName());
    }

    String trim(Collection<String> recordIds, int fromChunkIndex) {
        String records = records(recordIds);
        return fromChunkIndex > 0 ? records + " and " + layout.path(CHUNK_INDEX) + " >= " + fromChunkIndex : records;
    }

    /** The chunks of these records in {@code stream}. */
    String records(StreamId stream, Collection<String> recordIds) {
        return stream(stream) + " and " + records(recordIds);
    }

    private String records(Collection<String> recordIds) {
        return layout.path(RECORD_ID) + " in "
                + recordIds.stream().map(MilvusFilters::literal).collect(Collectors.joining(", ", "[", "]"));
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
