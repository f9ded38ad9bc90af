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
        /** The create request's schema: its fields as given, dynamic fields on or off. */
        final JsonNode schema;
        /** The description given at creation (Milvus keeps it as given; REST v2 cannot change it). */
        String description = "";

        final String consistencyLevel;
        final Map<String, ObjectNode> rows = new LinkedHashMap<>();
        /** What a read below Strong sees while {@link #lagReads} holds it back; null when reads are current. */
        Map<String, ObjectNode> lagging;

        Collection(int dimension, String metric, JsonNode schema, String consistencyLevel) {
            this.dimension = dimension;
            this.metric = metric;
            this.schema = schema;
            this.consistencyLevel = consistencyLevel;
        }

        String fieldOf(String dataType, boolean primary) {
            for (JsonNode field : schema.path("fields")) {
                if (primary
                        ? field.path("isPrimary").asBoolean(false)
                        : field.path("dataType").asText().equals(dataType)) {
                    return field.path("fieldName").asText();
                }
            }
            return null;
        }

        String primaryKey() {
            return fieldOf(null, true);
        }

        String vector() {
            return fieldOf("FloatVector", false);
        }

        /** The rows a read at {@code level} sees: Strong sees every acknowledged write, others may lag. */
        Map<String, ObjectNode> visible(String level) {
            return level.equals("Strong") || lagging == null ? rows : lagging;
        }
    }

    /**
     * Whether the server reads a query's own {@code consistencyLevel} (Milvus 2.5 from May 2025, and 2.6); older servers read
     * with the collection's level whatever the request says.
     */
    private boolean requestLevelHonoured = true;

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

    /**
     * From now on, reads of collection {@code name} below Strong consistency see its rows as they are now,
     * not the writes that follow, as a Bounded or Eventually read on a busy cluster may.
     */
    synchronized void lagReads(String name) {
        Collection collection = collections.get(name);
        collection.lagging = new LinkedHashMap<>();
        collection.rows.forEach((id, row) -> collection.lagging.put(id, row.deepCopy()));
    }

    /** Whether the server reads a query's own consistency level (true) or only the collection's (false). */
    synchronized void requestLevelHonoured(boolean honoured) {
        requestLevelHonoured = honoured;
    }

    /** Creates a collection as another client would, from a {@code collections/create} body. */
    synchronized void create(String db, ObjectNode body) {
        collections.put(db + "/" + body.path("collectionName").asText(), newCollection(body));
    }

    synchronized boolean exists(String name) {
        return collections.containsKey(name);
    }

    synchronized List<StoredChunk> rows(String name) {
        return rows(name, "text", "");
    }

    /** The chunks of collection {@code name} written with this text field and metadata JSON field (or flat). */
    synchronized List<StoredChunk> rows(String name, String textField, String metadataField) {
        Collection collection = collections.get(name);
        if (collection == null) {
            return List.of();
        }
        List<StoredChunk> chunks = new ArrayList<>();
        collection.rows.forEach((id, row) -> {
            JsonNode text = row.path(textField);
            // A row's metadata: its dynamic fields (all but the key, the vector and the chunk text), or the
            // keys of the JSON field that holds them.
            Map<String, Object> metadata;
            if (metadataField.isEmpty()) {
                metadata = new LinkedHashMap<>(StoredChunk.metadata(row));
                List.of(collection.primaryKey(), collection.vector(), textField).forEach(metadata::remove);
            } else {
                metadata = new LinkedHashMap<>(StoredChunk.metadata(row.path(metadataField)));
            }
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
            collections.put(name, newCollection(body));
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
                String vector = collection.vector();
                for (JsonNode row : body.path("data")) {
                    if (row.path(vector).size() != collection.dimension) {
                        return answer(error(
                                1100,
                                "the dim (" + row.path(vector).size()
                                        + ") of field data(" + vector + ") is not equal to schema dim ("
                                        + collection.dimension + ")"));
                    }
                    if (!collection.schema.path("enableDynamicField").asBoolean(false)) {
                        for (String key : (Iterable<String>) () -> row.fieldNames()) {
                            if (!declared(collection, key)) {
                                return answer(error(
                                        1100,
                                        "field " + key + " does not exist in the collection"
                                                + " schema and dynamic fields are off"));
                            }
                        }
                    }
                }
                ArrayNode ids = Json.MAPPER.createArrayNode();
                String key = collection.primaryKey();
                for (JsonNode row : body.path("data")) {
                    collection.rows.put(row.path(key).asText(), (ObjectNode) row);
                    ids.add(row.path(key).asText());
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
            case "/v2/vectordb/entities/query" -> {
                int offset = body.path("offset").asInt(0);
                int limit = body.path("limit").asInt(0);
                if (limit < 1 || offset + limit > QUERY_WINDOW) {
                    return answer(error(
                            1100,
                            "invalid max query result window, (offset+limit) should be in range [1, " + QUERY_WINDOW
                                    + "], but got " + (offset + limit)));
                }
                Predicate<JsonNode> filter = parse(body.path("filter").asText());
                ArrayNode data = Json.MAPPER.createArrayNode();
                collection.visible(level(collection, body)).values().stream()
                        .filter(filter)
                        .sorted(Comparator.comparing(
                                row -> row.path(collection.primaryKey()).asText()))
                        .skip(offset)
                        .limit(limit)
                        .forEach(row -> data.add(output(collection, row, body.path("outputFields"))));
                return answer(ok(data));
            }
            case "/v2/vectordb/entities/get" -> {
                Map<String, ObjectNode> visible = collection.visible(level(collection, body));
                ArrayNode data = Json.MAPPER.createArrayNode();
                JsonNode ids = body.path("id");
                for (JsonNode id :
                        ids.isArray() ? ids : Json.MAPPER.createArrayNode().add(ids)) {
                    ObjectNode row = visible.get(id.asText());
                    if (row != null) {
                        data.add(output(collection, row, body.path("outputFields")));
                    }
                }
                return answer(ok(data));
            }
            default -> {
                return new ResponseDefinitionBuilder()
                        .withStatus(404)
                        .withBody("404 page not found")
                        .build();
            }
        }
    }

    /** Milvus's query window: offset + limit of one query. */
    static final int QUERY_WINDOW = 16_384;

    private static Collection newCollection(JsonNode body) {
        JsonNode schema = body.path("schema");
        int dim = 0;
        for (JsonNode field : schema.path("fields")) {
            if (field.path("dataType").asText().equals("FloatVector")) {
                dim = field.path("elementTypeParams").path("dim").asInt();
            }
        }
        Collection created = new Collection(
                dim,
                body.path("indexParams").get(0).path("metricType").asText(),
                schema,
                body.path("params").path("consistencyLevel").asText("Bounded"));
        created.description = body.path("description").asText("");
        return created;
    }

    private static boolean declared(Collection collection, String key) {
        for (JsonNode field : collection.schema.path("fields")) {
            if (field.path("fieldName").asText().equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** The consistency level a read runs at: its own when the server reads it, else the collection's. */
    private String level(Collection collection, JsonNode body) {
        return requestLevelHonoured && body.has("consistencyLevel")
                ? body.path("consistencyLevel").asText()
                : collection.consistencyLevel;
    }

    /**
     * The output fields of {@code row}: always the primary key; {@code *} is every scalar and dynamic field
     * but no vector, which must be named; a named dynamic key the row lacks is left out.
     */
    private static ObjectNode output(Collection collection, ObjectNode row, JsonNode outputFields) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        String key = collection.primaryKey();
        String vector = collection.vector();
        out.set(key, row.get(key));
        for (JsonNode field : outputFields) {
            String name = field.asText();
            if (name.equals("*")) {
                row.properties().forEach(entry -> {
                    if (!entry.getKey().equals(vector)) {
                        out.set(entry.getKey(), entry.getValue());
                    }
                });
            } else if (row.has(name)) {
                out.set(name, row.get(name));
            }
        }
        return out;
    }

    private static ObjectNode describe(String name, Collection collection) {
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("collectionName", name);
        data.put("description", collection.description);
        data.put("autoId", false);
        data.put(
                "enableDynamicField",
                collection.schema.path("enableDynamicField").asBoolean(false));
        data.put("consistencyLevel", collection.consistencyLevel);
        ArrayNode fields = data.putArray("fields");
        for (JsonNode declared : collection.schema.path("fields")) {
            ObjectNode field = fields.addObject();
            field.put("name", declared.path("fieldName").asText())
                    .put("type", declared.path("dataType").asText())
                    .put("primaryKey", declared.path("isPrimary").asBoolean(false))
                    .put("autoId", false);
            ArrayNode params = field.putArray("params");
            declared.path("elementTypeParams").properties().forEach(param -> params.addObject()
                    .put("key", param.getKey())
                    .put("value", param.getValue().asText()));
        }
        data.putArray("indexes")
                .addObject()
                .put("fieldName", collection.vector())
                .put("indexName", collection.vector())
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
                hit.remove(collection.vector());
                hit.put("distance", score(collection.metric, query, row.path(collection.vector())));
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

    private static final Pattern FIELD_AND_OPERATOR = Pattern.compile(
            "\\s*([A-Za-z_][A-Za-z0-9_]*(?:\\[\"(?:[^\"\\\\]|\\\\.)*\"\\])?)\\s*(==|!=|>=|<=|<|>|in)\\s*");

    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+");

    /** A conjunction of comparisons, as {@link MilvusFilters} writes them. */
    static Predicate<JsonNode> parse(String expression) {
        List<Predicate<JsonNode>> clauses = new ArrayList<>();
        Matcher matcher = FIELD_AND_OPERATOR.matcher(expression);
        int at = 0;
        while (at < expression.length()) {
            if (!matcher.find(at) || matcher.start() != at) {
                throw new IllegalArgumentException("the fake cannot parse the filter " + expression);
            }
            String field = matcher.group(1);
            String operator = matcher.group(2);
            int end = operandEnd(expression, matcher.end());
            JsonNode operand = json(expression.substring(matcher.end(), end));
            clauses.add(row -> compare(value(row, field), operator, operand));
            at = end;
            while (at < expression.length() && expression.charAt(at) == ' ') {
                at++;
            }
            if (expression.startsWith("and ", at)) {
                at += 4;
            } else if (at != expression.length()) {
                throw new IllegalArgumentException("the fake cannot parse the filter " + expression);
            }
        }
        return row -> clauses.stream().allMatch(c -> c.test(row));
    }

    /** Where the operand from {@code from} ends: a string literal, a number, or a list of them. */
    private static int operandEnd(String expression, int from) {
        int depth = 0;
        boolean quoted = false;
        for (int i = from; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '[') {
                depth++;
            } else if (c == ']') {
                if (--depth == 0) {
                    return i + 1;
                }
            } else if (depth == 0 && c == ' ') {
                return i;
            }
        }
        if (quoted
                || depth != 0
                || !NUMBER.matcher(expression.substring(from).strip()).matches()) {
            throw new IllegalArgumentException("the fake cannot parse the filter " + expression);
        }
        return expression.length();
    }

    /** The value a filter's field names: a field, or a key of a JSON field ({@code metadata["key"]}). */
    private static JsonNode value(JsonNode row, String field) {
        int bracket = field.indexOf('[');
        if (bracket < 0) {
            return row.path(field);
        }
        String key = json(field.substring(bracket + 1, field.length() - 1)).asText();
        return row.path(field.substring(0, bracket)).path(key);
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
