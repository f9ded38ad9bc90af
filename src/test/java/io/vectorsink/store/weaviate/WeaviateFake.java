package io.vectorsink.store.weaviate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A stateful stand-in for Weaviate's REST API v1, as a WireMock transformer, after Weaviate's REST and
 * filter references: {@code /v1/meta}, the schema (classes with {@code vectorIndexConfig.distance},
 * {@code invertedIndexConfig.indexPropertyLength} and typed properties; the first letter of a property name
 * lowercased, text tokenization {@code word} unless set), {@code POST /v1/batch/objects} (200 with a result
 * per object, {@code result.errors} for an object that failed: an unknown property as with auto-schema off,
 * a value of the wrong type, a vector whose length differs from the class's), {@code DELETE
 * /v1/batch/objects} (at most {@code QUERY_MAXIMUM_RESULTS} objects per call, reported as
 * {@code results.limit}), {@code GET /v1/objects} and a GraphQL {@code Get} with {@code nearVector},
 * {@code limit} and {@code where}. Filters: And / Or, Equal, NotEqual (the complement of Equal, so it also
 * matches objects without the property), ContainsAny, the integer comparisons and {@code len(property)};
 * {@code field} tokenization compares whole values, {@code word} compares lowercase words; an empty text is
 * not indexed, so Equal "" matches nothing. Weaviate itself cannot run on this machine.
 */
final class WeaviateFake implements ResponseDefinitionTransformerV2 {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern CLASS_NAME = Pattern.compile("[A-Z][_0-9A-Za-z]*");
    private static final Pattern PROPERTY_NAME = Pattern.compile("[_A-Za-z][_0-9A-Za-z]{0,230}");

    private final String apiKey;
    private final int queryMaximumResults;
    private final Map<String, Cls> classes = new LinkedHashMap<>();
    private final Map<String, String> objectErrors = new HashMap<>();
    private final Map<String, Integer> objectErrorsLeft = new HashMap<>();
    private String version = "1.25.4";
    private boolean failDeletes;

    /**
     * Replication: every class has {@link #REPLICAS} replicas. While {@link #lagReplicas} holds, the replicas
     * a write did not wait for keep the objects as they were ({@code lagging}); {@code upToDate} is how many
     * replicas every write since then reached (its consistency level: ONE 1, QUORUM 2, ALL 3). A read of r
     * replicas (its consistency level; ONE for a GraphQL query that names none) asks the lagging replicas
     * first, so it sees the acknowledged writes only when r + upToDate > n, as Weaviate documents.
     */
    static final int REPLICAS = 3;

    private static final class Cls {
        final ObjectNode definition;
        final Map<String, Obj> objects = new LinkedHashMap<>();
        /** The objects on the replicas that lag, while {@link WeaviateFake#lagReplicas} holds; else null. */
        Map<String, Obj> lagging;
        /** How many replicas every write since the lag began reached. */
        int upToDate = REPLICAS;

        Cls(ObjectNode definition) {
            this.definition = definition;
        }

        JsonNode property(String name) {
            for (JsonNode property : definition.path("properties")) {
                if (property.path("name").asText().equals(name)) {
                    return property;
                }
            }
            return null;
        }
    }

    private record Obj(float[] vector, ObjectNode properties) {}

    /** A fault in the request, answered as Weaviate does (422, or a GraphQL error). */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * @param apiKey the key every request must carry as a bearer token, or null for anonymous access
     * @param queryMaximumResults Weaviate's {@code QUERY_MAXIMUM_RESULTS}: the most objects one batch delete
     *     removes
     */
    WeaviateFake(String apiKey, int queryMaximumResults) {
        this.apiKey = apiKey;
        this.queryMaximumResults = queryMaximumResults;
    }

    @Override
    public String getName() {
        return "weaviate-fake";
    }

    // ---- test controls and read-outs ------------------------------------------------------------

    /** Creates class {@code name} as someone other than vectorsink would: text {@code properties}, cosine. */
    synchronized void userClass(String name, String... properties) {
        userClass(name, false, properties);
    }

    /** {@link #userClass(String, String...)}, with property lengths indexed when {@code lengthsIndexed}. */
    synchronized void userClass(String name, boolean lengthsIndexed, String... properties) {
        ObjectNode body = NODES.objectNode();
        body.put("class", name);
        body.putObject("vectorIndexConfig").put("distance", "cosine");
        if (lengthsIndexed) {
            body.putObject("invertedIndexConfig").put("indexPropertyLength", true);
        }
        ArrayNode declared = body.putArray("properties");
        for (String property : properties) {
            ObjectNode declaration = declared.addObject();
            declaration.put("name", property);
            declaration.putArray("dataType").add("text");
        }
        createClass(body);
    }

    /**
     * Creates class {@code name} as an earlier vectorsink version might have left it: cosine, property lengths
     * indexed, and only the given text {@code properties} (field tokenization).
     */
    synchronized void partialVectorsinkClass(String name, String... properties) {
        ObjectNode body = NODES.objectNode();
        body.put("class", name);
        body.putObject("vectorIndexConfig").put("distance", "cosine");
        body.putObject("invertedIndexConfig").put("indexPropertyLength", true);
        ArrayNode declared = body.putArray("properties");
        for (String property : properties) {
            ObjectNode declaration = declared.addObject();
            declaration.put("name", property);
            declaration.putArray("dataType").add("text");
            declaration.put("tokenization", "field");
            declaration.put("indexFilterable", true);
        }
        createClass(body);
    }

    /**
     * Creates class {@code name} fit for vectorsink (cosine, property lengths indexed, no properties yet)
     * but with the vectorizer module {@code module}, as a class made with a server's default module is.
     */
    synchronized void vectorizedClass(String name, String module) {
        ObjectNode body = NODES.objectNode();
        body.put("class", name);
        body.put("vectorizer", module);
        body.putObject("vectorIndexConfig").put("distance", "cosine");
        body.putObject("invertedIndexConfig").put("indexPropertyLength", true);
        body.putArray("properties");
        createClass(body);
    }

    /** Every later write of object {@code id} fails with {@code message} in its {@code result.errors}. */
    synchronized void failObject(String id, String message) {
        failObject(id, message, Integer.MAX_VALUE);
    }

    /** The next {@code times} writes of object {@code id} fail with {@code message}. */
    synchronized void failObject(String id, String message, int times) {
        objectErrors.put(id, message);
        objectErrorsLeft.put(id, times);
    }

    /** Batch deletes report every matching object as failed (and delete nothing). */
    synchronized void failDeletes(boolean fail) {
        failDeletes = fail;
    }

    /** From now on, the replicas of class {@code name} a write does not wait for keep its objects as now. */
    synchronized void lagReplicas(String name) {
        Cls cls = classes.get(name);
        cls.lagging = new LinkedHashMap<>(cls.objects);
        cls.upToDate = REPLICAS;
    }

    private static int replicas(String level) {
        return switch (level) {
            case "ONE" -> 1;
            case "ALL" -> REPLICAS;
            default -> 2;
        };
    }

    /** Notes a write to class {@code className} at {@code level} (Weaviate's default for writes: QUORUM). */
    private void wrote(String className, String level) {
        Cls cls = classes.get(capitalized(className));
        if (cls != null) {
            cls.upToDate = Math.min(cls.upToDate, replicas(level == null ? "QUORUM" : level));
        }
    }

    /** The objects of {@code cls} a read at {@code level} sees. */
    private static Map<String, Obj> visible(Cls cls, String level) {
        return cls.lagging == null || replicas(level) + cls.upToDate > REPLICAS ? cls.objects : cls.lagging;
    }

    synchronized void version(String version) {
        this.version = version;
    }

    /** The chunks of class {@code name}: the {@code text} property as document, the rest as metadata. */
    synchronized List<StoredChunk> objects(String name) {
        return objects(name, "text");
    }

    /** The chunks of class {@code name} with the chunk text in property {@code textProperty}. */
    synchronized List<StoredChunk> objects(String name, String textProperty) {
        Cls cls = classes.get(name);
        if (cls == null) {
            return List.of();
        }
        List<StoredChunk> chunks = new ArrayList<>();
        cls.objects.forEach((id, object) -> {
            ObjectNode properties = object.properties().deepCopy();
            JsonNode text = properties.remove(textProperty);
            chunks.add(new StoredChunk(
                    id, text != null && text.isTextual() ? text.textValue() : null, StoredChunk.metadata(properties)));
        });
        return chunks;
    }

    synchronized boolean exists(String name) {
        return classes.containsKey(name);
    }

    synchronized Set<String> classNames() {
        return Set.copyOf(classes.keySet());
    }

    /** The names of the properties of class {@code cls}, in the order they were declared. */
    synchronized List<String> propertyNames(String cls) {
        List<String> names = new ArrayList<>();
        classes.get(cls)
                .definition
                .path("properties")
                .forEach(p -> names.add(p.path("name").asText()));
        return names;
    }

    /** The definition of property {@code property} of class {@code cls}, or null. */
    synchronized JsonNode property(String cls, String property) {
        Cls found = classes.get(cls);
        return found == null ? null : found.property(property);
    }

    // ---- the API --------------------------------------------------------------------------------

    @Override
    public synchronized ResponseDefinition transform(ServeEvent event) {
        LoggedRequest request = event.getRequest();
        if (apiKey != null && !("Bearer " + apiKey).equals(request.getHeader("Authorization"))) {
            // Weaviate's definition declares every 401 without a body.
            return new ResponseDefinitionBuilder().withStatus(401).build();
        }
        URI uri = URI.create(request.getUrl());
        String[] path = uri.getPath().substring(1).split("/");
        Map<String, String> query = query(uri);
        String method = request.getMethod().getName();
        if (path.length < 2 || !path[0].equals("v1")) {
            return error(404, "not found");
        }
        String endpoint = String.join("/", Arrays.copyOfRange(path, 1, path.length));
        try {
            if (query.containsKey("consistency_level")
                    && !List.of("ONE", "QUORUM", "ALL").contains(query.get("consistency_level"))) {
                throw new Refused("unrecognized consistency level \"" + query.get("consistency_level") + "\"");
            }
            JsonNode body = body(request);
            if (method.equals("GET") && endpoint.equals("meta")) {
                ObjectNode meta = NODES.objectNode();
                meta.put("hostname", "http://[::]:8080");
                meta.put("version", version);
                meta.putObject("modules");
                return json(200, meta);
            }
            if (method.equals("GET") && endpoint.equals("schema")) {
                ObjectNode schema = NODES.objectNode();
                ArrayNode all = schema.putArray("classes");
                classes.values().forEach(c -> all.add(c.definition));
                return json(200, schema);
            }
            if (method.equals("POST") && endpoint.equals("schema")) {
                return json(200, createClass(body));
            }
            if (path.length >= 3 && path[1].equals("schema")) {
                Cls cls = classes.get(capitalized(path[2]));
                if (cls == null) {
                    return new ResponseDefinitionBuilder().withStatus(404).build();
                }
                if (method.equals("GET") && path.length == 3) {
                    return json(200, cls.definition);
                }
                if (method.equals("PUT") && path.length == 3) {
                    return json(200, updateClass(cls, body));
                }
                if (method.equals("POST") && path.length == 4 && path[3].equals("properties")) {
                    return json(200, addProperty(cls, body));
                }
            }
            if (method.equals("POST") && endpoint.equals("batch/objects")) {
                body.path("objects").forEach(o -> wrote(o.path("class").asText(), query.get("consistency_level")));
                return json(200, batchObjects(body));
            }
            if (method.equals("DELETE") && endpoint.equals("batch/objects")) {
                wrote(body.path("match").path("class").asText(), query.get("consistency_level"));
                return json(200, batchDelete(body));
            }
            if (method.equals("PATCH") && path.length == 4 && path[1].equals("objects")) {
                wrote(path[2], query.get("consistency_level"));
                return merge(path[2], path[3], body);
            }
            if (method.equals("GET") && endpoint.equals("objects")) {
                return json(200, listObjects(query));
            }
            if (method.equals("POST") && endpoint.equals("graphql")) {
                return json(200, graphQl(body.path("query").asText()));
            }
            return error(404, "not found");
        } catch (Refused e) {
            return error(422, e.getMessage());
        }
    }

    private JsonNode createClass(JsonNode body) {
        String name = body.path("class").asText();
        if (!CLASS_NAME.matcher(capitalized(name)).matches()) {
            throw new Refused("'" + name + "' is not a valid class name");
        }
        name = capitalized(name);
        if (classes.containsKey(name)) {
            throw new Refused("class name \"" + name + "\" already exists");
        }
        ObjectNode definition = ((ObjectNode) body).deepCopy();
        definition.put("class", name);
        ObjectNode vectorIndex = definition.has("vectorIndexConfig")
                ? (ObjectNode) definition.get("vectorIndexConfig")
                : definition.putObject("vectorIndexConfig");
        if (!vectorIndex.has("distance")) {
            vectorIndex.put("distance", "cosine");
        }
        if (!definition.has("invertedIndexConfig")) {
            definition.putObject("invertedIndexConfig");
        }
        if (!definition.has("vectorizer")) {
            definition.put("vectorizer", "none"); // DEFAULT_VECTORIZER_MODULE, none unless the server sets one
        }
        ArrayNode properties = NODES.arrayNode();
        for (JsonNode property : body.path("properties")) {
            properties.add(normalized(property));
        }
        definition.set("properties", properties);
        Cls cls = new Cls(definition);
        classes.put(name, cls);
        return definition;
    }

    /**
     * {@code PUT /v1/schema/{class}}: Weaviate changes mutable settings only and refuses a change of an
     * immutable one (here: the distance); this fake keeps the new description.
     */
    private JsonNode updateClass(Cls cls, JsonNode body) {
        String distance =
                cls.definition.path("vectorIndexConfig").path("distance").asText();
        if (!body.path("vectorIndexConfig").path("distance").asText(distance).equals(distance)) {
            throw new Refused("vectorIndexConfig.distance cannot be changed");
        }
        if (body.has("description")) {
            cls.definition.put("description", body.path("description").asText());
        }
        return cls.definition;
    }

    /**
     * {@code POST /v1/schema/{class}/properties}. Weaviate compares property names without case: a name equal
     * to an existing one, or differing only in case, is refused with 422 (its schema handler's
     * {@code validateProperty}, since weaviate/weaviate#2543, January 2023).
     */
    private JsonNode addProperty(Cls cls, JsonNode body) {
        ObjectNode property = normalized(body);
        String name = property.path("name").asText();
        for (JsonNode existing : cls.definition.path("properties")) {
            if (existing.path("name").asText().equalsIgnoreCase(name)) {
                throw new Refused("class \"" + cls.definition.path("class").asText() + "\": conflict for property \""
                        + name + "\": already in use or provided multiple times");
            }
        }
        ((ArrayNode) cls.definition.get("properties")).add(property);
        return property;
    }

    /** A property as Weaviate keeps it: first letter lowercased, defaults filled in. */
    private static ObjectNode normalized(JsonNode body) {
        ObjectNode property = ((ObjectNode) body).deepCopy();
        String name = property.path("name").asText();
        if (!PROPERTY_NAME.matcher(name).matches()
                || Set.of("id", "_id", "_additional").contains(name)) {
            throw new Refused("'" + name + "' is not a valid property name");
        }
        property.put("name", name.substring(0, 1).toLowerCase(Locale.ROOT) + name.substring(1));
        String type = property.path("dataType").path(0).asText();
        if (type.equals("text") && !property.has("tokenization")) {
            property.put("tokenization", "word");
        }
        if (!property.has("indexFilterable")) {
            property.put("indexFilterable", true);
        }
        if (!property.has("indexSearchable")) {
            property.put("indexSearchable", type.equals("text"));
        }
        return property;
    }

    private ArrayNode batchObjects(JsonNode body) {
        ArrayNode results = NODES.arrayNode();
        for (JsonNode object : body.path("objects")) {
            ObjectNode result = object.deepCopy();
            result.remove("vector");
            String error = store(object);
            ObjectNode outcome = result.putObject("result");
            if (error != null) {
                outcome.putObject("errors").putArray("error").addObject().put("message", error);
            }
            results.add(result);
        }
        return results;
    }

    /** Stores {@code object}, or says why not (the message of its {@code result.errors}). */
    private String store(JsonNode object) {
        String id = object.path("id").asText();
        if (objectErrorsLeft.getOrDefault(id, 0) > 0) {
            objectErrorsLeft.merge(id, -1, Integer::sum);
            return objectErrors.get(id);
        }
        Cls cls = classes.get(capitalized(object.path("class").asText()));
        if (cls == null) {
            return "class '" + object.path("class").asText() + "' not present in schema";
        }
        for (Map.Entry<String, JsonNode> field : object.path("properties").properties()) {
            JsonNode property = cls.property(field.getKey());
            if (property == null) {
                return "no such prop with name '" + field.getKey() + "' found in class '"
                        + cls.definition.path("class").asText() + "' in the schema";
            }
            String type = property.path("dataType").path(0).asText();
            JsonNode value = field.getValue();
            boolean fits =
                    switch (type) {
                        case "text", "date", "uuid" -> value.isTextual();
                        case "int" -> value.isIntegralNumber();
                        case "number" -> value.isNumber();
                        case "boolean" -> value.isBoolean();
                        case "text[]" -> io.vectorsink.store.StoreJson.stringsOrNull(value) != null;
                        default -> false;
                    };
            if (!fits && !value.isNull()) {
                return "invalid " + type + " property '" + field.getKey() + "' on class '"
                        + cls.definition.path("class").asText() + "': requires " + type + ", got value '" + value + "'";
            }
        }
        JsonNode vector = object.path("vector");
        for (Map.Entry<String, Obj> other : cls.objects.entrySet()) {
            if (!other.getKey().equals(id) && other.getValue().vector().length != vector.size()) {
                return "insert to vector index: new node has a vector with length " + vector.size()
                        + ". Existing nodes have vectors with length "
                        + other.getValue().vector().length;
            }
            break;
        }
        float[] values = new float[vector.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) vector.get(i).asDouble();
        }
        ObjectNode properties = object.path("properties").isObject()
                ? ((ObjectNode) object.get("properties")).deepCopy()
                : NODES.objectNode();
        cls.objects.put(id, new Obj(values, properties)); // a batch replaces the whole object
        return null;
    }

    /**
     * {@code PATCH /v1/objects/{class}/{id}}: the properties merged in, the others kept; 204. The vector, as
     * Weaviate's merge does it ({@code usecases/objects/merge.go}, {@code usecases/modules/vectorizer.go}):
     * the body's vector when it has one; else the stored one when the class's vectorizer is {@code none};
     * else the module vectorizes the merged object again when a property it vectorizes (a text property,
     * the default) changed, and the stored vector is kept only when none did.
     */
    private ResponseDefinition merge(String className, String id, JsonNode body) {
        Cls cls = classes.get(capitalized(className));
        Obj object = cls == null ? null : cls.objects.get(id);
        if (object == null) {
            return new ResponseDefinitionBuilder().withStatus(404).build();
        }
        ObjectNode merged = object.properties().deepCopy();
        boolean vectorizedChanged = false;
        for (Map.Entry<String, JsonNode> field : body.path("properties").properties()) {
            JsonNode property = cls.property(field.getKey());
            vectorizedChanged |= property != null
                    && property.path("dataType").path(0).asText().equals("text")
                    && !field.getValue().equals(merged.get(field.getKey()));
            merged.set(field.getKey(), field.getValue());
        }
        ObjectNode whole = NODES.objectNode();
        whole.put("class", className);
        whole.put("id", id);
        whole.set("properties", merged);
        ArrayNode vector = whole.putArray("vector");
        if (body.path("vector").isArray()) {
            vector.addAll((ArrayNode) body.get("vector"));
        } else if (!cls.definition.path("vectorizer").asText().equals("none") && vectorizedChanged) {
            for (float v : moduleVector(merged, object.vector().length)) {
                vector.add(v);
            }
        } else {
            for (float v : object.vector()) {
                vector.add(v);
            }
        }
        String error = store(whole);
        if (error != null) {
            throw new Refused(error);
        }
        return new ResponseDefinitionBuilder().withStatus(204).build();
    }

    /** What a vectorizer module makes of {@code properties}: a unit vector of their text, not vectorsink's. */
    private static float[] moduleVector(ObjectNode properties, int dimension) {
        Random random = new Random(properties.toString().hashCode());
        float[] vector = new float[dimension];
        double norm = 0;
        for (int i = 0; i < dimension; i++) {
            vector[i] = (float) random.nextGaussian();
            norm += vector[i] * vector[i];
        }
        for (int i = 0; i < dimension; i++) {
            vector[i] /= (float) Math.sqrt(norm);
        }
        return vector;
    }

    private JsonNode batchDelete(JsonNode body) {
        JsonNode match = body.path("match");
        Cls cls = classes.get(capitalized(match.path("class").asText()));
        if (cls == null) {
            throw new Refused("class \"" + match.path("class").asText() + "\" not found in schema");
        }
        List<String> matched = new ArrayList<>();
        for (Map.Entry<String, Obj> object : cls.objects.entrySet()) {
            if (matches(
                    cls, match.path("where"), object.getKey(), object.getValue().properties())) {
                matched.add(object.getKey());
            }
            if (matched.size() == queryMaximumResults) {
                break; // the search behind a batch delete is capped, as in Weaviate
            }
        }
        if (!failDeletes && !body.path("dryRun").asBoolean(false)) {
            matched.forEach(cls.objects::remove);
        }
        ObjectNode answer = NODES.objectNode();
        answer.set("match", match);
        answer.put("output", body.path("output").asText("minimal"));
        answer.put("dryRun", body.path("dryRun").asBoolean(false));
        ObjectNode results = answer.putObject("results");
        results.put("matches", matched.size());
        results.put("limit", queryMaximumResults);
        results.put("successful", failDeletes ? 0 : matched.size());
        results.put("failed", failDeletes ? matched.size() : 0);
        // With output "minimal" only the objects that failed are listed (the definition types this as an array).
        ArrayNode objects = results.putArray("objects");
        if (failDeletes) {
            matched.forEach(id -> objects.addObject()
                    .put("id", id)
                    .put("status", "FAILED")
                    .putObject("errors")
                    .putArray("error")
                    .addObject()
                    .put("message", "shard not ready"));
        }
        return answer;
    }

    private JsonNode listObjects(Map<String, String> query) {
        Cls cls = classes.get(capitalized(query.getOrDefault("class", "")));
        ObjectNode answer = NODES.objectNode();
        ArrayNode objects = answer.putArray("objects");
        if (cls != null) {
            int limit = Integer.parseInt(query.getOrDefault("limit", "25"));
            cls.objects.entrySet().stream().limit(limit).forEach(entry -> {
                ObjectNode object = objects.addObject();
                object.put("class", cls.definition.path("class").asText());
                object.put("id", entry.getKey());
                object.set("properties", entry.getValue().properties());
                if (query.getOrDefault("include", "").contains("vector")) {
                    ArrayNode vector = object.putArray("vector");
                    for (float v : entry.getValue().vector()) {
                        vector.add(v);
                    }
                }
            });
        }
        answer.put("totalResults", objects.size());
        return answer;
    }

    // ---- filters --------------------------------------------------------------------------------

    private static boolean matches(Cls cls, JsonNode where, String id, ObjectNode properties) {
        if (where.isMissingNode() || where.isNull()) {
            return true;
        }
        String operator = where.path("operator").asText();
        if (operator.equals("And") || operator.equals("Or")) {
            boolean and = operator.equals("And");
            for (JsonNode operand : where.path("operands")) {
                if (matches(cls, operand, id, properties) != and) {
                    return !and;
                }
            }
            return and;
        }
        String path = where.path("path").path(0).asText();
        if (path.equals("id")) {
            boolean equal = id.equals(where.path("valueText").asText());
            return switch (operator) {
                case "Equal" -> equal;
                case "NotEqual" -> !equal;
                default -> throw new Refused("operator " + operator + " is not supported on id");
            };
        }
        boolean length = path.startsWith("len(") && path.endsWith(")");
        String name = length ? path.substring(4, path.length() - 1) : path;
        JsonNode property = cls.property(name);
        if (property == null) {
            throw new Refused("no such prop with name '" + name + "' found in class '"
                    + cls.definition.path("class").asText() + "' in the schema");
        }
        if (!property.path("indexFilterable").asBoolean(true)) {
            throw new Refused("Filtering by property '" + name + "' requires inverted index");
        }
        JsonNode value = properties.path(name);
        if (length) {
            if (!cls.definition
                    .path("invertedIndexConfig")
                    .path("indexPropertyLength")
                    .asBoolean(false)) {
                throw new Refused("Property length must be indexed to be filterable! add `IndexPropertyLength: true` to"
                        + " the invertedIndexConfig in "
                        + cls.definition.path("class").asText());
            }
            long actual = value.isTextual() ? value.textValue().length() : 0;
            return compare(operator, actual, where.path("valueInt").asLong());
        }
        String type = property.path("dataType").path(0).asText();
        if (where.has("valueText") || where.has("valueTextArray")) {
            if (!type.equals("text")) {
                throw new Refused("data type filter cannot use \"valueText\" on type \"" + type + "\"");
            }
            List<String> wanted = new ArrayList<>();
            if (where.has("valueText")) {
                wanted.add(where.get("valueText").asText());
            } else {
                where.get("valueTextArray").forEach(v -> wanted.add(v.asText()));
            }
            boolean field = property.path("tokenization").asText().equals("field");
            boolean equal = false;
            for (String candidate : wanted) {
                equal |= value.isTextual() && textEqual(field, candidate, value.textValue());
            }
            return switch (operator) {
                case "Equal", "ContainsAny" -> equal;
                case "NotEqual" -> !equal;
                default -> throw new Refused("operator " + operator + " is not supported on text");
            };
        }
        if (where.has("valueInt")) {
            if (!type.equals("int") && !type.equals("number")) {
                throw new Refused("data type filter cannot use \"valueInt\" on type \"" + type + "\"");
            }
            if (!value.isNumber()) {
                return operator.equals("NotEqual");
            }
            return compare(operator, value.asLong(), where.get("valueInt").asLong());
        }
        throw new Refused("the fake does not know the filter " + where);
    }

    /** Equal on text: whole values with field tokenization, lowercase words with word tokenization. */
    private static boolean textEqual(boolean field, String wanted, String actual) {
        if (field) {
            return !wanted.strip().isEmpty() && wanted.strip().equals(actual.strip());
        }
        List<String> words = words(wanted);
        return !words.isEmpty() && words(actual).containsAll(words);
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(w -> !w.isEmpty())
                .toList();
    }

    private static boolean compare(String operator, long actual, long wanted) {
        return switch (operator) {
            case "Equal" -> actual == wanted;
            case "NotEqual" -> actual != wanted;
            case "LessThan" -> actual < wanted;
            case "LessThanEqual" -> actual <= wanted;
            case "GreaterThan" -> actual > wanted;
            case "GreaterThanEqual" -> actual >= wanted;
            default -> throw new Refused("operator " + operator + " is not supported on numbers");
        };
    }

    // ---- GraphQL --------------------------------------------------------------------------------

    private JsonNode graphQl(String text) {
        ObjectNode answer = NODES.objectNode();
        try {
            GraphQl parser = new GraphQl(text);
            parser.expect("{");
            parser.expect("Get");
            parser.expect("{");
            String className = parser.name();
            Map<String, JsonNode> arguments = parser.arguments();
            List<String> selection = parser.selection();
            Cls cls = classes.get(className);
            if (cls == null) {
                throw new Refused("Cannot query field \"" + className + "\" on type \"GetObjectsObj\".");
            }
            for (String field : selection) {
                if (!field.equals("_additional") && cls.property(field) == null) {
                    throw new Refused("Cannot query field \"" + field + "\" on type \"" + className + "\".");
                }
            }
            String level = arguments.containsKey("consistencyLevel")
                    ? arguments.get("consistencyLevel").asText()
                    : "ONE";
            if (!List.of("ONE", "QUORUM", "ALL").contains(level)) {
                throw new Refused("Argument \"consistencyLevel\" has invalid value " + level + ".");
            }
            Map<String, Obj> objects = visible(cls, level);
            JsonNode where = arguments.getOrDefault("where", NODES.missingNode());
            int limit = arguments.containsKey("limit") ? arguments.get("limit").asInt() : 10;
            int offset =
                    arguments.containsKey("offset") ? arguments.get("offset").asInt() : 0;
            if (offset + limit > queryMaximumResults) {
                throw new Refused("query maximum results exceeded");
            }
            List<Map.Entry<String, Double>> ranked = new ArrayList<>();
            JsonNode nearVector =
                    arguments.getOrDefault("nearVector", NODES.missingNode()).path("vector");
            float[] query = new float[nearVector.size()];
            for (int i = 0; i < query.length; i++) {
                query[i] = (float) nearVector.get(i).asDouble();
            }
            String distance =
                    cls.definition.path("vectorIndexConfig").path("distance").asText();
            for (Map.Entry<String, Obj> object : objects.entrySet()) {
                if (matches(cls, where, object.getKey(), object.getValue().properties())) {
                    if (!arguments.containsKey("nearVector")) {
                        ranked.add(Map.entry(object.getKey(), 0d)); // a filter alone: stored order
                        continue;
                    }
                    if (object.getValue().vector().length != query.length) {
                        throw new Refused("vector search: KnnSearchByVectorMaxDist: vector lengths don't match: "
                                + query.length + " vs " + object.getValue().vector().length);
                    }
                    ranked.add(Map.entry(
                            object.getKey(),
                            distance(distance, query, object.getValue().vector())));
                }
            }
            if (arguments.containsKey("nearVector")) {
                ranked.sort(Map.Entry.comparingByValue());
            }
            ArrayNode hits = answer.putObject("data").putObject("Get").putArray(className);
            ranked.stream().skip(offset).limit(limit).forEach(entry -> {
                ObjectNode hit = hits.addObject();
                Obj object = objects.get(entry.getKey());
                ObjectNode properties = object.properties();
                for (String field : selection) {
                    if (field.equals("_additional")) {
                        ObjectNode additional = hit.putObject("_additional");
                        for (String wanted : parser.additional) {
                            switch (wanted) {
                                case "id" -> additional.put("id", entry.getKey());
                                case "distance" -> additional.put("distance", entry.getValue());
                                case "vector" -> {
                                    ArrayNode vector = additional.putArray("vector");
                                    for (float v : object.vector()) {
                                        vector.add(v);
                                    }
                                }
                                default -> throw new Refused(
                                        "Cannot query field \"" + wanted + "\" on type \"AdditionalProperties\".");
                            }
                        }
                    } else {
                        hit.set(field, properties.has(field) ? properties.get(field) : NODES.nullNode());
                    }
                }
            });
        } catch (Refused e) {
            answer.putNull("data");
            answer.putArray("errors").addObject().put("message", e.getMessage());
        }
        return answer;
    }

    private static double distance(String distance, float[] a, float[] b) {
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
            case "cosine" -> 1 - dot / Math.sqrt(na * nb);
            case "l2-squared" -> squared;
            case "dot" -> -dot;
            default -> throw new Refused("the fake does not know the distance " + distance);
        };
    }

    /** The subset of GraphQL the store sends: names, arguments with object / list / scalar values, selections. */
    private static final class GraphQl {
        private final String text;
        private int at;
        private final List<String> additional = new ArrayList<>();

        GraphQl(String text) {
            this.text = text;
        }

        private void skip() {
            while (at < text.length() && (Character.isWhitespace(text.charAt(at)) || text.charAt(at) == ',')) {
                at++;
            }
        }

        private boolean next(String token) {
            skip();
            return text.startsWith(token, at);
        }

        void expect(String token) {
            if (!next(token)) {
                throw new Refused("Syntax Error: expected " + token + " at " + at);
            }
            at += token.length();
        }

        String name() {
            skip();
            int start = at;
            while (at < text.length() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_')) {
                at++;
            }
            if (start == at) {
                throw new Refused("Syntax Error: expected a name at " + at);
            }
            return text.substring(start, at);
        }

        Map<String, JsonNode> arguments() {
            Map<String, JsonNode> arguments = new LinkedHashMap<>();
            if (!next("(")) {
                return arguments;
            }
            expect("(");
            while (!next(")")) {
                String name = name();
                expect(":");
                arguments.put(name, value());
            }
            expect(")");
            return arguments;
        }

        List<String> selection() {
            List<String> fields = new ArrayList<>();
            expect("{");
            while (!next("}")) {
                String field = name();
                fields.add(field);
                if (next("{")) {
                    additional.addAll(selection()); // the fields of _additional
                }
            }
            expect("}");
            return fields;
        }

        JsonNode value() {
            skip();
            char c = text.charAt(at);
            if (c == '{') {
                expect("{");
                ObjectNode object = NODES.objectNode();
                while (!next("}")) {
                    String name = name();
                    expect(":");
                    object.set(name, value());
                }
                expect("}");
                return object;
            }
            if (c == '[') {
                expect("[");
                ArrayNode array = NODES.arrayNode();
                while (!next("]")) {
                    array.add(value());
                }
                expect("]");
                return array;
            }
            if (c == '"') {
                int end = at + 1;
                while (text.charAt(end) != '"') {
                    end += text.charAt(end) == '\\' ? 2 : 1;
                }
                String literal = text.substring(at, end + 1);
                at = end + 1;
                try {
                    return Json.MAPPER.readTree(literal);
                } catch (IOException e) {
                    throw new Refused("Syntax Error: bad string " + literal);
                }
            }
            if (c == '-' || Character.isDigit(c)) {
                int start = at;
                while (at < text.length() && "-+.eE0123456789".indexOf(text.charAt(at)) >= 0) {
                    at++;
                }
                String number = text.substring(start, at);
                return number.matches("-?\\d+")
                        ? NODES.numberNode(Long.parseLong(number))
                        : NODES.numberNode(Double.parseDouble(number));
            }
            String name = name();
            return switch (name) {
                case "true" -> NODES.booleanNode(true);
                case "false" -> NODES.booleanNode(false);
                case "null" -> NODES.nullNode();
                default -> NODES.textNode(name); // an enum value, such as an operator
            };
        }
    }

    // ---- plumbing -------------------------------------------------------------------------------

    private static String capitalized(String name) {
        return name.isEmpty() ? name : name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                query.put(
                        URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    private static JsonNode body(LoggedRequest request) {
        try {
            byte[] bytes = request.getBody();
            return bytes == null || bytes.length == 0 ? NODES.objectNode() : Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ResponseDefinition error(int code, String message) {
        ObjectNode body = NODES.objectNode();
        body.putArray("error").addObject().put("message", message);
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
