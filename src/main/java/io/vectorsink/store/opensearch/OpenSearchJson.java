package io.vectorsink.store.opensearch;

import static io.vectorsink.store.ChunkFields.CHUNK_COUNT;
import static io.vectorsink.store.ChunkFields.CHUNK_INDEX;
import static io.vectorsink.store.ChunkFields.EXTRACTED_AT;
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
import io.vectorsink.store.DistanceMetric;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.StoreJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The documents, mappings and queries vectorsink sends to OpenSearch or Elasticsearch. A chunk is one
 * document: {@code {"vector": [...], "text": "...", "metadata": {...}}}; the vector and text fields'
 * names are configurable ({@code indexing.vector_field}, {@code indexing.text_field}), and docs/reading.md
 * says which reader takes which.
 */
final class OpenSearchJson {
    /**
     * The vector field of an index vectorsink creates when {@code indexing.vector_field} is not set: the name
     * LangChain4j reads on both engines (it cannot be told another) and LangChain's Elasticsearch store's
     * default; the readers that default to another name take it as a setting (docs/reading.md).
     */
    static final String VECTOR_FIELD = "vector";

    static final String METADATA = "metadata";

    /** The row's changes, as the record mapper and {@link io.vectorsink.store.RowChanges} write them. */
    static final String AIRBYTE_META = io.vectorsink.store.RowChanges.AIRBYTE_META;

    /** The connector's own fields and the types its filters need: exact terms and numeric ranges. */
    static final Map<String, String> FIELD_TYPES = Map.of(
            STREAM,
            "keyword",
            NAMESPACE,
            "keyword",
            RECORD_ID,
            "keyword",
            SYNC_ID,
            "keyword",
            CHUNK_INDEX,
            "long",
            CHUNK_COUNT,
            "long",
            GENERATION_ID,
            "long",
            EXTRACTED_AT,
            "long");

    /**
     * Strings in a keyword field longer than this are kept in the document but not indexed (Lucene refuses
     * terms over 32,766 bytes; 8,191 characters stay below it in any UTF-8).
     */
    static final int IGNORE_ABOVE = 8191;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OpenSearchJson() {}

    /**
     * The create-index body: the engine's vector field, the connector's fields with their types, and user
     * metadata strings as keywords and floats as doubles. Date detection is off, so a string that looks like a
     * date in one record and not in the next never fails a write. A JSON float would otherwise be mapped as a
     * 32-bit {@code float}: a double beyond its range (1e300) is refused, failing the sync, and one below it
     * (1e-300) or with more digits is indexed rounded, so filters miss it.
     */
    static byte[] createIndex(
            SearchEngine engine, String vectorField, String textField, int dimension, DistanceMetric metric) {
        ObjectNode body = NODES.objectNode();
        engine.addIndexSettings(body.putObject("settings").putObject("index"));
        ObjectNode mappings = body.putObject("mappings");
        mappings.put("date_detection", false);
        ArrayNode templates = mappings.putArray("dynamic_templates");
        ObjectNode strings = templates.addObject().putObject("metadata_strings");
        strings.put("path_match", METADATA + ".*");
        strings.put("match_mapping_type", "string");
        strings.putObject("mapping").put("type", "keyword").put("ignore_above", IGNORE_ABOVE);
        ObjectNode doubles = templates.addObject().putObject("metadata_doubles");
        doubles.put("path_match", METADATA + ".*");
        doubles.put("match_mapping_type", "double");
        doubles.putObject("mapping").put("type", "double");
        ObjectNode properties = mappings.putObject("properties");
        properties.set(vectorField, engine.vectorField(dimension, metric));
        properties.putObject(textField).put("type", "text");
        properties.set(METADATA, metadataMapping(true));
        return write(body);
    }

    /**
     * The mapping of the connector's metadata fields, for a new index or added to an existing one;
     * {@code _airbyte_meta} only where the index does not map it yet (its mapping cannot change).
     */
    static ObjectNode metadataMapping(boolean withAirbyteMeta) {
        ObjectNode metadata = NODES.objectNode();
        ObjectNode properties = metadata.putObject("properties");
        FIELD_TYPES.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(field -> properties.putObject(field.getKey()).put("type", field.getValue()));
        if (withAirbyteMeta) {
            // Kept for readers, never filtered on: neither indexed nor in doc values, where Lucene refuses a
            // term over 32,766 bytes (a row with hundreds of changes has a longer one); only in _source.
            properties
                    .putObject(AIRBYTE_META)
                    .put("type", "keyword")
                    .put("index", false)
                    .put("doc_values", false);
        }
        return metadata;
    }

    /**
     * {@code PUT /{index}/_mapping} body that adds the connector's fields to an existing index, and the text
     * field as {@code text} when {@code textField} is not null (an index that does not map it yet).
     */
    static byte[] putMetadataMapping(String textField, boolean withAirbyteMeta) {
        ObjectNode body = NODES.objectNode();
        ObjectNode properties = body.putObject("properties");
        if (textField != null) {
            properties.putObject(textField).put("type", "text");
        }
        properties.set(METADATA, metadataMapping(withAirbyteMeta));
        return write(body);
    }

    /** One bulk action and document: two NDJSON lines. */
    static byte[] bulkEntry(ChunkPoint point, String vectorField, String textField) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            try (JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
                gen.writeStartObject();
                gen.writeObjectFieldStart("index");
                gen.writeStringField("_id", point.id());
                gen.writeEndObject();
                gen.writeEndObject();
            }
            out.write('\n');
            try (JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
                gen.writeStartObject();
                gen.writeArrayFieldStart(vectorField);
                for (float value : point.vector()) {
                    if (!Float.isFinite(value)) {
                        throw new SystemException(
                                "the vector of chunk " + point.id() + " holds a value that is not a finite number");
                    }
                    gen.writeNumber(value);
                }
                gen.writeEndArray();
                if (point.document() != null) {
                    gen.writeStringField(textField, point.document());
                }
                gen.writeObjectFieldStart(METADATA);
                for (Map.Entry<String, Object> entry : point.metadata().entrySet()) {
                    gen.writeFieldName(entry.getKey());
                    writeScalar(gen, entry.getKey(), entry.getValue());
                }
                gen.writeEndObject();
                gen.writeEndObject();
            }
            out.write('\n');
        } catch (IOException e) {
            throw new SystemException("could not write a bulk entry", e);
        }
        return out.toByteArray();
    }

    private static void writeScalar(JsonGenerator gen, String key, Object value) throws IOException {
        StoreJson.writeScalar(gen, key, value, "only strings, integers, floats and booleans are stored");
    }

    static String field(String name) {
        return METADATA + "." + name;
    }

    static ObjectNode term(String name, String value) {
        ObjectNode node = NODES.objectNode();
        node.putObject("term").put(field(name), value);
        return node;
    }

    /** The chunks of {@code stream}: {@code _ab_stream} and {@code _ab_namespace} both match exactly. */
    static ArrayNode streamFilter(StreamId stream) {
        ArrayNode filter = NODES.arrayNode();
        filter.add(term(STREAM, stream.airbyteName()));
        filter.add(term(NAMESPACE, stream.namespaceOrEmpty()));
        return filter;
    }

    /** A {@code _delete_by_query} body for the chunks of {@code stream} that {@code filter} calls stale. */
    static byte[] staleQuery(StreamId stream, StaleFilter filter) {
        ObjectNode body = NODES.objectNode();
        ObjectNode bool = body.putObject("query").putObject("bool");
        ArrayNode must = streamFilter(stream);
        bool.set("filter", must);
        if (filter instanceof StaleFilter.OlderGeneration older) {
            ObjectNode range = must.addObject().putObject("range");
            range.putObject(field(GENERATION_ID)).put("lt", older.minimumGenerationId());
        } else if (filter instanceof StaleFilter.OtherSync other) {
            // must_not also matches chunks without the key: chunks some other writer left are stale too.
            bool.putArray("must_not").add(term(SYNC_ID, other.syncId()));
        } else {
            throw new SystemException(
                    "unknown stale filter " + filter.getClass().getName());
        }
        return write(body);
    }

    /** A {@code _delete_by_query} body for the chunks of these records from {@code fromChunkIndex} on. */
    static byte[] trimQuery(List<String> recordIds, int fromChunkIndex) {
        ObjectNode body = NODES.objectNode();
        ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
        ArrayNode ids = filter.addObject().putObject("terms").putArray(field(RECORD_ID));
        recordIds.forEach(ids::add);
        if (fromChunkIndex > 0) {
            filter.addObject().putObject("range").putObject(field(CHUNK_INDEX)).put("gte", fromChunkIndex);
        }
        return write(body);
    }

    /** A k-NN search, filtered to {@code stream} when it is not null, without the vectors in the answer. */
    static byte[] knnQuery(SearchEngine engine, String vectorField, float[] vector, int limit, StreamId stream) {
        return write(engine.knnSearch(vectorField, vector, limit, stream == null ? null : streamFilter(stream)));
    }

    static byte[] write(ObjectNode node) {
        return StoreJson.write(node, "a search server request body");
    }
}
