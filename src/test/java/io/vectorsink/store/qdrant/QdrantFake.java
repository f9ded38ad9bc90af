package io.vectorsink.store.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vectorsink.protocol.Json;
import io.vectorsink.store.StoredChunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stateful stand-in for Qdrant's REST API, as a WireMock transformer: the endpoints vectorsink uses,
 * with the request and answer shapes of Qdrant's API reference (collections with one unnamed vector,
 * payload indexes, upsert and delete by filter with {@code wait=true}, query), the {@code api-key}
 * check, and Qdrant's filter semantics (must / should / must_not, match value / any, range, nested
 * filters; a condition on a missing key is false). A collection can be put in strict mode ({@link
 * #strictMode}): requests beyond its {@code condition_max_size} or {@code upsert_max_batchsize} are refused
 * as Qdrant refuses them. Qdrant itself cannot run on this machine; this keeps the contract's semantic tests
 * meaningful for the store's filters without it. Every exchange is checked against Qdrant's OpenAPI
 * definition ({@code QdrantContractTest.API}), so the answers carry every field it requires.
 */
final class QdrantFake implements ResponseDefinitionTransformerV2 {
    private final String apiKey;
    private final Map<String, Collection> collections = new LinkedHashMap<>();
    private long operations;

    private static final class Collection {
        final int size;
        final String distance;
        final Map<String, String> payloadSchema = new LinkedHashMap<>();
        final Map<String, Point> points = new LinkedHashMap<>();
        /**
         * A second replica that stopped applying writes at the moment {@link #lagReplica} was called, or null
         * while every replica is current. A read without {@code consistency=all} (or majority, quorum: both
         * replicas of two) may be served by it, as Qdrant's default {@code Factor(1)} asks one random replica.
         */
        Map<String, Point> lagging;
        /** {@code strict_mode_config} as Qdrant reports it; null when strict mode was never configured. */
        ObjectNode strictMode;
        /** The collection's {@code metadata} (Qdrant 1.16 and later); null when it has none. */
        ObjectNode metadata;

        Collection(int size, String distance) {
            this.size = size;
            this.distance = distance;
        }
    }

    private record Point(float[] vector, ObjectNode payload) {}

    /** @param apiKey the key every request must carry, or null for a server without authentication */
    QdrantFake(String apiKey) {
        this.apiKey = apiKey;
    }

    @Override
    public String getName() {
        return "qdrant-fake";
    }

    /** The chunks of {@code collection}, read as {@code layout} lays them out. */
    synchronized List<StoredChunk> points(String name, QdrantLayout layout) {
        Collection collection = collections.get(name);
        if (collection == null) {
            return List.of();
        }
        List<StoredChunk> chunks = new ArrayList<>();
        collection.points.forEach((id, point) ->
                chunks.add(new StoredChunk(id, layout.text(point.payload()), layout.metadata(point.payload()))));
        return chunks;
    }

    /** The raw payloads of {@code collection}, by point id. */
    synchronized Map<String, JsonNode> payloads(String name) {
        Map<String, JsonNode> payloads = new LinkedHashMap<>();
        collections
                .get(name)
                .points
                .forEach((id, point) -> payloads.put(id, point.payload().deepCopy()));
        return payloads;
    }

    /**
     * What a replica that falls behind does: from now on one replica of {@code name} no longer applies writes
     * (until {@link #catchUp}), so a read that asks one replica may see the collection as it is now.
     */
    synchronized void lagReplica(String name) {
        Collection collection = collections.get(name);
        collection.lagging = new LinkedHashMap<>();
        collection.points.forEach((id, point) -> collection.lagging.put(
                id, new Point(point.vector(), point.payload().deepCopy())));
    }

    /** The lagging replica of {@code name} applied every write again. */
    synchronized void catchUp(String name) {
        collections.get(name).lagging = null;
    }

    synchronized boolean exists(String name) {
        return collections.containsKey(name);
    }

    /** What an operator (or Qdrant Cloud) does: strict mode on for {@code name}, with these two limits. */
    synchronized void strictMode(String name, int conditionMaxSize, int upsertMaxBatchsize) {
        collections.get(name).strictMode = Json.MAPPER
                .createObjectNode()
                .put("enabled", true)
                .put("condition_max_size", conditionMaxSize)
                .put("upsert_max_batchsize", upsertMaxBatchsize);
    }

    /** What a collection another writer made looks like: no payload indexes. */
    synchronized void dropPayloadIndexes(String name) {
        collections.get(name).payloadSchema.clear();
    }

    /** Strict mode's {@code max_query_limit} for {@code name} (strict mode must be on). */
    synchronized void maxQueryLimit(String name, int limit) {
        collections.get(name).strictMode.put("max_query_limit", limit);
    }

    @Override
    public synchronized ResponseDefinition transform(ServeEvent event) {
        LoggedRequest request = event.getRequest();
        if (apiKey != null && !apiKey.equals(request.getHeader("api-key"))) {
            return error(401, "Must provide an API key or an Authorization bearer token");
        }
        String[] path = URI.create(request.getUrl()).getPath().substring(1).split("/");
        String method = request.getMethod().getName();
        if (path.length < 2 || !path[0].equals("collections")) {
            return error(404, "Not found");
        }
        String name = path[1];
        Collection collection = collections.get(name);
        JsonNode body = body(request);
        String endpoint = String.join("/", java.util.Arrays.copyOfRange(path, 2, path.length));
        if (endpoint.isEmpty() && method.equals("PUT")) {
            if (collection != null) {
                return error(409, "Wrong input: Collection `" + name + "` already exists!");
            }
            JsonNode vectors = body.path("vectors");
            Collection created = new Collection(
                    vectors.path("size").asInt(), vectors.path("distance").asText());
            if (body.path("metadata").isObject()) {
                created.metadata = ((ObjectNode) body.path("metadata")).deepCopy();
            }
            collections.put(name, created);
            return ok(Json.MAPPER.getNodeFactory().booleanNode(true));
        }
        if (collection == null) {
            return error(404, "Not found: Collection `" + name + "` doesn't exist!");
        }
        switch (method + " " + endpoint) {
            case "GET " -> {
                return ok(info(collection));
            }
            case "PATCH " -> {
                // Qdrant merges the metadata sent into what the collection holds.
                if (body.path("metadata").isObject()) {
                    if (collection.metadata == null) {
                        collection.metadata = Json.MAPPER.createObjectNode();
                    }
                    collection.metadata.setAll((ObjectNode) body.path("metadata"));
                }
                return ok(Json.MAPPER.getNodeFactory().booleanNode(true));
            }
            case "PUT index" -> {
                collection.payloadSchema.put(
                        body.path("field_name").asText(),
                        body.path("field_schema").asText());
                return ok(updateResult());
            }
            case "PUT points" -> {
                String refused = strictLimit(
                        collection, "upsert_max_batchsize", body.path("points").size());
                if (refused != null) {
                    return error(400, refused);
                }
                for (JsonNode point : body.path("points")) {
                    if (point.path("vector").size() != collection.size) {
                        return error(
                                400,
                                "Wrong input: Vector dimension error: expected dim: " + collection.size + ", got "
                                        + point.path("vector").size());
                    }
                }
                for (JsonNode point : body.path("points")) {
                    float[] vector = new float[point.path("vector").size()];
                    for (int i = 0; i < vector.length; i++) {
                        vector[i] = (float) point.path("vector").get(i).asDouble();
                    }
                    collection.points.put(
                            point.path("id").asText(), new Point(vector, (ObjectNode) point.path("payload")));
                }
                return ok(updateResult());
            }
            case "POST points/delete" -> {
                JsonNode filter = body.path("filter");
                String refused = strictLimit(collection, "condition_max_size", largestCondition(filter));
                if (refused != null) {
                    return error(400, refused);
                }
                collection.points.values().removeIf(point -> matches(filter, point.payload()));
                return ok(updateResult());
            }
            case "POST points/query" -> {
                ObjectNode result = Json.MAPPER.createObjectNode();
                result.set("points", query(collection, body));
                return ok(result);
            }
            case "POST points/scroll" -> {
                String refused = strictLimit(
                        collection, "max_query_limit", body.path("limit").asInt(10));
                if (refused == null) {
                    refused = strictLimit(collection, "condition_max_size", largestCondition(body.path("filter")));
                }
                if (refused != null) {
                    return error(400, refused);
                }
                return ok(scroll(replica(collection, request), body));
            }
            case "POST points" -> {
                return ok(retrieve(replica(collection, request), body));
            }
            case "POST points/payload" -> {
                return setPayload(collection, body);
            }
            default -> {
                return error(404, "Not found");
            }
        }
    }

    /**
     * The points a read sees. With {@code consistency=all}, {@code majority} or {@code quorum} (with two
     * replicas, each asks both) a point is returned only when both replicas hold it, in its newest version (the
     * current one); otherwise one replica answers, which may be the lagging one.
     */
    private static Map<String, Point> replica(Collection collection, LoggedRequest request) {
        if (collection.lagging == null) {
            return collection.points;
        }
        var consistency = request.queryParameter("consistency");
        String level = consistency.isPresent() ? consistency.firstValue() : "1";
        if (level.equals("all") || level.equals("majority") || level.equals("quorum") || level.equals("2")) {
            Map<String, Point> onBoth = new LinkedHashMap<>(collection.points);
            onBoth.keySet().retainAll(collection.lagging.keySet());
            return onBoth;
        }
        return collection.lagging;
    }

    /** Scroll: the matching points in id order from {@code offset}, a page of {@code limit}, and the next offset. */
    private static ObjectNode scroll(Map<String, Point> points, JsonNode body) {
        java.util.TreeMap<String, Point> ordered = new java.util.TreeMap<>(points);
        String from = body.path("offset").isTextual() ? body.path("offset").textValue() : null;
        int limit = body.path("limit").asInt(10);
        ObjectNode result = Json.MAPPER.createObjectNode();
        ArrayNode page = result.putArray("points");
        String next = null;
        for (Map.Entry<String, Point> entry : (from == null ? ordered : ordered.tailMap(from, true)).entrySet()) {
            if (body.has("filter")
                    && !matches(body.get("filter"), entry.getValue().payload())) {
                continue;
            }
            if (page.size() == limit) {
                next = entry.getKey();
                break;
            }
            page.add(record(entry.getKey(), entry.getValue(), body));
        }
        if (next == null) {
            result.putNull("next_page_offset");
        } else {
            result.put("next_page_offset", next);
        }
        return result;
    }

    /** Retrieve: the points among {@code ids} that exist, in the order asked. */
    private static ArrayNode retrieve(Map<String, Point> points, JsonNode body) {
        ArrayNode result = Json.MAPPER.createArrayNode();
        for (JsonNode id : body.path("ids")) {
            Point point = points.get(id.asText());
            if (point != null) {
                result.add(record(id.asText(), point, body));
            }
        }
        return result;
    }

    /** A point as a read returns it: payload as {@code with_payload} selects (default all), vector when asked. */
    private static ObjectNode record(String id, Point point, JsonNode body) {
        ObjectNode record = Json.MAPPER.createObjectNode();
        record.put("id", id);
        JsonNode withPayload = body.path("with_payload");
        if (withPayload.isArray()) {
            ObjectNode selected = record.putObject("payload");
            withPayload.forEach(key -> {
                JsonNode value = point.payload().get(key.asText());
                if (value != null) {
                    selected.set(key.asText(), value);
                }
            });
        } else if (withPayload.isMissingNode() || withPayload.asBoolean(false)) {
            record.set("payload", point.payload());
        }
        if (body.path("with_vector").asBoolean(false)) {
            ArrayNode vector = record.putArray("vector");
            for (float value : point.vector()) {
                vector.add(value);
            }
        }
        return record;
    }

    /** Set payload: the given keys on each point (inside the object at {@code key} when given), the rest kept. */
    private ResponseDefinition setPayload(Collection collection, JsonNode body) {
        for (JsonNode id : body.path("points")) {
            if (!collection.points.containsKey(id.asText())) {
                return error(404, "Not found: No point with id " + id.asText() + " found");
            }
        }
        for (JsonNode id : body.path("points")) {
            ObjectNode payload = collection.points.get(id.asText()).payload();
            ObjectNode target = payload;
            if (body.hasNonNull("key")) {
                String key = body.get("key").asText();
                target = payload.get(key) instanceof ObjectNode nested ? nested : payload.putObject(key);
            }
            target.setAll((ObjectNode) body.path("payload"));
        }
        return ok(updateResult());
    }

    private JsonNode info(Collection collection) {
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("status", "green");
        result.put("optimizer_status", "ok");
        result.put("points_count", collection.points.size());
        result.put("segments_count", 1);
        ObjectNode config = result.putObject("config");
        ObjectNode params = config.putObject("params");
        params.putObject("vectors").put("size", collection.size).put("distance", collection.distance);
        params.put("shard_number", 1);
        // Qdrant's defaults, as a new collection reports them.
        config.putObject("hnsw_config")
                .put("m", 16)
                .put("ef_construct", 100)
                .put("full_scan_threshold", 10000)
                .put("max_indexing_threads", 0)
                .put("on_disk", false);
        config.putObject("optimizer_config")
                .put("deleted_threshold", 0.2)
                .put("vacuum_min_vector_number", 1000)
                .put("default_segment_number", 0)
                .putNull("max_segment_size")
                .putNull("memmap_threshold")
                .put("indexing_threshold", 10000)
                .put("flush_interval_sec", 5)
                .putNull("max_optimization_threads");
        config.putObject("wal_config").put("wal_capacity_mb", 32).put("wal_segments_ahead", 0);
        if (collection.strictMode != null) {
            config.set("strict_mode_config", collection.strictMode);
        }
        if (collection.metadata != null) {
            config.set("metadata", collection.metadata);
        }
        ObjectNode schema = result.putObject("payload_schema");
        collection.payloadSchema.forEach((field, type) ->
                schema.putObject(field).put("data_type", type).put("points", collection.points.size()));
        return result;
    }

    private ObjectNode updateResult() {
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("operation_id", ++operations);
        result.put("status", "completed");
        return result;
    }

    /** Qdrant's refusal of a request beyond the collection's strict-mode {@code limit}, or null. */
    private static String strictLimit(Collection collection, String limit, int value) {
        if (collection.strictMode == null || !collection.strictMode.path(limit).isNumber()) {
            return null;
        }
        int max = collection.strictMode.path(limit).asInt();
        return value <= max
                ? null
                : "Bad request: Limit exceeded " + value + " > " + max + " for \"" + limit + "\". Help: Reduce the \""
                        + limit + "\" parameter to or below " + max + ".";
    }

    /** The most values any one condition of {@code filter} holds (a {@code match.any} holds many). */
    private static int largestCondition(JsonNode filter) {
        int largest = 0;
        for (String clause : List.of("must", "should", "must_not")) {
            for (JsonNode condition : filter.path(clause)) {
                largest = Math.max(
                        largest,
                        condition.has("key")
                                ? Math.max(
                                        1, condition.path("match").path("any").size())
                                : largestCondition(condition));
            }
        }
        return largest;
    }

    private ArrayNode query(Collection collection, JsonNode body) {
        float[] query = new float[body.path("query").size()];
        for (int i = 0; i < query.length; i++) {
            query[i] = (float) body.path("query").get(i).asDouble();
        }
        boolean euclid = collection.distance.equals("Euclid");
        List<Map.Entry<String, Point>> candidates = new ArrayList<>(collection.points.entrySet());
        candidates.removeIf(entry -> body.has("filter")
                && !matches(body.get("filter"), entry.getValue().payload()));
        Map<String, Double> scores = new LinkedHashMap<>();
        candidates.forEach(entry -> scores.put(
                entry.getKey(),
                score(collection.distance, query, entry.getValue().vector())));
        Comparator<Map.Entry<String, Point>> order = Comparator.comparing(entry -> scores.get(entry.getKey()));
        candidates.sort(euclid ? order : order.reversed());
        ArrayNode result = Json.MAPPER.createArrayNode();
        candidates.stream().limit(body.path("limit").asInt(10)).forEach(entry -> {
            ObjectNode hit = result.addObject();
            hit.put("id", entry.getKey());
            hit.put("version", operations);
            hit.put("score", scores.get(entry.getKey()));
            if (body.path("with_payload").asBoolean(false)) {
                hit.set("payload", entry.getValue().payload());
            }
        });
        return result;
    }

    private static double score(String distance, float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        double squared = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
            squared += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return switch (distance) {
            case "Cosine" -> dot / Math.sqrt(na * nb);
            case "Euclid" -> Math.sqrt(squared);
            default -> dot;
        };
    }

    /** Qdrant's filter: every must, at least one should (when any), no must_not. */
    static boolean matches(JsonNode filter, JsonNode payload) {
        for (JsonNode condition : filter.path("must")) {
            if (!condition(condition, payload)) {
                return false;
            }
        }
        JsonNode should = filter.path("should");
        if (should.size() > 0) {
            boolean any = false;
            for (JsonNode condition : should) {
                any |= condition(condition, payload);
            }
            if (!any) {
                return false;
            }
        }
        for (JsonNode condition : filter.path("must_not")) {
            if (condition(condition, payload)) {
                return false;
            }
        }
        return true;
    }

    private static boolean condition(JsonNode condition, JsonNode payload) {
        if (condition.has("must") || condition.has("should") || condition.has("must_not")) {
            return matches(condition, payload);
        }
        JsonNode value = payload;
        for (String part : condition.path("key").asText().split("\\.")) {
            value = value.path(part); // a dotted key names a nested field
        }
        if (value.isMissingNode() || value.isNull()) {
            return false;
        }
        JsonNode match = condition.path("match");
        if (match.has("value")) {
            return same(match.get("value"), value);
        }
        if (match.has("any")) {
            for (JsonNode candidate : match.get("any")) {
                if (same(candidate, value)) {
                    return true;
                }
            }
            return false;
        }
        JsonNode range = condition.path("range");
        if (!range.isMissingNode()) {
            if (!value.isNumber()) {
                return false;
            }
            double v = value.asDouble();
            return (!range.has("lt") || v < range.get("lt").asDouble())
                    && (!range.has("lte") || v <= range.get("lte").asDouble())
                    && (!range.has("gt") || v > range.get("gt").asDouble())
                    && (!range.has("gte") || v >= range.get("gte").asDouble());
        }
        throw new IllegalArgumentException("the fake does not know the condition " + condition);
    }

    private static boolean same(JsonNode expected, JsonNode actual) {
        if (expected.isTextual() || actual.isTextual()) {
            return expected.isTextual()
                    && actual.isTextual()
                    && expected.textValue().equals(actual.textValue());
        }
        if (expected.isIntegralNumber() && actual.isIntegralNumber()) {
            return expected.longValue() == actual.longValue();
        }
        return expected.equals(actual);
    }

    private static JsonNode body(LoggedRequest request) {
        try {
            byte[] bytes = request.getBody();
            return bytes == null || bytes.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ResponseDefinition ok(JsonNode result) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("result", result);
        body.put("status", "ok");
        body.put("time", 0.0012);
        return json(200, body);
    }

    private static ResponseDefinition error(int code, String message) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject("status").put("error", message);
        body.put("time", 0.0001);
        return json(code, body);
    }

    private static ResponseDefinition json(int code, JsonNode body) {
        return new ResponseDefinitionBuilder()
                .withStatus(code)
                .withHeader("Content-Type", "application/json")
                .withBody(body.toString())
                .build();
    }
}
