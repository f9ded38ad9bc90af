package io.vectorsink.store.milvus;

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
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful stand-in for Milvus's REST API v2, as a WireMock transformer: collections with a VarChar
 * primary key, a FloatVector field and dynamic fields (describe, create), upsert, delete by filter
 * expression and search, with the answer shapes of Milvus's reference (HTTP 200 with {@code code} and
 * {@code message} for failures: 100 for a missing collection, 1800 for missing credentials) and its filter
 * semantics on dynamic fields (a comparison on a missing key is false, so {@code !=} does not match it).
 * The expression parser reads the conjunctions of comparisons {@link MilvusFilters} writes, nothing more.
 */
final class MilvusFake implements ResponseDefinitionTransformerV2 {
    private final String token;
    /** The code of a success: 0, or 200 as Milvus 2.4.0 to about 2.4.5 answered. */
    private final int successCode;

    private final Map<String, Collection> collections = new LinkedHashMap<>();

    private static final class Collection {
        final int dimension;
        final String metric;
        final Map<String, ObjectNode> rows = new LinkedHashMap<>();
        /** The description given at creation (Milvus keeps it as given; REST v2 cannot change it). */
        String description = "";

        Collection(int dimension, String metric) {
            this.dimension = dimension;
            this.metric = metric;
        }
    }

    MilvusFake(String token) {
        this(token, 0);
    }

    MilvusFake(String token, int successCode) {
        this.token = token;
        this.successCode = successCode;
    }

    @Override
    public String getName() {
        return "milvus-fake";
    }

    synchronized boolean exists(String name) {
        return collections.containsKey(name);
    }

    synchronized List<StoredChunk> rows(String name) {
        Collection collection = collections.get(name);
        if (collection == null) {
            return List.of();
        }
        List<StoredChunk> chunks = new ArrayList<>();
        collection.rows.forEach((id, row) -> {
            JsonNode text = row.path("text");
            // A row's dynamic fields are its metadata: all but the key, the vector and the chunk text.
            Map<String, Object> metadata = new LinkedHashMap<>(StoredChunk.metadata(row));
            List.of("id", "vector", "text").forEach(metadata::remove);
            chunks.add(new StoredChunk(id, text.isTextual() ? text.textValue() : null, metadata));
        });
        return chunks;
    }

    @Override
    public synchronized ResponseDefinition transform(ServeEvent event) {
        LoggedRequest request = event.getRequest();
        if (token != null && !("Bearer " + token).equals(request.getHeader("Authorization"))) {
            return answer(error(1800, "user hasn't authenticated"));
        }
        String path = request.getUrl().split("\\?")[0];
        JsonNode body = body(request);
        String name = body.path("dbName").asText("default") + "/"
                + body.path("collectionName").asText();
        Collection collection = collections.get(name);
        if (path.equals("/v2/vectordb/collections/create")) {
            if (collection != null) {
                return answer(error(
                        65535,
                        "collection already exists: "
                                + body.path("collectionName").asText()));
            }
            JsonNode fields = body.path("schema").path("fields");
            int dim = fields.get(1).path("elementTypeParams").path("dim").asInt();
            Collection created = new Collection(
                    dim, body.path("indexParams").get(0).path("metricType").asText());
            created.description = body.path("description").asText("");
            collections.put(name, created);
            return answer(ok(Json.MAPPER.createObjectNode()));
        }
        if (collection == null) {
            return answer(error(100, "collection not found[database=default][collection=" + name + "]"));
        }
        switch (path) {
            case "/v2/vectordb/collections/describe" -> {
                return answer(ok(describe(body.path("collectionName").asText(), collection)));
            }
            case "/v2/vectordb/entities/upsert" -> {
                for (JsonNode row : body.path("data")) {
                    if (row.path("vector").size() != collection.dimension) {
                        return answer(error(
                                1100,
                                "the dim (" + row.path("vector").size()
                                        + ") of field data(vector) is not equal to schema dim (" + collection.dimension
                                        + ")"));
                    }
                }
                ArrayNode ids = Json.MAPPER.createArrayNode();
                for (JsonNode row : body.path("data")) {
                    collection.rows.put(row.path("id").asText(), (ObjectNode) row);
                    ids.add(row.path("id").asText());
                }
                ObjectNode data = Json.MAPPER.createObjectNode();
                data.put("upsertCount", ids.size());
                data.set("upsertIds", ids);
                return answer(ok(data));
            }
            case "/v2/vectordb/entities/delete" -> {
                Predicate<JsonNode> filter = parse(body.path("filter").asText());
                collection.rows.values().removeIf(filter::test);
                return answer(ok(Json.MAPPER.createObjectNode()));
            }
            case "/v2/vectordb/entities/search" -> {
                return answer(ok(search(collection, body)));
            }
            default -> {
                return new ResponseDefinitionBuilder()
                        .withStatus(404)
                        .withBody("404 page not found")
                        .build();
            }
        }
    }

    private static ObjectNode describe(String name, Collection collection) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("collectionName", name);
        data.put("description", collection.description);
        data.put("autoId", false);
        data.put("enableDynamicField", true);
        ArrayNode fields = data.putArray("fields");
        ObjectNode id = fields.addObject();
        id.put("name", "id").put("type", "VarChar").put("primaryKey", true).put("autoId", false);
        id.putArray("params").addObject().put("key", "max_length").put("value", "64");
        ObjectNode vector = fields.addObject();
        vector.put("name", "vector").put("type", "FloatVector").put("primaryKey", false);
        vector.putArray("params").addObject().put("key", "dim").put("value", String.valueOf(collection.dimension));
        data.putArray("indexes")
                .addObject()
                .put("fieldName", "vector")
                .put("indexName", "vector")
                .put("metricType", collection.metric);
        data.put("load", "LoadStateLoaded");
        data.put("shardsNum", 1);
        return data;
    }

    private static ArrayNode search(Collection collection, JsonNode body) {
        JsonNode query = body.path("data").get(0);
        Predicate<JsonNode> filter =
                body.has("filter") ? parse(body.path("filter").asText()) : row -> true;
        List<ObjectNode> candidates = new ArrayList<>();
        for (ObjectNode row : collection.rows.values()) {
            if (filter.test(row)) {
                ObjectNode hit = row.deepCopy();
                hit.remove("vector");
                hit.put("distance", score(collection.metric, query, row.path("vector")));
                candidates.add(hit);
            }
        }
        Comparator<ObjectNode> order =
                Comparator.comparingDouble(h -> h.path("distance").asDouble());
        candidates.sort(collection.metric.equals("L2") ? order : order.reversed());
        ArrayNode result = Json.MAPPER.createArrayNode();
        candidates.stream().limit(body.path("limit").asInt(10)).forEach(result::add);
        return result;
    }

    private static double score(String metric, JsonNode a, JsonNode b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        double squared = 0;
        for (int i = 0; i < a.size(); i++) {
            double x = a.get(i).asDouble();
            double y = b.get(i).asDouble();
            dot += x * y;
            na += x * x;
            nb += y * y;
            squared += (x - y) * (x - y);
        }
        return switch (metric) {
            case "COSINE" -> dot / Math.sqrt(na * nb);
            case "L2" -> squared;
            default -> dot;
        };
    }

    private static final Pattern CLAUSE = Pattern.compile(
            "\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(==|!=|>=|<=|<|>|in)\\s*(\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9]+|\\[[^\\]]*\\])\\s*(and|$)");

    /** A conjunction of comparisons, as {@link MilvusFilters} writes them. */
    static Predicate<JsonNode> parse(String expression) {
        List<Predicate<JsonNode>> clauses = new ArrayList<>();
        Matcher matcher = CLAUSE.matcher(expression);
        int at = 0;
        while (at < expression.length() && matcher.find(at) && matcher.start() == at) {
            String field = matcher.group(1);
            String operator = matcher.group(2);
            JsonNode operand = json(matcher.group(3));
            clauses.add(row -> compare(row.path(field), operator, operand));
            at = matcher.end();
        }
        if (at != expression.length()) {
            throw new IllegalArgumentException("the fake cannot parse the filter " + expression);
        }
        return row -> clauses.stream().allMatch(c -> c.test(row));
    }

    private static boolean compare(JsonNode value, String operator, JsonNode operand) {
        if (value.isMissingNode() || value.isNull()) {
            return false;
        }
        switch (operator) {
            case "==" -> {
                return value.equals(operand)
                        || (value.isNumber() && operand.isNumber() && value.asDouble() == operand.asDouble());
            }
            case "!=" -> {
                return !compare(value, "==", operand);
            }
            case "in" -> {
                for (JsonNode candidate : operand) {
                    if (compare(value, "==", candidate)) {
                        return true;
                    }
                }
                return false;
            }
            default -> {
                if (!value.isNumber()) {
                    return false;
                }
                int c = Double.compare(value.asDouble(), operand.asDouble());
                return switch (operator) {
                    case "<" -> c < 0;
                    case "<=" -> c <= 0;
                    case ">" -> c > 0;
                    default -> c >= 0;
                };
            }
        }
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ObjectNode ok(JsonNode data) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("code", successCode);
        answer.set("data", data);
        return answer;
    }

    static ObjectNode error(int code, String message) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("code", code);
        answer.put("message", message);
        return answer;
    }

    private static ResponseDefinition answer(JsonNode body) {
        return new ResponseDefinitionBuilder()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(body.toString())
                .build();
    }

    private static JsonNode body(LoggedRequest request) {
        try {
            byte[] bytes = request.getBody();
            return bytes == null || bytes.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
