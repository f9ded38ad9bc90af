package io.vectorsink.store.qdrant;

import static io.vectorsink.store.ChunkFields.CHUNK_INDEX;
import static io.vectorsink.store.ChunkFields.GENERATION_ID;
import static io.vectorsink.store.ChunkFields.NAMESPACE;
import static io.vectorsink.store.ChunkFields.RECORD_ID;
import static io.vectorsink.store.ChunkFields.STREAM;
import static io.vectorsink.store.ChunkFields.SYNC_ID;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.Json;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.StoreJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Qdrant request bodies and filters. A chunk is a point with the unnamed vector and a payload laid out as
 * {@link QdrantLayout} says: flat (the metadata and, under the text key, the chunk text; Airbyte's Qdrant
 * destination's layout) or nested (LangChain's: the text and a metadata object). Every field a filter or index
 * names goes through {@link QdrantLayout#path}.
 */
final class QdrantJson {

    /** The connector fields the store filters on, with the Qdrant field schemas of their payload indexes. */
    static final Map<String, String> PAYLOAD_INDEXES = payloadIndexes();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private QdrantJson() {}

    private static Map<String, String> payloadIndexes() {
        Map<String, String> indexes = new LinkedHashMap<>();
        indexes.put(STREAM, "keyword");
        indexes.put(NAMESPACE, "keyword");
        indexes.put(RECORD_ID, "keyword");
        indexes.put(SYNC_ID, "keyword");
        indexes.put(GENERATION_ID, "integer");
        indexes.put(CHUNK_INDEX, "integer");
        return indexes;
    }

    /** {@code PUT /collections/{c}}: one unnamed vector of {@code size} with {@code distance}. */
    static byte[] createCollection(int size, String distance, Map<String, Object> metadata) {
        ObjectNode body = NODES.objectNode();
        body.putObject("vectors").put("size", size).put("distance", distance);
        if (!metadata.isEmpty()) {
            body.set("metadata", Json.MAPPER.valueToTree(metadata));
        }
        return write(body);
    }

    /** {@code PATCH /collections/{c}} that merges {@code metadata} into the collection's metadata. */
    static byte[] updateMetadata(Map<String, Object> metadata) {
        ObjectNode body = NODES.objectNode();
        body.set("metadata", Json.MAPPER.valueToTree(metadata));
        return write(body);
    }

    /** {@code PUT /collections/{c}/index}: a payload index on {@code field}. */
    static byte[] createPayloadIndex(String field, String schema) {
        ObjectNode body = NODES.objectNode();
        body.put("field_name", field);
        body.put("field_schema", schema);
        return write(body);
    }

    /**
     * {@code PUT /collections/{c}/points} with the points' vectors and payloads. A metadata key {@code text}
     * gives way to the chunk text when there is one (see {@link QdrantVectorStore}).
     */
    static byte[] upsert(List<ChunkPoint> points, QdrantLayout layout) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
            gen.writeStartObject();
            gen.writeArrayFieldStart("points");
            for (ChunkPoint point : points) {
                gen.writeStartObject();
                gen.writeStringField("id", point.id());
                gen.writeArrayFieldStart("vector");
                for (float value : point.vector()) {
                    if (!Float.isFinite(value)) {
                        throw new SystemException(
                                "the vector of chunk " + point.id() + " holds a value that is not a finite number");
                    }
                    gen.writeNumber(value);
                }
                gen.writeEndArray();
                gen.writeObjectFieldStart("payload");
                if (layout.nested()) {
                    gen.writeObjectFieldStart(layout.metadataKey());
                }
                for (Map.Entry<String, Object> entry : point.metadata().entrySet()) {
                    if (!layout.nested()
                            && point.document() != null
                            && entry.getKey().equals(layout.textKey())) {
                        continue;
                    }
                    gen.writeFieldName(entry.getKey());
                    writeScalar(gen, entry.getKey(), entry.getValue());
                }
                if (layout.nested()) {
                    gen.writeEndObject();
                }
                if (point.document() != null) {
                    gen.writeStringField(layout.textKey(), point.document());
                }
                gen.writeEndObject();
                gen.writeEndObject();
            }
            gen.writeEndArray();
            gen.writeEndObject();
        } catch (IOException e) {
            throw new SystemException("could not write a Qdrant upsert body", e);
        }
        return out.toByteArray();
    }

    private static void writeScalar(JsonGenerator gen, String key, Object value) throws IOException {
        StoreJson.writeScalar(gen, key, value, "only strings, integers, floats and booleans are stored");
    }

    static ObjectNode match(String key, String value) {
        ObjectNode condition = NODES.objectNode();
        condition.put("key", key);
        condition.putObject("match").put("value", value);
        return condition;
    }

    /** The conditions that select {@code stream}: {@code _ab_stream} and {@code _ab_namespace} both match. */
    static ArrayNode streamConditions(StreamId stream, QdrantLayout layout) {
        ArrayNode must = NODES.arrayNode();
        must.add(match(layout.path(STREAM), stream.airbyteName()));
        must.add(match(layout.path(NAMESPACE), stream.namespaceOrEmpty()));
        return must;
    }

    /** {@code {"filter": ...}} for the chunks of {@code stream} that {@code filter} calls stale. */
    static byte[] staleDelete(StreamId stream, StaleFilter filter, QdrantLayout layout) {
        ObjectNode body = NODES.objectNode();
        ObjectNode where = body.putObject("filter");
        ArrayNode must = streamConditions(stream, layout);
        where.set("must", must);
        if (filter instanceof StaleFilter.OlderGeneration older) {
            ObjectNode range = must.addObject();
            range.put("key", layout.path(GENERATION_ID));
            range.putObject("range").put("lt", older.minimumGenerationId());
        } else if (filter instanceof StaleFilter.OtherSync other) {
            // must_not also matches points without the key: chunks some other writer left are stale too.
            where.putArray("must_not").add(match(layout.path(SYNC_ID), other.syncId()));
        } else {
            throw new SystemException(
                    "unknown stale filter " + filter.getClass().getName());
        }
        return write(body);
    }

    /** {@code {"filter": ...}} for the chunks of these records from {@code fromChunkIndex} on. */
    static byte[] trimDelete(List<String> recordIds, int fromChunkIndex, QdrantLayout layout) {
        ObjectNode body = NODES.objectNode();
        ArrayNode must = body.putObject("filter").putArray("must");
        must.add(anyRecord(recordIds, layout));
        if (fromChunkIndex > 0) {
            ObjectNode range = must.addObject();
            range.put("key", layout.path(CHUNK_INDEX));
            range.putObject("range").put("gte", fromChunkIndex);
        }
        return write(body);
    }

    /** {@code POST /collections/{c}/points/query}, nearest to {@code vector}, filtered to {@code stream} when it is not null. */
    static byte[] query(float[] vector, int limit, StreamId stream, QdrantLayout layout) {
        ObjectNode body = NODES.objectNode();
        ArrayNode values = body.putArray("query");
        for (float value : vector) {
            values.add(value);
        }
        body.put("limit", limit);
        body.put("with_payload", true);
        if (stream != null) {
            body.putObject("filter").set("must", streamConditions(stream, layout));
        }
        return write(body);
    }

    /** The condition that selects the chunks of these records: {@code match.any} on the record id. */
    static ObjectNode anyRecord(java.util.Collection<String> recordIds, QdrantLayout layout) {
        ObjectNode records = NODES.objectNode();
        records.put("key", layout.path(RECORD_ID));
        ArrayNode any = records.putObject("match").putArray("any");
        recordIds.forEach(any::add);
        return records;
    }

    static byte[] write(ObjectNode node) {
        return StoreJson.write(node, "a Qdrant request body");
    }
}
