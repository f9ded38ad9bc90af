package io.vectorsink.store.pinecone;

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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A stateful stand-in for Pinecone's REST API, as a WireMock transformer serving both planes on one port:
 * the control plane's {@code GET /indexes/{name}} (the index's host is this server, under the path
 * {@code /data/{name}}), and the data plane's upsert, delete (by ids, by filter), list by prefix, fetch and
 * query, with the shapes of Pinecone's API reference, the {@code Api-Key} check, numbers stored as 64-bit
 * floats, null metadata refused, and the metadata filter language ({@code $eq $ne $in $nin $gt $gte $lt
 * $lte $and $or}). Indexes are made by the test ({@link #createIndex}), as the owner does in Pinecone. With
 * {@code refuseFilterDeletes} it answers deletes by filter as serverless indexes did before 2025.
 */
final class PineconeFake implements ResponseDefinitionTransformerV2 {
    private final String apiKey;
    private final boolean refuseFilterDeletes;
    static final String DEFAULT_NAMESPACE = "__default__";

    private final Map<String, Index> indexes = new LinkedHashMap<>();
    private int hostPort;

    private static final class Index {
        final int dimension;
        final String metric;
        /** namespace → id → vector; ids sorted, as list returns them. */
        final Map<String, TreeMap<String, Vector>> namespaces = new LinkedHashMap<>();
        /** The metadata fields the index's schema makes filterable; null when every field is (no schema). */
        final Set<String> filterable;
        /**
         * What reads see while the index lags ({@link #lag}): the namespaces as they were when it began to lag,
         * or null while reads see every acknowledged write. Writes always apply to {@link #namespaces}.
         */
        Map<String, TreeMap<String, Vector>> visible;
        /** Reads still served from {@link #visible} before the index catches up; negative: until told. */
        int staleReads;
        /** The index's tags; {@code PATCH /indexes/{name}} merges into them, an empty value removes one. */
        final Map<String, String> tags = new TreeMap<>();

        Index(int dimension, String metric, Set<String> filterable) {
            this.dimension = dimension;
            this.metric = metric;
            this.filterable = filterable;
        }

        /** The metadata a filter sees: only the indexed fields (a filter on another field matches nothing). */
        JsonNode filterView(ObjectNode metadata) {
            if (filterable == null) {
                return metadata;
            }
            ObjectNode view = metadata.deepCopy();
            view.retain(filterable);
            return view;
        }
    }

    private record Vector(float[] values, ObjectNode metadata) {}

    PineconeFake(String apiKey, boolean refuseFilterDeletes) {
        this.apiKey = apiKey;
        this.refuseFilterDeletes = refuseFilterDeletes;
    }

    @Override
    public String getName() {
        return "pinecone-fake";
    }

    synchronized void setPort(int port) {
        this.hostPort = port;
    }

    /** What the owner does in Pinecone's console: a dense index with this dimension and metric. */
    synchronized void createIndex(String name, int dimension, String metric) {
        indexes.putIfAbsent(name, new Index(dimension, metric, null));
    }

    /** A serverless index whose metadata schema makes only {@code filterable} fields filterable. */
    synchronized void createIndex(String name, int dimension, String metric, Set<String> filterable) {
        indexes.putIfAbsent(name, new Index(dimension, metric, Set.copyOf(filterable)));
    }

    /**
     * Pinecone's eventual consistency: from now on reads of index {@code name} (query, fetch, list) see it as it
     * is now, for {@code staleReads} reads (negative: until {@link #catchUp}), then every acknowledged write.
     * As Pinecone's freshness is a prefix of each namespace's writes, a stale read shows an earlier state whole.
     */
    synchronized void lag(String name, int staleReads) {
        serveStale(name, snapshot(name));
        indexes.get(name).staleReads = staleReads;
    }

    /** Index {@code name}'s namespaces as they are now, for {@link #serveStale} later. */
    synchronized Object snapshot(String name) {
        Index index = indexes.get(name);
        Map<String, TreeMap<String, Vector>> copy = new LinkedHashMap<>();
        index.namespaces.forEach((ns, vectors) -> {
            TreeMap<String, Vector> vectorsCopy = new TreeMap<>();
            vectors.forEach((id, vector) -> vectorsCopy.put(
                    id, new Vector(vector.values(), vector.metadata().deepCopy())));
            copy.put(ns, vectorsCopy);
        });
        return copy;
    }

    /** Reads of index {@code name} see {@code snapshot} (as {@link #lag} would have), until {@link #catchUp}. */
    @SuppressWarnings("unchecked")
    synchronized void serveStale(String name, Object snapshot) {
        Index index = indexes.get(name);
        index.visible = (Map<String, TreeMap<String, Vector>>) snapshot;
        index.staleReads = -1;
    }

    /** Reads of index {@code name} see {@code snapshot} for {@code staleReads} reads, then every acknowledged write. */
    synchronized void serveStale(String name, Object snapshot, int staleReads) {
        serveStale(name, snapshot);
        indexes.get(name).staleReads = staleReads;
    }

    /** Reads of index {@code name} see every acknowledged write again. */
    synchronized void catchUp(String name) {
        indexes.get(name).visible = null;
    }

    /** The namespaces a read of {@code index} sees now (and one stale read counted). */
    private static Map<String, TreeMap<String, Vector>> read(Index index) {
        if (index.visible == null) {
            return index.namespaces;
        }
        Map<String, TreeMap<String, Vector>> seen = index.visible;
        if (index.staleReads > 0 && --index.staleReads == 0) {
            index.visible = null;
        }
        return seen;
    }

    synchronized boolean exists(String name) {
        return indexes.containsKey(name);
    }

    /** Every chunk of index {@code name} in every namespace, with the chunk ids the store hands out. */
    synchronized List<StoredChunk> points(String name) {
        Index index = indexes.get(name);
        if (index == null) {
            return List.of();
        }
        List<StoredChunk> chunks = new ArrayList<>();
        index.namespaces
                .values()
                .forEach(vectors -> vectors.forEach((id, vector) -> {
                    JsonNode text = vector.metadata().path("text");
                    chunks.add(new StoredChunk(
                            PineconeIds.chunkId(id),
                            text.isTextual() ? text.textValue() : null,
                            PineconeJson.metadata(vector.metadata())));
                }));
        return chunks;
    }

    /** The Pinecone ids in namespace {@code ns} of index {@code name}. */
    synchronized List<String> ids(String name, String ns) {
        Index index = indexes.get(name);
        return index == null
                ? List.of()
                : List.copyOf(index.namespaces.getOrDefault(ns, new TreeMap<>()).keySet());
    }

    @Override
    public synchronized ResponseDefinition transform(ServeEvent event) {
        LoggedRequest request = event.getRequest();
        if (apiKey != null && !apiKey.equals(request.getHeader("Api-Key"))) {
            return error(401, "UNAUTHENTICATED", "Invalid API Key");
        }
        String[] path = request.getUrl().split("\\?")[0].substring(1).split("/");
        String method = request.getMethod().getName();
        if (path.length == 2 && path[0].equals("indexes") && method.equals("GET")) {
            Index index = indexes.get(path[1]);
            if (index == null) {
                return error(404, "NOT_FOUND", "Resource " + path[1] + " not found");
            }
            return json(200, describe(path[1], index));
        }
        if (path.length == 2 && path[0].equals("indexes") && method.equals("PATCH")) {
            Index index = indexes.get(path[1]);
            if (index == null) {
                return error(404, "NOT_FOUND", "Resource " + path[1] + " not found");
            }
            body(request).path("tags").properties().forEach(tag -> {
                if (tag.getValue().asText().isEmpty()) {
                    index.tags.remove(tag.getKey());
                } else {
                    index.tags.put(tag.getKey(), tag.getValue().asText());
                }
            });
            return json(202, describe(path[1], index));
        }
        if (path.length < 3 || !path[0].equals("data") || !indexes.containsKey(path[1])) {
            return error(404, "NOT_FOUND", "Not Found");
        }
        Index index = indexes.get(path[1]);
        String endpoint = String.join("/", java.util.Arrays.copyOfRange(path, 2, path.length));
        switch (method + " " + endpoint) {
            case "POST vectors/upsert" -> {
                return upsert(index, body(request));
            }
            case "POST vectors/delete" -> {
                return delete(index, body(request));
            }
            case "GET vectors/list" -> {
                return list(index, request);
            }
            case "GET vectors/fetch" -> {
                return fetch(index, request);
            }
            case "POST query" -> {
                return query(index, body(request));
            }
            case "POST vectors/update" -> {
                return update(index, body(request));
            }
            default -> {
                return error(404, "NOT_FOUND", "Not Found");
            }
        }
    }

    private ObjectNode describe(String name, Index index) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", name);
        body.put("vector_type", "dense");
        body.put("metric", index.metric);
        body.put("dimension", index.dimension);
        body.putObject("status").put("ready", true).put("state", "Ready");
        body.put("host", "127.0.0.1:" + hostPort + "/data/" + name);
        ObjectNode serverless = body.putObject("spec")
                .putObject("serverless")
                .put("cloud", "aws")
                .put("region", "us-east-1");
        serverless
                .putObject("read_capacity")
                .put("mode", "OnDemand")
                .putObject("status")
                .put("state", "Ready");
        if (index.filterable != null) {
            ObjectNode fields = serverless.putObject("schema").putObject("fields");
            index.filterable.stream().sorted().forEach(field -> fields.putObject(field)
                    .put("filterable", true));
        }
        body.put("deletion_protection", "disabled");
        if (!index.tags.isEmpty()) {
            ObjectNode tags = body.putObject("tags");
            index.tags.forEach(tags::put);
        }
        return body;
    }

    private ResponseDefinition upsert(Index index, JsonNode body) {
        for (JsonNode vector : body.path("vectors")) {
            if (vector.path("values").size() != index.dimension) {
                return error(
                        400,
                        "INVALID_ARGUMENT",
                        "Vector dimension " + vector.path("values").size()
                                + " does not match the dimension of the index " + index.dimension);
            }
            for (var field : vector.path("metadata").properties()) {
                if (field.getValue().isNull() || field.getValue().isObject()) {
                    return error(400, "INVALID_ARGUMENT", "Metadata value must be a string, number, boolean or list");
                }
            }
        }
        TreeMap<String, Vector> vectors = index.namespaces.computeIfAbsent(
                namespace(body.path("namespace").asText("")), k -> new TreeMap<>());
        for (JsonNode vector : body.path("vectors")) {
            float[] values = new float[vector.path("values").size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) vector.path("values").get(i).asDouble();
            }
            ObjectNode metadata = Json.MAPPER.createObjectNode();
            // Pinecone converts every number to a 64-bit float.
            vector.path("metadata").properties().forEach(field -> {
                if (field.getValue().isNumber()) {
                    metadata.put(field.getKey(), field.getValue().asDouble());
                } else {
                    metadata.set(field.getKey(), field.getValue());
                }
            });
            vectors.put(vector.path("id").asText(), new Vector(values, metadata));
        }
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("upsertedCount", body.path("vectors").size());
        return json(200, answer);
    }

    private ResponseDefinition delete(Index index, JsonNode body) {
        TreeMap<String, Vector> vectors =
                index.namespaces.getOrDefault(namespace(body.path("namespace").asText("")), new TreeMap<>());
        if (body.has("filter")) {
            if (refuseFilterDeletes) {
                return grpcError(
                        400, 3, "Serverless and Starter indexes do not support deleting with metadata filtering");
            }
            vectors.values().removeIf(vector -> matches(body.get("filter"), index.filterView(vector.metadata())));
        } else if (body.has("ids")) {
            body.get("ids").forEach(id -> vectors.remove(id.asText()));
        } else if (body.path("deleteAll").asBoolean(false)) {
            vectors.clear();
        }
        return json(200, Json.MAPPER.createObjectNode());
    }

    private ResponseDefinition list(Index index, LoggedRequest request) {
        String ns = namespace(param(request, "namespace", ""));
        String prefix = param(request, "prefix", "");
        int limit = Integer.parseInt(param(request, "limit", "100"));
        String after = param(request, "paginationToken", null);
        List<String> ids = new ArrayList<>();
        for (String id : read(index).getOrDefault(ns, new TreeMap<>()).keySet()) {
            if (id.startsWith(prefix) && (after == null || id.compareTo(after) > 0)) {
                ids.add(id);
            }
        }
        ObjectNode answer = Json.MAPPER.createObjectNode();
        ArrayNode page = answer.putArray("vectors");
        ids.stream().limit(limit).forEach(id -> page.addObject().put("id", id));
        if (ids.size() > limit) {
            answer.putObject("pagination").put("next", ids.get(limit - 1));
        }
        answer.put("namespace", ns);
        answer.putObject("usage").put("readUnits", 1);
        return json(200, answer);
    }

    private ResponseDefinition fetch(Index index, LoggedRequest request) {
        String ns = namespace(param(request, "namespace", ""));
        TreeMap<String, Vector> vectors = read(index).getOrDefault(ns, new TreeMap<>());
        ObjectNode answer = Json.MAPPER.createObjectNode();
        ObjectNode found = answer.putObject("vectors");
        var ids = request.queryParameter("ids");
        if (ids.isPresent()) {
            for (String id : ids.values()) {
                Vector vector = vectors.get(id);
                if (vector != null) {
                    ObjectNode entry = found.putObject(id);
                    entry.put("id", id);
                    ArrayNode values = entry.putArray("values");
                    for (float v : vector.values()) {
                        values.add(v);
                    }
                    entry.set("metadata", vector.metadata());
                }
            }
        }
        answer.put("namespace", ns);
        answer.putObject("usage").put("readUnits", 1);
        return json(200, answer);
    }

    private ResponseDefinition query(Index index, JsonNode body) {
        float[] query = new float[body.path("vector").size()];
        for (int i = 0; i < query.length; i++) {
            query[i] = (float) body.path("vector").get(i).asDouble();
        }
        TreeMap<String, Vector> vectors =
                read(index).getOrDefault(namespace(body.path("namespace").asText("")), new TreeMap<>());
        List<Map.Entry<String, Vector>> candidates = new ArrayList<>(vectors.entrySet());
        candidates.removeIf(e -> body.has("filter")
                && !matches(body.get("filter"), index.filterView(e.getValue().metadata())));
        Map<String, Double> scores = new LinkedHashMap<>();
        candidates.forEach(e ->
                scores.put(e.getKey(), score(index.metric, query, e.getValue().values())));
        Comparator<Map.Entry<String, Vector>> order = Comparator.comparing(e -> scores.get(e.getKey()));
        candidates.sort(index.metric.equals("euclidean") ? order : order.reversed());
        ObjectNode answer = Json.MAPPER.createObjectNode();
        ArrayNode matches = answer.putArray("matches");
        candidates.stream().limit(body.path("topK").asInt(10)).forEach(e -> {
            ObjectNode match = matches.addObject();
            match.put("id", e.getKey());
            match.put("score", scores.get(e.getKey()));
            match.putArray("values");
            if (body.path("includeMetadata").asBoolean(false)) {
                match.set("metadata", e.getValue().metadata());
            }
        });
        answer.put("namespace", namespace(body.path("namespace").asText("")));
        answer.putObject("usage").put("readUnits", 5);
        return json(200, answer);
    }

    /**
     * Update by id: {@code setMetadata}'s keys set (numbers as 64-bit floats), every other key and the values
     * kept. Pinecone's reference does not say what an update of a missing id answers; here it changes nothing.
     */
    private ResponseDefinition update(Index index, JsonNode body) {
        if (!body.hasNonNull("id")) {
            return grpcError(400, 3, "The fake updates by id only");
        }
        Vector vector = index.namespaces
                .getOrDefault(namespace(body.path("namespace").asText("")), new TreeMap<>())
                .get(body.get("id").asText());
        if (vector != null) {
            body.path("setMetadata").properties().forEach(field -> {
                if (field.getValue().isNumber()) {
                    vector.metadata().put(field.getKey(), field.getValue().asDouble());
                } else {
                    vector.metadata().set(field.getKey(), field.getValue());
                }
            });
        }
        return json(200, Json.MAPPER.createObjectNode());
    }

    private static double score(String metric, float[] a, float[] b) {
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
        return switch (metric) {
            case "cosine" -> dot / Math.sqrt(na * nb);
            case "euclidean" -> squared;
            default -> dot;
        };
    }

    /** Pinecone's filter: every top-level field condition and operator must hold. */
    static boolean matches(JsonNode filter, JsonNode metadata) {
        for (var field : filter.properties()) {
            String key = field.getKey();
            JsonNode condition = field.getValue();
            boolean ok;
            if (key.equals("$and")) {
                ok = true;
                for (JsonNode part : condition) {
                    ok &= matches(part, metadata);
                }
            } else if (key.equals("$or")) {
                ok = false;
                for (JsonNode part : condition) {
                    ok |= matches(part, metadata);
                }
            } else if (condition.isObject()) {
                ok = true;
                for (var operator : condition.properties()) {
                    ok &= operator(operator.getKey(), operator.getValue(), metadata.path(key));
                }
            } else {
                ok = operator("$eq", condition, metadata.path(key));
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean operator(String operator, JsonNode operand, JsonNode value) {
        boolean missing = value.isMissingNode() || value.isNull();
        switch (operator) {
            case "$eq" -> {
                return !missing && same(operand, value);
            }
            case "$ne" -> {
                return missing || !same(operand, value);
            }
            case "$in" -> {
                for (JsonNode candidate : operand) {
                    if (!missing && same(candidate, value)) {
                        return true;
                    }
                }
                return false;
            }
            case "$nin" -> {
                for (JsonNode candidate : operand) {
                    if (!missing && same(candidate, value)) {
                        return false;
                    }
                }
                return true;
            }
            case "$gt", "$gte", "$lt", "$lte" -> {
                if (missing || !value.isNumber() || !operand.isNumber()) {
                    return false;
                }
                int c = Double.compare(value.asDouble(), operand.asDouble());
                return switch (operator) {
                    case "$gt" -> c > 0;
                    case "$gte" -> c >= 0;
                    case "$lt" -> c < 0;
                    default -> c <= 0;
                };
            }
            default -> throw new IllegalArgumentException("the fake does not know the operator " + operator);
        }
    }

    private static boolean same(JsonNode expected, JsonNode actual) {
        if (expected.isTextual() || actual.isTextual()) {
            return expected.isTextual()
                    && actual.isTextual()
                    && expected.textValue().equals(actual.textValue());
        }
        if (expected.isNumber() && actual.isNumber()) {
            return expected.asDouble() == actual.asDouble();
        }
        return expected.equals(actual);
    }

    /** Pinecone's default namespace is named {@code __default__}; the empty name still addresses it. */
    static String namespace(String name) {
        return name.isEmpty() ? DEFAULT_NAMESPACE : name;
    }

    private static String param(LoggedRequest request, String name, String fallback) {
        var value = request.queryParameter(name);
        return value.isPresent() ? value.firstValue() : fallback;
    }

    private static JsonNode body(LoggedRequest request) {
        try {
            byte[] bytes = request.getBody();
            return bytes == null || bytes.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ResponseDefinition error(int status, String code, String message) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject("error").put("code", code).put("message", message);
        body.put("status", status);
        return json(status, body);
    }

    /** The data plane's error shape (gRPC status code and message). */
    private static ResponseDefinition grpcError(int status, int code, String message) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("code", code);
        body.put("message", message);
        body.putArray("details");
        return json(status, body);
    }

    private static ResponseDefinition json(int code, JsonNode body) {
        return new ResponseDefinitionBuilder()
                .withStatus(code)
                .withHeader("Content-Type", "application/json")
                .withBody(body.toString())
                .build();
    }
}
