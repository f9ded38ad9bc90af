package io.vectorsink.store.qdrant;

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
 * The request bodies of the reads that let a sync skip unchanged records, and of the payload update that moves
 * unchanged chunks to a new generation: scroll by record id without vectors, retrieve vectors by point id, set
 * the connector's fields by point id.
 */
final class QdrantReads {
    /**
     * The read consistency of every read a skip decision rests on ({@code consistency} query parameter): all
     * replicas are asked and only points present on all of them are returned, so a replica that lags a write can
     * hide a point (which is then embedded again) but not stand in for the newer one.
     */
    static final String CONSISTENCY = "all";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private QdrantReads() {}

    /**
     * {@code POST /collections/{c}/points/scroll}: the chunks of these records in {@code stream}, their
     * connector fields only, no vector; from {@code offset} (null for the first page).
     */
    static byte[] scrollRecords(
            StreamId stream, Collection<String> recordIds, int limit, JsonNode offset, QdrantLayout layout) {
        ObjectNode body = NODES.objectNode();
        ArrayNode must = QdrantJson.streamConditions(stream, layout);
        must.add(QdrantJson.anyRecord(recordIds, layout));
        body.putObject("filter").set("must", must);
        body.put("limit", limit);
        if (offset != null) {
            body.set("offset", offset);
        }
        ArrayNode include = body.putArray("with_payload");
        if (layout.nested()) {
            include.add(layout.metadataKey()); // the metadata object, never the text
        } else {
            ChunkFields.ALL.forEach(include::add);
        }
        body.put("with_vector", false);
        return QdrantJson.write(body);
    }

    /** The chunk a scrolled point describes, or null when its payload is not one of vectorsink's chunks. */
    static KnownChunk knownChunk(JsonNode point, QdrantLayout layout) {
        return KnownChunk.fromMetadata(point.path("id").asText(), layout.metadata(point.path("payload")));
    }

    /** {@code POST /collections/{c}/points}: these points' vectors, no payload. */
    static byte[] retrieveVectors(Collection<String> ids) {
        ObjectNode body = NODES.objectNode();
        ArrayNode array = body.putArray("ids");
        ids.forEach(array::add);
        body.put("with_payload", false);
        body.put("with_vector", true);
        return QdrantJson.write(body);
    }

    /**
     * {@code POST /collections/{c}/points/payload}: {@code fields} set on these points, every other key kept; in
     * the nested layout inside the metadata object ({@code key}).
     */
    static byte[] setOwnFields(Collection<String> ids, Map<String, Object> fields, QdrantLayout layout) {
        ObjectNode body = NODES.objectNode();
        ObjectNode payload = body.putObject("payload");
        fields.forEach((key, value) -> payload.set(key, io.vectorsink.protocol.Json.MAPPER.valueToTree(value)));
        ArrayNode points = body.putArray("points");
        ids.forEach(points::add);
        if (layout.nested()) {
            body.put("key", layout.metadataKey());
        }
        return QdrantJson.write(body);
    }
}
