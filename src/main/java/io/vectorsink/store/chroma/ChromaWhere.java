package io.vectorsink.store.chroma;

import static io.vectorsink.store.ChunkFields.CHUNK_INDEX;
import static io.vectorsink.store.ChunkFields.GENERATION_ID;
import static io.vectorsink.store.ChunkFields.NAMESPACE;
import static io.vectorsink.store.ChunkFields.RECORD_ID;
import static io.vectorsink.store.ChunkFields.STREAM;
import static io.vectorsink.store.ChunkFields.SYNC_ID;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.RecordTrims;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.VectorStore.RecordTrim;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Chroma {@code where} filters. Chroma accepts one key per filter object (two keys are rejected as an
 * invalid where clause), so conjunctions use {@code $and}; and {@code $and}/{@code $or} are only used
 * with two or more clauses. Requests stay within Chroma Cloud's quota of 8 where predicates, so the same
 * filters work against self-hosted and cloud servers.
 */
final class ChromaWhere {
    /** Chroma Cloud quota: where predicates per request (docs.trychroma.com/cloud/quotas-limits). */
    static final int MAX_PREDICATES = 8;

    /** Record ids per delete request; bounds the request body and the server's work per call. */
    static final int MAX_IDS_PER_REQUEST = 256;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ChromaWhere() {}

    /** The chunks of {@code stream}: {@code _ab_stream} and {@code _ab_namespace} both match. */
    static ObjectNode stream(StreamId stream) {
        return and(List.of(eq(STREAM, stream.airbyteName()), eq(NAMESPACE, stream.namespaceOrEmpty())));
    }

    /** The chunks of {@code stream} that {@code filter} calls stale. */
    static ObjectNode stale(StreamId stream, StaleFilter filter) {
        ObjectNode condition;
        if (filter instanceof StaleFilter.OlderGeneration older) {
            condition = op(GENERATION_ID, "$lt", older.minimumGenerationId());
        } else if (filter instanceof StaleFilter.OtherSync other) {
            // $ne also matches chunks without the key: chunks some other writer left are stale too.
            condition = op(SYNC_ID, "$ne", other.syncId());
        } else {
            throw new SystemException(
                    "unknown stale filter " + filter.getClass().getName());
        }
        return and(List.of(eq(STREAM, stream.airbyteName()), eq(NAMESPACE, stream.namespaceOrEmpty()), condition));
    }

    /**
     * The where filters, one per delete request, that remove what {@code trims} describe. Trims with the
     * same start index share one {@code $in} clause; several clauses are joined with {@code $or}, within
     * {@link #MAX_PREDICATES} and {@link #MAX_IDS_PER_REQUEST} per request. A record listed twice is
     * trimmed from the lower index.
     */
    static List<ObjectNode> trims(List<RecordTrim> trims) {
        SortedMap<Integer, List<String>> recordsByFrom = RecordTrims.recordsByFrom(RecordTrims.fromByRecord(trims));

        List<ObjectNode> requests = new ArrayList<>();
        List<ObjectNode> clauses = new ArrayList<>();
        int predicates = 0;
        int ids = 0;
        for (Map.Entry<Integer, List<String>> group : recordsByFrom.entrySet()) {
            int from = group.getKey();
            int cost = from == 0 ? 1 : 2;
            List<String> records = group.getValue();
            int next = 0;
            while (next < records.size()) {
                if (predicates + cost > MAX_PREDICATES || ids == MAX_IDS_PER_REQUEST) {
                    requests.add(or(clauses));
                    clauses = new ArrayList<>();
                    predicates = 0;
                    ids = 0;
                }
                int take = Math.min(records.size() - next, MAX_IDS_PER_REQUEST - ids);
                clauses.add(trimClause(records.subList(next, next + take), from));
                next += take;
                predicates += cost;
                ids += take;
            }
        }
        if (!clauses.isEmpty()) {
            requests.add(or(clauses));
        }
        return requests;
    }

    private static ObjectNode trimClause(List<String> records, int from) {
        ObjectNode record;
        if (records.size() == 1) {
            record = eq(RECORD_ID, records.get(0));
        } else {
            ArrayNode values = NODES.arrayNode();
            records.forEach(values::add);
            record = NODES.objectNode();
            record.putObject(RECORD_ID).set("$in", values);
        }
        return from == 0 ? record : and(List.of(record, op(CHUNK_INDEX, "$gte", from)));
    }

    /** The chunks of {@code stream} whose record id is one of {@code recordIds} (at least one). */
    static ObjectNode records(StreamId stream, List<String> recordIds) {
        return and(List.of(
                eq(STREAM, stream.airbyteName()), eq(NAMESPACE, stream.namespaceOrEmpty()), trimClause(recordIds, 0)));
    }

    static ObjectNode eq(String key, String value) {
        ObjectNode node = NODES.objectNode();
        node.put(key, value);
        return node;
    }

    static ObjectNode op(String key, String operator, long value) {
        ObjectNode node = NODES.objectNode();
        node.putObject(key).put(operator, value);
        return node;
    }

    static ObjectNode op(String key, String operator, String value) {
        ObjectNode node = NODES.objectNode();
        node.putObject(key).put(operator, value);
        return node;
    }

    static ObjectNode and(List<ObjectNode> clauses) {
        return join("$and", clauses);
    }

    static ObjectNode or(List<ObjectNode> clauses) {
        return join("$or", clauses);
    }

    private static ObjectNode join(String operator, List<ObjectNode> clauses) {
        if (clauses.isEmpty()) {
            throw new SystemException(operator + " needs at least one clause");
        }
        if (clauses.size() == 1) {
            return clauses.get(0);
        }
        ObjectNode node = NODES.objectNode();
        ArrayNode array = node.putArray(operator);
        clauses.forEach(array::add);
        return node;
    }
}
