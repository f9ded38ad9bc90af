package io.vectorsink.store.pinecone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkFields;
import io.vectorsink.store.KnownChunk;
import java.util.Collection;
import java.util.Map;

/**
 * The requests of the reads that let a sync skip unchanged records, and of the freshness fence they rest on.
 *
 * <p>Pinecone is eventually consistent: a read may reflect the namespace as it was some writes ago. It does reflect
 * a prefix of the namespace's writes: Pinecone numbers a namespace's writes with a monotonically increasing log
 * sequence number, and a read that reflects one write reflects every earlier one ("check data freshness" in
 * Pinecone's documentation). So a store writes a <b>fence</b> into the namespace before its first lookup there (a
 * vector with a tag new for each fence a store instance writes, after every write an earlier sync made; the
 * old-generation cleanup writes another after the sync's own writes), and every read a skip
 * rests on asks for the fence in the same request: an answer that holds the fence reflects every earlier write; an
 * answer without it may be stale, and is asked again or, past a bounded wait, not used (the records are then
 * embedded as new: an extra embedding, never a skipped change).
 */
final class PineconeReads {
    /** The fence's vector id: one per namespace, overwritten by each new fence, deleted when a store is done with it. */
    static final String FENCE_ID = "vectorsink-freshness-fence";

    /**
     * Matches per lookup query. A query answer holds at most 4 MB; each match carries its metadata (up to 40 KB
     * with the chunk text), so 90 always fit. An answer with this many matches may have been cut, so its record
     * ids are split and asked again.
     */
    static final int LOOKUP_TOP_K = 90;

    /** Record ids per lookup query to begin with (a record has a few chunks; a full answer splits). */
    static final int RECORDS_PER_LOOKUP = 24;

    /** Text keys readers use (LangChain and LlamaIndex: text; LangChain4j: text_segment; ...), for an existing index. */
    static final java.util.List<String> KNOWN_TEXT_KEYS =
            java.util.List.of(ChunkFields.TEXT, "text_segment", "page_content", "content");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private PineconeReads() {}

    /** A vector of {@code dimension} that no metric refuses (cosine refuses all zeros): the first unit vector. */
    static ArrayNode unitVector(int dimension) {
        ArrayNode values = NODES.arrayNode();
        for (int i = 0; i < dimension; i++) {
            values.add(i == 0 ? 1f : 0f);
        }
        return values;
    }

    /** The fence vector: the tag under the record-id field (filterable on every index vectorsink accepts). */
    static ObjectNode fence(String tag, int dimension) {
        ObjectNode vector = NODES.objectNode();
        vector.put("id", FENCE_ID);
        vector.set("values", unitVector(dimension));
        vector.putObject("metadata").put(ChunkFields.RECORD_ID, tag);
        return vector;
    }

    /**
     * {@code POST /query}: the chunks of these records in {@code stream} and the fence, metadata without values.
     * The vector only orders the matches; the filter decides them.
     */
    static byte[] lookupQuery(StreamId stream, Collection<String> recordIds, String tag, int dimension, String ns) {
        ObjectNode body = NODES.objectNode();
        body.set("vector", unitVector(dimension));
        body.put("topK", LOOKUP_TOP_K);
        body.put("includeValues", false);
        body.put("includeMetadata", true);
        body.put("namespace", ns);
        ObjectNode records = PineconeJson.streamFilter(stream);
        ArrayNode in = ((ArrayNode) records.get("$and"))
                .addObject()
                .putObject(ChunkFields.RECORD_ID)
                .putArray("$in");
        recordIds.forEach(in::add);
        ArrayNode or = body.putObject("filter").putArray("$or");
        or.add(records);
        or.addObject().putObject(ChunkFields.RECORD_ID).put("$eq", tag);
        return PineconeJson.write(body);
    }

    /** Whether a match or fetched vector is the fence with {@code tag}. */
    static boolean isFence(JsonNode vector, String tag) {
        return FENCE_ID.equals(vector.path("id").asText())
                && tag.equals(
                        vector.path("metadata").path(ChunkFields.RECORD_ID).asText());
    }

    /** The chunk a match describes, or null when it is not one of vectorsink's chunks (the fence, say). */
    static KnownChunk knownChunk(JsonNode match) {
        if (FENCE_ID.equals(match.path("id").asText())) {
            return null;
        }
        return KnownChunk.fromMetadata(
                PineconeIds.chunkId(match.path("id").asText()), PineconeJson.metadata(match.path("metadata")));
    }

    /** {@code POST /vectors/update} of one vector: {@code fields} set, every other metadata key and the values kept. */
    static byte[] update(String vectorId, Map<String, Object> fields, String ns) {
        ObjectNode body = NODES.objectNode();
        body.put("id", vectorId);
        body.set("setMetadata", PineconeJson.metadataObject(fields));
        body.put("namespace", ns);
        return PineconeJson.write(body);
    }
}
