package io.vectorsink.store.weaviate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.config.IndexingConfig.WeaviateLayout;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpService;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkFields;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.DistanceMetric;
import io.vectorsink.store.IndexModel;
import io.vectorsink.store.RecordedModel;
import io.vectorsink.store.RestEndpoint;
import io.vectorsink.store.RestEndpoint.Answer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.HttpUrl;

/**
 * The Weaviate classes a store writes: which class a stream's chunks go to, reading and verifying a class
 * before its first use, creating it, and declaring each property before an object carries it. Kept apart
 * from the store because it is the one part with state (the classes verified so far and their property
 * types) and the one place that knows what makes a class fit for vectorsink; the store only asks for a
 * class's {@link ClassState} and writes. Weaviate's auto-schema would type a property from whatever value
 * comes first and could make filter properties tokenized text, so nothing is written before it is declared.
 * Thread-safe: schema changes happen under one lock, lookups of known classes take none.
 */
final class WeaviateSchema {
    private static final Map<DistanceMetric, String> DISTANCES =
            Map.of(DistanceMetric.COSINE, "cosine", DistanceMetric.L2, "l2-squared", DistanceMetric.IP, "dot");

    private final RestEndpoint http;
    private final WeaviateLayout layout;
    private final DistanceMetric metric;
    private final String distance;

    /** The property of the chunk text ({@code indexing.text_field}). */
    private final String textProperty;

    /** The classes this store has verified (and, for writes, completed), by name. */
    private final Map<String, ClassState> classes = new ConcurrentHashMap<>();

    /** Class-per-stream: the stream each class holds, so two streams never meet in one class. */
    private final Map<String, StreamId> owners = new ConcurrentHashMap<>();

    private final Object schemaLock = new Object();

    private volatile int dimension;

    /** The embedding model rule of the store, recorded in each class's description. */
    private volatile IndexModel model = IndexModel.none();

    /** What the store knows of one class: each property's Weaviate type (the first of its dataType). */
    /** Weaviate's scalar data types, which GraphQL returns without a sub-selection. */
    private static final Set<String> SELECTABLE_TYPES =
            Set.of("text", "string", "int", "number", "boolean", "date", "uuid");

    static final class ClassState {
        private final String name;
        private final Map<String, String> types = new ConcurrentHashMap<>();

        /** The class's {@code vectorizer} module as Weaviate answers it; empty when the answer names none. */
        private final String vectorizer;

        /**
         * Whether the connector's own properties have been declared: a class first met by a delete or a
         * query is only read, and is completed when the first write comes.
         */
        private volatile boolean complete;

        private ClassState(String name, String vectorizer) {
            this.name = name;
            this.vectorizer = vectorizer;
        }

        String name() {
            return name;
        }

        /**
         * Whether a merge ({@code PATCH}) without a vector keeps the stored vector. Weaviate keeps it only
         * when the class's vectorizer is {@code none}; with a module (a class made by another tool, or with
         * the server's default module) it runs the module on the merged properties when a property it
         * vectorizes changed, which replaces vectorsink's vector with one of another model. A class whose
         * vectorizer the answer does not name counts as one with a module.
         */
        boolean mergeKeepsVector() {
            return vectorizer.equals("none");
        }

        /**
         * The property of metadata key {@code key} in this class: {@link WeaviateNames#property}, unless the
         * class has another property whose name differs from that only in case; Weaviate compares names
         * without case and refuses the second ("conflict for property ...: already in use"), so the key then
         * gets its own name ({@link WeaviateNames#distinct}). Stable: properties are never removed.
         */
        String property(String key, String textProperty) {
            String name = WeaviateNames.property(key, textProperty);
            if (types.containsKey(name)) {
                return name;
            }
            for (String existing : types.keySet()) {
                if (existing.equalsIgnoreCase(name)) {
                    return WeaviateNames.distinct(key);
                }
            }
            return name;
        }

        /** Property name to Weaviate type; a live view that grows as properties are declared. */
        Map<String, String> types() {
            return types;
        }

        /**
         * The properties a query can select, sorted: scalar types and their arrays only. Cross-references
         * (a class name as dataType), {@code object}, {@code geoCoordinates} and {@code phoneNumber} need a
         * sub-selection in GraphQL, and vectorsink never writes them.
         */
        List<String> selectable() {
            List<String> selected = new ArrayList<>();
            types.forEach((property, type) -> {
                if (SELECTABLE_TYPES.contains(type.endsWith("[]") ? type.substring(0, type.length() - 2) : type)) {
                    selected.add(property);
                }
            });
            selected.sort(null);
            return selected;
        }
    }

    WeaviateSchema(RestEndpoint http, WeaviateLayout layout, DistanceMetric metric, String textProperty) {
        this.http = http;
        this.textProperty = textProperty;
        this.layout = layout;
        this.metric = metric;
        this.distance = DISTANCES.get(metric);
    }

    /** The property of the chunk text. */
    String textProperty() {
        return textProperty;
    }

    /** The store's embedding model rule, before the first check or prepare. */
    void useModel(IndexModel model) {
        this.model = model;
    }

    /** The Weaviate distance (vectorIndexConfig.distance) of the configured metric. */
    String distance() {
        return distance;
    }

    /** Why the existing classes of the layout cannot take chunks of {@code dimension}; creates nothing. */
    List<String> problems(int dimension) {
        List<String> problems = new ArrayList<>();
        if (layout instanceof WeaviateLayout.SingleClass single) {
            readClass(http.check(), single.className()).ifPresent(cls -> {
                problems.addAll(verify(http.check(), cls, dimension));
                judgeModel(cls);
            });
        } else {
            for (JsonNode cls : layoutClasses(http.check())) {
                problems.addAll(verify(http.check(), cls, dimension));
                judgeModel(cls);
            }
        }
        return problems;
    }

    /** Remembers {@code dimension} for verification, and makes the single class ready to write. */
    void prepare(int dimension) {
        this.dimension = dimension;
        if (layout instanceof WeaviateLayout.SingleClass single) {
            state(single.className(), true);
        }
        // Class per stream: each class is created or verified when its stream is first written.
    }

    boolean prepared() {
        return dimension > 0;
    }

    /** The class of a chunk, named by its {@code _ab_stream} and {@code _ab_namespace} metadata. */
    String classOf(ChunkPoint point) {
        if (layout instanceof WeaviateLayout.SingleClass single) {
            return single.className();
        }
        Object name = point.metadata().get(ChunkFields.STREAM);
        Object namespace = point.metadata().get(ChunkFields.NAMESPACE);
        if (!(name instanceof String airbyteName) || !(namespace instanceof String ns)) {
            throw new SystemException("chunk " + point.id() + " names no stream in _ab_stream and _ab_namespace");
        }
        // _ab_stream is namespace_name (StreamId#airbyteName): the name is what follows the namespace.
        String streamName = !ns.isEmpty() && airbyteName.startsWith(ns + "_")
                ? airbyteName.substring(ns.length() + 1)
                : airbyteName;
        return classFor(new StreamId(ns, streamName));
    }

    /** The class of {@code stream}; with one class per stream, refuses a class another stream holds. */
    String classFor(StreamId stream) {
        if (layout instanceof WeaviateLayout.SingleClass single) {
            return single.className();
        }
        String className = WeaviateNames.classFor((WeaviateLayout.ClassPerStream) layout, stream);
        StreamId owner = owners.putIfAbsent(className, stream);
        if (owner != null && !owner.equals(stream)) {
            throw new ConfigException("Streams " + owner + " and " + stream + " both map to the Weaviate class '"
                    + className + "'; rename one of them (for example with a different namespace) or write them"
                    + " to one class (indexing.layout single_class)");
        }
        return className;
    }

    /**
     * The classes a query of {@code stream} searches; with {@code stream} null and one class per stream, every
     * vectorsink class of the layout in Weaviate ({@code GET /v1/schema}), not only those this store used.
     */
    List<ClassState> searched(StreamId stream) {
        List<ClassState> states = new ArrayList<>();
        if (stream != null || layout instanceof WeaviateLayout.SingleClass) {
            Optional.ofNullable(state(classFor(stream), false)).ifPresent(states::add);
            return states;
        }
        for (JsonNode cls : layoutClasses(http.sync())) {
            String name = cls.path("class").asText();
            ClassState known = classes.get(name);
            states.add(known != null ? known : adopt(cls, false));
        }
        states.sort((a, b) -> a.name().compareTo(b.name()));
        return states;
    }

    /**
     * The verified state of {@code className}. When it is missing: created when {@code create}, else null.
     * Verification also adds connector properties the class lacks when {@code create}.
     */
    ClassState state(String className, boolean create) {
        ClassState known = classes.get(className);
        if (known != null && (known.complete || !create)) {
            return known;
        }
        synchronized (schemaLock) {
            known = classes.get(className);
            if (known != null) {
                if (create) {
                    complete(known);
                }
                return known;
            }
            Optional<JsonNode> existing = readClass(http.sync(), className);
            if (existing.isEmpty()) {
                if (!create) {
                    return null;
                }
                String description = model.model().map(RecordedModel::text).orElse(WeaviateJson.DESCRIPTION);
                Answer created = http.send(
                        http.sync(),
                        http.post(
                                http.url("schema"),
                                WeaviateJson.createClass(className, distance, description, textProperty)));
                // 422 "already exists": another writer created it first, which is as good.
                boolean raced =
                        created.code() == 422 && created.status().bodySnippet().contains("already exists");
                if (!raced) {
                    http.require(created, "create class '" + className + "'");
                }
                existing = readClass(http.sync(), className);
                if (existing.isEmpty()) {
                    throw new TransientException(
                            "Weaviate class '" + className + "' was created but cannot be read back yet");
                }
            }
            return adopt(existing.get(), create);
        }
    }

    /** Verifies {@code cls}, read from Weaviate, and remembers its state; completes it when {@code create}. */
    private ClassState adopt(JsonNode cls, boolean create) {
        synchronized (schemaLock) {
            List<String> problems = verify(http.sync(), cls, dimension);
            if (!problems.isEmpty()) {
                throw new ConfigException(problems, null);
            }
            if (judgeModel(cls) && create) {
                recordModel(cls);
            }
            ClassState state = new ClassState(
                    cls.path("class").asText(), cls.path("vectorizer").asText(""));
            properties(cls).forEach((name, property) -> state.types.put(name, type(property)));
            if (create) {
                complete(state);
            }
            ClassState raced = classes.putIfAbsent(state.name, state);
            http.markPrepared(); // from now on a 404 means a class was deleted during the sync
            return raced != null ? raced : state;
        }
    }

    /** Whether the configured model must be recorded in {@code cls}; refuses a class of another model. */
    private boolean judgeModel(JsonNode cls) {
        return model.judge(
                RecordedModel.fromText(cls.path("description").asText("")),
                "Weaviate class '" + cls.path("class").asText() + "'",
                true);
    }

    /**
     * {@code PUT /v1/schema/{class}} with the class as read and the model in its description: an update
     * changes only mutable settings, and the description is one.
     */
    private void recordModel(JsonNode cls) {
        ObjectNode updated = ((ObjectNode) cls).deepCopy();
        updated.put("description", RecordedModel.text(model.model().orElseThrow()));
        String name = cls.path("class").asText();
        http.require(
                http.send(http.sync(), http.put(http.url("schema", name), WeaviateJson.write(updated))),
                "record the embedding model in class '" + name + "'");
    }

    /** Adds the connector's properties {@code state} lacks; under {@link #schemaLock}. */
    private void complete(ClassState state) {
        for (Map.Entry<String, ObjectNode> property :
                WeaviateJson.connectorProperties(textProperty).entrySet()) {
            if (!state.types.containsKey(property.getKey())) {
                addProperty(state, property.getValue());
            }
        }
        state.complete = true;
    }

    /** Declares, before the batch is sent, each property the points use that the class does not have yet. */
    void declareProperties(ClassState state, Iterable<ChunkPoint> points) {
        Map<String, Object> missing = new LinkedHashMap<>();
        for (ChunkPoint point : points) {
            point.metadata().forEach((key, value) -> {
                if (value != null && !state.types.containsKey(state.property(key, textProperty))) {
                    missing.putIfAbsent(key, value);
                }
            });
        }
        if (missing.isEmpty()) {
            return;
        }
        synchronized (schemaLock) {
            for (Map.Entry<String, Object> property : missing.entrySet()) {
                // Named one at a time: a property declared just before may differ from this one only in case.
                String name = state.property(property.getKey(), textProperty);
                if (!state.types.containsKey(name)) {
                    addProperty(state, WeaviateJson.userProperty(name, property.getValue()));
                }
            }
        }
    }

    /** {@code POST /v1/schema/{class}/properties}; a property another writer added first is read back. */
    private void addProperty(ClassState state, ObjectNode property) {
        String name = property.path("name").asText();
        Answer answer = http.send(
                http.sync(), http.post(http.url("schema", state.name, "properties"), WeaviateJson.write(property)));
        // Weaviate answers "conflict for property ...: already in use" (older versions: "already exists").
        if (answer.code() == 422
                && (answer.status().bodySnippet().contains("already exists")
                        || answer.status().bodySnippet().contains("already in use"))) {
            JsonNode cls = readClass(http.sync(), state.name)
                    .orElseThrow(() -> new TransientException(
                            "Weaviate class '" + state.name + "' disappeared while a property was added"));
            properties(cls).forEach((n, p) -> state.types.put(n, type(p)));
            return;
        }
        http.require(answer, "add property " + name + " to class '" + state.name + "'");
        state.types.put(name, type(property));
    }

    /**
     * {@code GET /v1/schema} ({@code {"classes": [...]}}): the classes of a class-per-stream layout, those
     * whose name has its prefix and that have vectorsink's {@code _ab_stream} property (so a user's class
     * that only shares the prefix is left alone).
     */
    private List<JsonNode> layoutClasses(HttpService service) {
        String prefix = ((WeaviateLayout.ClassPerStream) layout).classPrefix();
        JsonNode schema = http.require(http.send(service, http.get(http.url("schema"))), "read the schema");
        List<JsonNode> ours = new ArrayList<>();
        for (JsonNode cls : schema.path("classes")) {
            if (cls.path("class").asText().startsWith(prefix) && properties(cls).containsKey(ChunkFields.STREAM)) {
                ours.add(cls);
            }
        }
        return ours;
    }

    /** {@code GET /v1/schema/{class}}: the class, or empty when Weaviate answers 404. */
    private Optional<JsonNode> readClass(HttpService service, String className) {
        Answer answer = http.send(service, http.get(http.url("schema", className)));
        if (answer.code() == 404) {
            return Optional.empty();
        }
        return Optional.of(http.require(answer, "read class '" + className + "'"));
    }

    /** Why {@code cls} cannot take this store's chunks; empty when it can. */
    private List<String> verify(HttpService service, JsonNode cls, int dimension) {
        String name = cls.path("class").asText();
        String label = "Weaviate class '" + name + "'";
        List<String> problems = new ArrayList<>();
        JsonNode vectorIndex = cls.path("vectorIndexConfig");
        if (vectorIndex.isMissingNode() && cls.path("vectorConfig").size() > 0) {
            problems.add(label + " uses named vectors; vectorsink writes the class's single vector, so use another"
                    + " class name");
            return problems;
        }
        if (cls.path("multiTenancyConfig").path("enabled").asBoolean(false)) {
            problems.add(label + " has multi-tenancy enabled; vectorsink writes without a tenant, so use another"
                    + " class name");
        }
        String existing = vectorIndex.path("distance").asText("cosine");
        if (!existing.equals(distance)) {
            String wanted = metricOf(existing);
            problems.add(label + " uses the " + existing + " distance, but distance_metric is " + metric + " ("
                    + distance + "); " + (wanted == null ? "" : "set distance_metric to " + wanted + " or ")
                    + "use another class name");
        }
        if (!cls.path("invertedIndexConfig").path("indexPropertyLength").asBoolean(false)) {
            problems.add(label + " was created without invertedIndexConfig.indexPropertyLength, which vectorsink's"
                    + " filter for streams without a namespace needs (and which cannot be changed later); use"
                    + " another class name");
        }
        Map<String, JsonNode> properties = properties(cls);
        for (String text : WeaviateJson.FILTER_TEXT) {
            JsonNode property = properties.get(text);
            if (property != null
                    && (!type(property).equals("text")
                            || !property.path("tokenization").asText().equals("field")
                            || !property.path("indexFilterable").asBoolean(true))) {
                problems.add(label + " defines " + text + " as " + type(property) + " with "
                        + property.path("tokenization").asText("no") + " tokenization; vectorsink needs filterable"
                        + " text with field tokenization to match it exactly, so use another class name");
            }
        }
        for (String integer : List.of(ChunkFields.CHUNK_INDEX, ChunkFields.GENERATION_ID)) {
            JsonNode property = properties.get(integer);
            if (property != null
                    && (!type(property).equals("int")
                            || !property.path("indexFilterable").asBoolean(true))) {
                problems.add(label + " defines " + integer + " as " + type(property) + "; vectorsink needs a"
                        + " filterable int, so use another class name");
            }
        }
        problems.addAll(textProblems(label, properties));
        if (dimension > 0) {
            // Weaviate's schema has no dimension: a stored object's vector tells it, when there is one.
            HttpUrl sample = http.url("objects")
                    .newBuilder()
                    .addQueryParameter("class", name)
                    .addQueryParameter("limit", "1")
                    .addQueryParameter("include", "vector")
                    .build();
            JsonNode objects = http.require(
                            http.send(service, http.get(sample)), "read an object of class '" + name + "'")
                    .path("objects");
            if (objects.size() > 0 && objects.get(0).path("vector").isArray()) {
                int size = objects.get(0).path("vector").size();
                if (size != dimension) {
                    problems.add(label + " holds vectors of " + size + " dimensions, but the embedding model makes "
                            + dimension + "; use another class name or an embedding model with " + size
                            + " dimensions");
                }
            }
        }
        return problems;
    }

    /**
     * Why the chunk text cannot go to {@link #textProperty} in a class with these properties: it is not text,
     * or it is missing while the class keeps its texts in another searchable (word-tokenized) text property,
     * as a class LangChain or LlamaIndex made with another text key does. The message names
     * {@code indexing.text_field}. A class with neither (new, or made by vectorsink) gets the property added.
     */
    private List<String> textProblems(String label, Map<String, JsonNode> properties) {
        JsonNode text = properties.get(textProperty);
        if (text != null) {
            return type(text).equals("text")
                    ? List.of()
                    : List.of(label + " defines " + textProperty + " as " + type(text) + "; vectorsink stores the"
                            + " chunk text there, so set indexing.text_field to the class's text property or use"
                            + " another class name");
        }
        List<String> texts = new ArrayList<>();
        properties.forEach((name, property) -> {
            if (type(property).equals("text")
                    && !name.startsWith("_ab_")
                    && !name.equals(WeaviateJson.AIRBYTE_META)
                    && property.path("tokenization").asText("word").equals("word")
                    && property.path("indexSearchable").asBoolean(true)) {
                texts.add(name);
            }
        });
        return texts.isEmpty()
                ? List.of()
                : List.of(label + " has no property " + textProperty + " but keeps text in " + String.join(", ", texts)
                        + "; set indexing.text_field to " + (texts.size() == 1 ? texts.get(0) : "one of them")
                        + " to store the chunk text there");
    }

    /** The distance_metric whose Weaviate distance is {@code weaviateDistance}, or null when none is. */
    private static String metricOf(String weaviateDistance) {
        return DistanceMetric.named(DISTANCES, weaviateDistance)
                .map(DistanceMetric::configName)
                .orElse(null);
    }

    private static Map<String, JsonNode> properties(JsonNode cls) {
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        cls.path("properties").forEach(p -> properties.put(p.path("name").asText(), p));
        return properties;
    }

    private static String type(JsonNode property) {
        return property.path("dataType").path(0).asText("");
    }
}
