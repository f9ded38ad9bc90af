package io.vectorsink.store.opensearch;

import static io.vectorsink.store.ChunkFields.CHUNK_COUNT;
import static io.vectorsink.store.ChunkFields.CHUNK_HASH;
import static io.vectorsink.store.ChunkFields.CHUNK_INDEX;
import static io.vectorsink.store.ChunkFields.GENERATION_ID;
import static io.vectorsink.store.ChunkFields.NAMESPACE;
import static io.vectorsink.store.ChunkFields.RECORD_HASH;
import static io.vectorsink.store.ChunkFields.RECORD_ID;
import static io.vectorsink.store.ChunkFields.STREAM;
import static io.vectorsink.store.ChunkFields.SYNC_ID;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.Json;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.KnownChunk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The requests and answers of the skip of unchanged records on OpenSearch and Elasticsearch: the lookup
 * {@code _search} by record id that reads only the connector's fields, the real-time {@code _mget} that
 * confirms what it found and hands back vectors, and the {@code _bulk} partial updates of the connector's
 * fields.
 */
final class OpenSearchLookupJson {
    /** The connector fields a lookup reads: never the vector, the text or the user's metadata. */
    static final List<String> LOOKUP_FIELDS = List.of(
            STREAM, NAMESPACE, RECORD_ID, CHUNK_INDEX, CHUNK_COUNT, CHUNK_HASH, RECORD_HASH, GENERATION_ID, SYNC_ID);

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OpenSearchLookupJson() {}

    /** The {@code _source} paths of {@link #LOOKUP_FIELDS} under the metadata object. */
    static List<String> sourcePaths() {
        return LOOKUP_FIELDS.stream().map(OpenSearchJson::field).toList();
    }

    /**
     * How long a scroll context of a lookup lives between two pages: the next page is asked for at once, so a
     * minute is plenty, and a context the store could not clear expires soon.
     */
    static final String SCROLL_KEEP_ALIVE = "1m";

    /**
     * A {@code _search} body for the chunks of {@code recordIds} in {@code stream}, {@code size} at most, with
     * the exact hit count (so a truncated answer is seen). With {@code scrolled}, the first page of a scroll
     * in index order ({@code _doc}, the cheapest order, which a scroll needs no tie-breaker for: it returns
     * every hit of its snapshot exactly once).
     */
    static byte[] lookupSearch(StreamId stream, Collection<String> recordIds, int size, boolean scrolled) {
        ObjectNode body = NODES.objectNode();
        body.put("size", size);
        body.put("track_total_hits", true);
        body.put("seq_no_primary_term", true);
        ArrayNode includes = body.putObject("_source").putArray("includes");
        sourcePaths().forEach(includes::add);
        ArrayNode filter = OpenSearchJson.streamFilter(stream);
        ArrayNode ids = filter.addObject().putObject("terms").putArray(OpenSearchJson.field(RECORD_ID));
        recordIds.forEach(ids::add);
        body.putObject("query").putObject("bool").set("filter", filter);
        if (scrolled) {
            body.putArray("sort").add("_doc");
        }
        return OpenSearchJson.write(body);
    }

    /** A {@code POST /_search/scroll} body: the next page of scroll {@code scrollId}. */
    static byte[] scrollNext(String scrollId) {
        ObjectNode body = NODES.objectNode();
        body.put("scroll", SCROLL_KEEP_ALIVE);
        body.put("scroll_id", scrollId);
        return OpenSearchJson.write(body);
    }

    /** A {@code DELETE /_search/scroll} body: frees scroll {@code scrollId}. */
    static byte[] clearScroll(String scrollId) {
        ObjectNode body = NODES.objectNode();
        body.putArray("scroll_id").add(scrollId);
        return OpenSearchJson.write(body);
    }

    /** The exact hit count of a search answer ({@code track_total_hits: true} makes it exact). */
    static long total(JsonNode answer) {
        JsonNode total = answer.path("hits").path("total");
        return total.isNumber() ? total.asLong() : total.path("value").asLong(-1);
    }

    /**
     * Which write a document (a search hit or an {@code _mget} doc) is: its {@code _seq_no} and
     * {@code _primary_term}, which change with every write and delete of that id; empty when the answer has
     * none.
     */
    static String version(JsonNode document) {
        JsonNode seqNo = document.path("_seq_no");
        JsonNode primaryTerm = document.path("_primary_term");
        return seqNo.isIntegralNumber() && primaryTerm.isIntegralNumber()
                ? seqNo.asLong() + "/" + primaryTerm.asLong()
                : "";
    }

    /** An {@code _mget} body for these ids. */
    static byte[] mget(Collection<String> ids) {
        ObjectNode body = NODES.objectNode();
        ArrayNode array = body.putArray("ids");
        ids.forEach(array::add);
        return OpenSearchJson.write(body);
    }

    /**
     * The connector fields of one stored document ({@code _source} of a search hit or an {@code _mget} doc), or
     * empty when it is not a chunk of {@code stream} vectorsink wrote (no record id, no chunk index, another
     * stream).
     */
    static Optional<KnownChunk> knownChunk(String id, JsonNode source, StreamId stream) {
        JsonNode fields = source.path(OpenSearchJson.METADATA);
        if (!fields.path(RECORD_ID).isTextual()
                || !fields.path(CHUNK_INDEX).canConvertToInt()
                || !stream.airbyteName().equals(fields.path(STREAM).asText(null))
                || !stream.namespaceOrEmpty().equals(fields.path(NAMESPACE).asText(""))) {
            return Optional.empty();
        }
        return Optional.of(new KnownChunk(
                id,
                fields.path(RECORD_ID).asText(),
                fields.path(CHUNK_INDEX).asInt(),
                fields.path(CHUNK_COUNT).canConvertToInt()
                        ? fields.path(CHUNK_COUNT).asInt()
                        : -1,
                textOrNull(fields.path(CHUNK_HASH)),
                textOrNull(fields.path(RECORD_HASH)),
                fields.path(GENERATION_ID).canConvertToLong()
                        ? fields.path(GENERATION_ID).asLong()
                        : null,
                textOrNull(fields.path(SYNC_ID))));
    }

    /** The vector in a document's {@code _source}, or empty when the source does not hold one of numbers. */
    static Optional<float[]> vector(JsonNode source, String vectorField) {
        JsonNode values = source.path(vectorField);
        if (!values.isArray() || values.isEmpty()) {
            return Optional.empty();
        }
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            if (!values.get(i).isNumber()) {
                return Optional.empty();
            }
            vector[i] = values.get(i).floatValue();
        }
        return Optional.of(vector);
    }

    /**
     * One bulk {@code update} action with a partial document that sets {@code fields} under the metadata
     * object and leaves everything else (vector, text, other metadata) as stored. Retried on a version
     * conflict, since the partial document does not depend on what the conflicting write stored.
     */
    static byte[] updateEntry(String id, Map<String, Object> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            try (JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
                gen.writeStartObject();
                gen.writeObjectFieldStart("update");
                gen.writeStringField("_id", id);
                gen.writeNumberField("retry_on_conflict", 3);
                gen.writeEndObject();
                gen.writeEndObject();
            }
            out.write('\n');
            try (JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
                gen.writeStartObject();
                gen.writeObjectFieldStart("doc");
                gen.writeObjectFieldStart(OpenSearchJson.METADATA);
                for (Map.Entry<String, Object> field : fields.entrySet()) {
                    gen.writeObjectField(field.getKey(), field.getValue());
                }
                gen.writeEndObject();
                gen.writeEndObject();
                gen.writeEndObject();
            }
            out.write('\n');
        } catch (IOException e) {
            throw new SystemException("could not write a bulk update entry", e);
        }
        return out.toByteArray();
    }

    private static String textOrNull(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }
}
