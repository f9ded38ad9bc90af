package io.vectorsink.store.pinecone;

import static io.vectorsink.store.ChunkFields.CHUNK_INDEX;
import static io.vectorsink.store.ChunkFields.GENERATION_ID;
import static io.vectorsink.store.ChunkFields.NAMESPACE;
import static io.vectorsink.store.ChunkFields.RECORD_ID;
import static io.vectorsink.store.ChunkFields.STREAM;
import static io.vectorsink.store.ChunkFields.SYNC_ID;
import static io.vectorsink.store.ChunkFields.TEXT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.StoreJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pinecone request bodies and metadata filters (MongoDB-like: {@code $eq}, {@code $in}, {@code $gte}, ...).
 * The chunk text is metadata under {@code text}, as LangChain's and Airbyte's Pinecone integrations store it.
 */
final class PineconeJson {

    /** Pinecone keeps numbers as 64-bit floats: integers beyond 2^53 would lose digits, so they go as text. */
    static final long EXACT_INTEGER = 1L << 53;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PineconeJson() {}

    /** One vector of an upsert: the prefixed id, the values, the metadata and the chunk text under {@code textKey}. */
    static ObjectNode vector(ChunkPoint point, String textKey) {
        ObjectNode vector = NODES.objectNode();
        vector.put("id", vectorId(point));
        ArrayNode values = vector.putArray("values");
        for (float value : point.vector()) {
            if (!Float.isFinite(value)) {
                throw new SystemException(
                        "the vector of chunk " + point.id() + " holds a value that is not a finite number");
            }
            values.add(value);
        }
        ObjectNode metadata = vector.putObject("metadata");
        for (Map.Entry<String, Object> entry : point.metadata().entrySet()) {
            if (point.document() != null && entry.getKey().equals(textKey)) {
                continue; // the chunk text wins, as in every store; the record's text is in its chunks
            }
            putScalar(metadata, entry.getKey(), entry.getValue());
        }
        if (point.document() != null) {
            metadata.put(textKey, point.document());
        }
        return vector;
    }

    /** The Pinecone id of {@code point}: see {@link PineconeIds}. */
    static String vectorId(ChunkPoint point) {
        Object record = point.metadata().get(RECORD_ID);
        Object index = point.metadata().get(CHUNK_INDEX);
        if (!(record instanceof String recordId) || !(index instanceof Number chunkIndex)) {
            throw new SystemException("a chunk for Pinecone lacks " + RECORD_ID + " or " + CHUNK_INDEX);
        }
        return PineconeIds.vectorId(recordId, chunkIndex.longValue(), point.id());
    }

    /** {@code POST /vectors/upsert}. */
    static byte[] upsert(List<ObjectNode> vectors, String namespace) {
        ObjectNode body = NODES.objectNode();
        body.putArray("vectors").addAll(vectors);
        body.put("namespace", namespace);
        return write(body);
    }

    /** These values as a metadata object, each kept as {@link #vector} keeps it. */
    static ObjectNode metadataObject(Map<String, Object> values) {
        ObjectNode metadata = NODES.objectNode();
        values.forEach((key, value) -> putScalar(metadata, key, value));
        return metadata;
    }

    private static void putScalar(ObjectNode metadata, String key, Object value) {
        if (value == null) {
            return; // Pinecone refuses null values; an absent key is what null means there
        }
        if (value instanceof String s) {
            metadata.put(key, s);
        } else if (value instanceof Boolean b) {
            metadata.put(key, b);
        } else if (value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte) {
            long l = ((Number) value).longValue();
            if (Math.abs((double) l) > EXACT_INTEGER) {
                metadata.put(key, Long.toString(l));
            } else {
                metadata.put(key, l);
            }
        } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw new SystemException("metadata '" + key + "' is not a finite number");
            }
            metadata.put(key, d);
        } else if (value instanceof BigInteger big) {
            metadata.put(key, big.toString());
        } else if (value instanceof List<?> list) {
            metadata.set(key, StoreJson.stringList(key, list));
        } else {
            throw new SystemException("metadata '" + key + "' has type "
                    + value.getClass().getSimpleName() + "; only strings, numbers and booleans are stored");
        }
    }

    static ObjectNode eq(String key, String value) {
        ObjectNode condition = NODES.objectNode();
        condition.putObject(key).put("$eq", value);
        return condition;
    }

    /** The filter that selects {@code stream}. */
    static ObjectNode streamFilter(StreamId stream) {
        ObjectNode filter = NODES.objectNode();
        ArrayNode and = filter.putArray("$and");
        and.add(eq(STREAM, stream.airbyteName()));
        and.add(eq(NAMESPACE, stream.namespaceOrEmpty()));
        return filter;
    }

    /** The filter for the chunks of {@code stream} that {@code filter} calls stale. */
    static ObjectNode staleFilter(StreamId stream, StaleFilter filter) {
        ObjectNode where = streamFilter(stream);
        ArrayNode and = (ArrayNode) where.get("$and");
        if (filter instanceof StaleFilter.OlderGeneration older) {
            ObjectNode condition = and.addObject();
            condition.putObject(GENERATION_ID).put("$lt", older.minimumGenerationId());
        } else if (filter instanceof StaleFilter.OtherSync other) {
            ObjectNode condition = and.addObject();
            condition.putObject(SYNC_ID).put("$ne", other.syncId());
        } else {
            throw new SystemException(
                    "unknown stale filter " + filter.getClass().getName());
        }
        return where;
    }

    /** Whether {@code metadata} (as Pinecone returns it) matches the stale filter, for the list fallback. */
    static boolean isStale(JsonNode metadata, StreamId stream, StaleFilter filter) {
        if (!stream.airbyteName().equals(metadata.path(STREAM).asText(null))
                || !stream.namespaceOrEmpty().equals(metadata.path(NAMESPACE).asText(null))) {
            return false;
        }
        if (filter instanceof StaleFilter.OlderGeneration older) {
            JsonNode generation = metadata.path(GENERATION_ID);
            return generation.isNumber() && generation.asDouble() < older.minimumGenerationId();
        }
        StaleFilter.OtherSync other = (StaleFilter.OtherSync) filter;
        return !other.syncId().equals(metadata.path(SYNC_ID).asText(null));
    }

    /** The filter for these records' chunks from {@code fromChunkIndex} on. */
    static ObjectNode trimFilter(List<String> recordIds, int fromChunkIndex) {
        ObjectNode filter = NODES.objectNode();
        ArrayNode and = filter.putArray("$and");
        ArrayNode in = and.addObject().putObject(RECORD_ID).putArray("$in");
        recordIds.forEach(in::add);
        if (fromChunkIndex > 0) {
            and.addObject().putObject(CHUNK_INDEX).put("$gte", fromChunkIndex);
        }
        return filter;
    }

    /** {@code POST /vectors/delete} by filter. */
    static byte[] deleteByFilter(ObjectNode filter, String namespace) {
        ObjectNode body = NODES.objectNode();
        body.set("filter", filter);
        body.put("namespace", namespace);
        return write(body);
    }

    /** {@code POST /vectors/delete} by ids. */
    static byte[] deleteByIds(List<String> ids, String namespace) {
        ObjectNode body = NODES.objectNode();
        ArrayNode array = body.putArray("ids");
        ids.forEach(array::add);
        body.put("namespace", namespace);
        return write(body);
    }

    /** {@code POST /query}, filtered to {@code stream} when it is not null. */
    static byte[] query(float[] vector, int limit, StreamId stream, String namespace) {
        ObjectNode body = NODES.objectNode();
        ArrayNode values = body.putArray("vector");
        for (float value : vector) {
            values.add(value);
        }
        body.put("topK", limit);
        body.put("includeMetadata", true);
        body.put("includeValues", false);
        body.put("namespace", namespace);
        if (stream != null) {
            body.set("filter", streamFilter(stream));
        }
        return write(body);
    }

    /**
     * Metadata as the store hands them out: Pinecone returns every number as a float, so whole numbers
     * within 2^53 become Long again (the connector's own fields are all integers); the text is left out.
     */
    static Map<String, Object> metadata(JsonNode metadata) {
        return metadata(metadata, TEXT);
    }

    /** {@link #metadata(JsonNode)} for chunks whose text is under {@code textKey}. */
    static Map<String, Object> metadata(JsonNode metadata, String textKey) {
        Map<String, Object> values = new LinkedHashMap<>();
        metadata.properties().forEach(field -> {
            JsonNode value = field.getValue();
            if (field.getKey().equals(textKey)) {
                return;
            }
            if (value.isTextual()) {
                values.put(field.getKey(), value.textValue());
            } else if (value.isBoolean()) {
                values.put(field.getKey(), value.booleanValue());
            } else if (value.isNumber()) {
                double d = value.asDouble();
                boolean whole = d == Math.rint(d) && Math.abs(d) <= EXACT_INTEGER;
                if (whole) {
                    values.put(field.getKey(), (long) d);
                } else {
                    values.put(field.getKey(), d);
                }
            } else if (StoreJson.stringsOrNull(value) != null) {
                values.put(field.getKey(), StoreJson.stringsOrNull(value));
            } else if (!value.isNull()) {
                values.put(field.getKey(), value.toString());
            }
        });
        return values;
    }

    static byte[] write(ObjectNode node) {
        return StoreJson.write(node, "a Pinecone request body");
    }
}
