package io.vectorsink.store.weaviate;

import static io.vectorsink.store.StoreHttp.requirePositive;
import static io.vectorsink.store.StoreHttp.stripSlash;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.config.IndexingConfig.WeaviateLayout;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.ConnectorException;
import io.vectorsink.error.Secrets;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.HttpErrors;
import io.vectorsink.http.HttpService;
import io.vectorsink.http.HttpStatus;
import io.vectorsink.http.HttpsPolicy;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.protocol.Json;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.MetadataRules;
import io.vectorsink.store.PointBatches;
import io.vectorsink.store.QueryHit;
import io.vectorsink.store.RecordTrims;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.StoreHttp;
import io.vectorsink.store.StoreHttp.Answer;
import io.vectorsink.store.VectorStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.slf4j.LoggerFactory;

/**
 * Weaviate (1.21 or later) over its REST API v1. Chunks are objects with UUID ids, the chunk text in the
 * property {@code text}, the metadata as properties and the vector supplied by vectorsink (vectorizer
 * {@code none}); one class holds every stream, or each stream has its own (see {@link WeaviateNames}).
 *
 * <p>Schema: the store declares every property before it writes it, so Weaviate's auto-schema never picks
 * a type. The connector's filter properties are text with {@code field} tokenization and filterable (exact
 * matches), its counters {@code int}. A user metadata key becomes the property {@link WeaviateNames#property}
 * names, typed by the first value the store sees: text, int, number or boolean. A later value of another
 * type is written in the property's type when that loses nothing (any value as text, an integral double as
 * int, an integer up to 2^53 as number); otherwise the field is left out of the object and recorded on it
 * as a NULLED change ({@code DESTINATION_SERIALIZATION_ERROR}) in {@code _airbyte_meta}.
 *
 * <p>Acknowledgement: {@code POST /v1/batch/objects} answers 200 even when objects fail; a write counts
 * only when the answer holds one result per object and none of them has {@code result.errors}; objects
 * with a transient error are sent again, alone, within the retry bound. Deletes go
 * through {@code DELETE /v1/batch/objects}, which removes at most {@code QUERY_MAXIMUM_RESULTS} objects per
 * call (10,000 by default, reported as {@code results.limit}): the store repeats a delete until fewer than
 * that limit match, and fails on any {@code results.failed}. Writes and deletes carry the configured
 * {@code consistency_level}. Thread-safe.
 */
public final class WeaviateVectorStore implements VectorStore {
    static final String SERVICE = "Weaviate";

    /**
     * Objects per batch request. Weaviate documents no limit on the count; its clients send 100 by default,
     * which keeps a request's work (and its time to answer) short.
     */
    static final int MAX_OBJECTS_PER_BATCH = 100;

    /**
     * Bytes per batch request. Weaviate documents no body limit of its own; 10 MiB stays under the usual
     * limits of proxies in front of it, and a 413 halves the batch.
     */
    static final long MAX_BATCH_BYTES = 10L * 1024 * 1024;

    /** Record ids per delete filter ({@code ContainsAny}); Weaviate documents no limit, this keeps filters short. */
    static final int MAX_IDS_PER_DELETE = 500;

    /** The oldest Weaviate with {@code ContainsAny} (1.21); {@code field} tokenization came in 1.19. */
    static final int[] MIN_VERSION = {1, 21};

    /**
     * Weaviate's text properties have no documented size limit; values are kept within 32 KiB and an
     * object's metadata within 1 MiB, so metadata never dominate a request.
     */
    private static final MetadataRules RULES = new MetadataRules(32 * 1024, 1024 * 1024);

    private static final MediaType JSON = MediaType.get("application/json");

    private static final Map<String, String> DISTANCES = Map.of("cosine", "cosine", "l2", "l2-squared", "ip", "dot");

    private static final Pattern PROPERTY_IN_MESSAGE = Pattern.compile("prop(?:erty)?(?: with name)? '([^']{1,120})'");

    private final HttpUrl base;
    private final String shownUrl;
    private final WeaviateLayout layout;
    private final String metric;
    private final String distance;
    private final String consistencyLevel;
    private final Headers headers;
    private final HttpService http;
    private final HttpService checkHttp;
    private final RetryTiming timing;
    private final RetrySettings retry;

    /** The classes this store has verified (and, for writes, completed), by name. */
    private final Map<String, ClassState> classes = new ConcurrentHashMap<>();

    /** Class-per-stream: the stream each class holds, so two streams never meet in one class. */
    private final Map<String, StreamId> owners = new ConcurrentHashMap<>();

    private final Object schemaLock = new Object();

    private volatile int dimension;

    /** What the store knows of one class: each property's Weaviate type (the first of its dataType). */
    private static final class ClassState {
        final String name;
        final Map<String, String> types = new ConcurrentHashMap<>();

        ClassState(String name) {
            this.name = name;
        }
    }

    /** A store on the shared HTTP client. Does no I/O; {@link #check} and {@link #prepare} do. */
    public WeaviateVectorStore(IndexingConfig.Weaviate config, AdvancedConfig advanced) {
        this(config, advanced, HttpClients.shared(), RetryTiming.system(), RetrySettings.forService(SERVICE, advanced));
    }

    /** For tests: injected retry timing and bounds, so retries are observed instead of slept. */
    public WeaviateVectorStore(
            IndexingConfig.Weaviate config,
            AdvancedConfig advanced,
            OkHttpClient client,
            RetryTiming timing,
            RetrySettings retry) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(advanced, "advanced");
        HttpUrl url = HttpsPolicy.check("indexing.host", config.host(), advanced.allowInsecureHttp());
        this.base = url.newBuilder().query(null).fragment(null).build();
        this.shownUrl = stripSlash(HttpsPolicy.withoutCredentials(url));
        this.layout = config.layout();
        this.metric = config.distanceMetric().toLowerCase(Locale.ROOT);
        this.distance = DISTANCES.get(metric);
        if (distance == null) {
            throw new ConfigException("indexing.distance_metric must be one of cosine, l2, ip, got '" + metric + "'");
        }
        this.consistencyLevel = config.consistencyLevel();
        Headers.Builder builder = new Headers.Builder();
        // Secrets first: nothing below may log or throw with a value that is not yet redacted.
        config.extraHeaders().values().forEach(Secrets::register);
        config.extraHeaders().forEach(builder::add);
        if (config.auth() instanceof IndexingConfig.WeaviateAuth.ApiKey key) {
            Secrets.register(key.apiKey());
            builder.add("Authorization", "Bearer " + key.apiKey());
        } else if (config.auth() instanceof IndexingConfig.WeaviateAuth.BearerToken token) {
            Secrets.register(token.token());
            builder.add("Authorization", "Bearer " + token.token());
        }
        this.headers = builder.build();
        this.timing = timing;
        this.retry = retry;
        this.http = new HttpService(client, retry, timing);
        // check answers a person who waits for it: seconds, not the sync's minutes of retries.
        this.checkHttp = StoreHttp.forCheck(http, retry);
    }

    // ---- VectorStore ----------------------------------------------------------------------------

    @Override
    public void check(int dimension) {
        requirePositive(dimension);
        try {
            requireVersion(require(send(checkHttp, get(url("meta"))), "read /v1/meta"));
        } catch (TransientException e) {
            if (e.getCause() instanceof IOException io) {
                throw new ConfigException(
                        "Weaviate at " + shownUrl + " is not reachable: " + HttpErrors.describe(io), e);
            }
            throw e;
        }
        List<String> problems = new ArrayList<>();
        if (layout instanceof WeaviateLayout.SingleClass single) {
            Optional<JsonNode> existing = readClass(checkHttp, single.className());
            existing.ifPresent(cls -> problems.addAll(verify(checkHttp, cls, dimension)));
        } else {
            String prefix = ((WeaviateLayout.ClassPerStream) layout).classPrefix();
            JsonNode schema = require(send(checkHttp, get(url("schema"))), "read the schema");
            for (JsonNode cls : schema.path("classes")) {
                boolean ours = cls.path("class").asText().startsWith(prefix)
                        && properties(cls).containsKey(WeaviateJson.STREAM);
                if (ours) {
                    problems.addAll(verify(checkHttp, cls, dimension));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems, null);
        }
    }

    @Override
    public void prepare(int dimension) {
        requirePositive(dimension);
        requireVersion(require(send(http, get(url("meta"))), "read /v1/meta"));
        this.dimension = dimension;
        if (layout instanceof WeaviateLayout.SingleClass single) {
            classState(single.className(), true);
        }
        // Class per stream: each class is created or verified when its stream is first written.
    }

    @Override
    public void upsert(List<ChunkPoint> points) {
        if (points.isEmpty()) {
            return;
        }
        requirePrepared();
        // Per class, two points with one id in a request would leave "which one won" to the server: last wins.
        Map<String, Map<String, ChunkPoint>> byClass = new LinkedHashMap<>();
        for (ChunkPoint point : points) {
            requireUuid(point.id());
            Map<String, ChunkPoint> unique = byClass.computeIfAbsent(classOf(point), k -> new LinkedHashMap<>());
            unique.remove(point.id());
            unique.put(point.id(), point);
        }
        byClass.forEach((className, unique) -> {
            ClassState state = classState(className, true);
            declareProperties(state, unique.values());
            List<byte[]> objects = new ArrayList<>(unique.size());
            for (ChunkPoint point : unique.values()) {
                objects.add(WeaviateJson.object(className, point.id(), point.vector(), fitted(state, point)));
            }
            PointBatches.forEach(
                    objects,
                    MAX_OBJECTS_PER_BATCH,
                    MAX_BATCH_BYTES - WeaviateJson.BATCH_OVERHEAD,
                    object -> object.length + 1L,
                    batch -> sendBatch(className, batch));
        });
    }

    @Override
    public void deleteChunks(List<RecordTrim> trims) {
        if (trims.isEmpty()) {
            return;
        }
        requirePrepared();
        Map<String, List<RecordTrim>> byClass = new LinkedHashMap<>();
        for (RecordTrim trim : trims) {
            byClass.computeIfAbsent(classFor(trim.stream()), k -> new ArrayList<>())
                    .add(trim);
        }
        byClass.forEach((className, classTrims) -> {
            if (classState(className, false) == null) {
                return; // nothing was ever written there
            }
            for (RecordTrims.Group group : RecordTrims.groups(classTrims, MAX_IDS_PER_DELETE)) {
                deleteAll(
                        className,
                        WeaviateJson.trimWhere(group.recordIds(), group.fromChunkIndex()),
                        "delete replaced chunks");
            }
        });
    }

    @Override
    public void deleteStale(StreamId stream, StaleFilter filter) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(filter, "filter");
        requirePrepared();
        String className = classFor(stream);
        if (classState(className, false) == null) {
            return;
        }
        deleteAll(className, WeaviateJson.staleWhere(stream, filter), "delete stale chunks of stream " + stream);
    }

    @Override
    public List<QueryHit> query(float[] vector, int limit, StreamId stream) {
        if (limit < 1) {
            throw new SystemException("query limit must be >= 1, got " + limit);
        }
        List<String> targets = new ArrayList<>();
        if (layout instanceof WeaviateLayout.SingleClass single) {
            targets.add(single.className());
        } else if (stream != null) {
            targets.add(classFor(stream));
        } else {
            targets.addAll(new TreeSet<>(classes.keySet())); // the classes this store has written or verified
        }
        ObjectNode where = stream == null ? null : WeaviateJson.and(WeaviateJson.streamConditions(stream));
        List<QueryHit> hits = new ArrayList<>();
        for (String className : targets) {
            ClassState state = classState(className, false);
            if (state != null) {
                hits.addAll(search(state, vector, limit, where));
            }
        }
        hits.sort(Comparator.comparingDouble(QueryHit::distance));
        return hits.size() > limit ? List.copyOf(hits.subList(0, limit)) : hits;
    }

    @Override
    public MetadataRules metadataRules() {
        return RULES;
    }

    /**
     * The distance (smaller is closer) behind a Weaviate distance, in the units Chroma reports: cosine is
     * {@code 1 - cos} in both, l2-squared is Chroma's l2, and Weaviate's dot distance is the negative dot
     * product (Chroma's ip is {@code 1 - dot}).
     */
    double distance(double weaviateDistance) {
        return metric.equals("ip") ? 1 + weaviateDistance : weaviateDistance;
    }

    // ---- classes --------------------------------------------------------------------------------

    private String classOf(ChunkPoint point) {
        if (layout instanceof WeaviateLayout.SingleClass single) {
            return single.className();
        }
        Object name = point.metadata().get(WeaviateJson.STREAM);
        Object namespace = point.metadata().get(WeaviateJson.NAMESPACE);
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
    private String classFor(StreamId stream) {
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
     * The verified state of {@code className}. When it is missing: created when {@code create}, else null.
     * Verification also adds connector properties the class lacks when {@code create}.
     */
    private ClassState classState(String className, boolean create) {
        ClassState known = classes.get(className);
        if (known != null) {
            return known;
        }
        synchronized (schemaLock) {
            known = classes.get(className);
            if (known != null) {
                return known;
            }
            Optional<JsonNode> existing = readClass(http, className);
            if (existing.isEmpty()) {
                if (!create) {
                    return null;
                }
                Answer created = send(http, post(url("schema"), WeaviateJson.createClass(className, distance)));
                // 422 "already exists": another writer created it first, which is as good.
                boolean raced =
                        created.code() == 422 && created.status().bodySnippet().contains("already exists");
                if (!raced) {
                    require(created, "create class '" + className + "'");
                }
                existing = readClass(http, className);
                if (existing.isEmpty()) {
                    throw new TransientException(
                            "Weaviate class '" + className + "' was created but cannot be read back yet");
                }
            }
            JsonNode cls = existing.get();
            List<String> problems = verify(http, cls, dimension);
            if (!problems.isEmpty()) {
                throw new ConfigException(problems, null);
            }
            ClassState state = new ClassState(className);
            properties(cls).forEach((name, property) -> state.types.put(name, type(property)));
            if (create) {
                for (Map.Entry<String, ObjectNode> property :
                        WeaviateJson.connectorProperties().entrySet()) {
                    if (!state.types.containsKey(property.getKey())) {
                        addProperty(state, property.getValue());
                    }
                }
            }
            classes.put(className, state);
            return state;
        }
    }

    /** {@code GET /v1/schema/{class}}: the class, or empty when Weaviate answers 404. */
    private Optional<JsonNode> readClass(HttpService service, String className) {
        Answer answer = send(service, get(url("schema", className)));
        if (answer.code() == 404) {
            return Optional.empty();
        }
        return Optional.of(require(answer, "read class '" + className + "'"));
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
            String wanted = DISTANCES.entrySet().stream()
                    .filter(e -> e.getValue().equals(existing))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElse(null);
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
        for (String integer : List.of(WeaviateJson.CHUNK_INDEX, WeaviateJson.GENERATION_ID)) {
            JsonNode property = properties.get(integer);
            if (property != null
                    && (!type(property).equals("int")
                            || !property.path("indexFilterable").asBoolean(true))) {
                problems.add(label + " defines " + integer + " as " + type(property) + "; vectorsink needs a"
                        + " filterable int, so use another class name");
            }
        }
        JsonNode text = properties.get(WeaviateJson.TEXT);
        if (text != null && !type(text).equals("text")) {
            problems.add(label + " defines text as " + type(text) + "; vectorsink stores the chunk text there, so"
                    + " use another class name");
        }
        if (dimension > 0) {
            // Weaviate's schema has no dimension: a stored object's vector tells it, when there is one.
            HttpUrl sample = url("objects")
                    .newBuilder()
                    .addQueryParameter("class", name)
                    .addQueryParameter("limit", "1")
                    .addQueryParameter("include", "vector")
                    .build();
            JsonNode objects = require(send(service, get(sample)), "read an object of class '" + name + "'")
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

    private static Map<String, JsonNode> properties(JsonNode cls) {
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        cls.path("properties").forEach(p -> properties.put(p.path("name").asText(), p));
        return properties;
    }

    private static String type(JsonNode property) {
        return property.path("dataType").path(0).asText("");
    }

    /** Declares, before the batch is sent, each property the points use that the class does not have yet. */
    private void declareProperties(ClassState state, Iterable<ChunkPoint> points) {
        Map<String, Object> missing = new LinkedHashMap<>();
        for (ChunkPoint point : points) {
            point.metadata().forEach((key, value) -> {
                String name = WeaviateNames.property(key);
                if (value != null && !state.types.containsKey(name)) {
                    missing.putIfAbsent(name, value);
                }
            });
        }
        if (missing.isEmpty()) {
            return;
        }
        synchronized (schemaLock) {
            for (Map.Entry<String, Object> property : missing.entrySet()) {
                if (!state.types.containsKey(property.getKey())) {
                    addProperty(state, WeaviateJson.userProperty(property.getKey(), property.getValue()));
                }
            }
        }
    }

    /** {@code POST /v1/schema/{class}/properties}; a property another writer added first is read back. */
    private void addProperty(ClassState state, ObjectNode property) {
        String name = property.path("name").asText();
        Answer answer = send(http, post(url("schema", state.name, "properties"), WeaviateJson.write(property)));
        if (answer.code() == 422 && answer.status().bodySnippet().contains("already exists")) {
            JsonNode cls = readClass(http, state.name)
                    .orElseThrow(() -> new TransientException(
                            "Weaviate class '" + state.name + "' disappeared while a property was added"));
            properties(cls).forEach((n, p) -> state.types.put(n, type(p)));
            return;
        }
        require(answer, "add property " + name + " to class '" + state.name + "'");
        state.types.put(name, type(property));
    }

    /**
     * The properties of {@code point} in the class's types; a value that does not fit its property is left
     * out and recorded on the object as a NULLED change in {@code _airbyte_meta}.
     */
    private static Map<String, Object> fitted(ClassState state, ChunkPoint point) {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<ObjectNode> changes = new ArrayList<>();
        for (Map.Entry<String, Object> entry : point.metadata().entrySet()) {
            if (entry.getValue() == null || entry.getKey().equals(WeaviateJson.AIRBYTE_META)) {
                continue;
            }
            String name = WeaviateNames.property(entry.getKey());
            Optional<Object> value = WeaviateJson.fit(state.types.getOrDefault(name, ""), entry.getValue());
            if (value.isPresent()) {
                properties.put(name, value.get());
            } else {
                ObjectNode change = JsonNodeFactory.instance.objectNode();
                change.put("field", entry.getKey());
                change.put("change", "NULLED");
                change.put("reason", "DESTINATION_SERIALIZATION_ERROR");
                changes.add(change);
            }
        }
        if (point.document() != null) {
            properties.put(WeaviateJson.TEXT, point.document());
        }
        Object meta = point.metadata().get(WeaviateJson.AIRBYTE_META);
        if (!changes.isEmpty()) {
            meta = withChanges(meta, changes);
        }
        if (meta != null) {
            properties.put(WeaviateJson.AIRBYTE_META, meta.toString());
        }
        return properties;
    }

    /** {@code meta} (the JSON text {@code {"changes": [...]}}, or null) with {@code changes} appended. */
    private static String withChanges(Object meta, List<ObjectNode> changes) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (meta instanceof String text) {
            try {
                JsonNode parsed = Json.MAPPER.readTree(text);
                if (parsed != null && parsed.isObject()) {
                    node = (ObjectNode) parsed;
                }
            } catch (JsonProcessingException e) {
                throw new SystemException("the chunk's _airbyte_meta is not JSON", e);
            }
        }
        JsonNode existing = node.path("changes");
        ArrayNode all = existing.isArray() ? (ArrayNode) existing : node.putArray("changes");
        changes.forEach(all::add);
        return node.toString();
    }

    // ---- writes ---------------------------------------------------------------------------------

    /**
     * Sends {@code objects} until each is stored: objects that fail with a transient error are sent again
     * (alone, with backoff) within the retry bound; any other object error fails at once.
     */
    private void sendBatch(String className, List<byte[]> objects) {
        HttpUrl url = url("batch", "objects")
                .newBuilder()
                .addQueryParameter("consistency_level", consistencyLevel)
                .build();
        List<byte[]> pending = objects;
        for (int attempt = 1; ; attempt++) {
            Answer answer = send(http, post(url, WeaviateJson.batch(pending)));
            if (answer.code() == 413 && pending.size() > 1) {
                // Too large for a proxy in front of Weaviate: halve until it fits.
                int half = pending.size() / 2;
                sendBatch(className, pending.subList(0, half));
                sendBatch(className, pending.subList(half, pending.size()));
                return;
            }
            if (answer.code() == 413) {
                throw new ConfigException("Weaviate (or a proxy in front of it) refused one chunk as too large (HTTP"
                        + " 413); lower chunk_size or raise the proxy's body limit");
            }
            JsonNode results = require(answer, "write " + pending.size() + " objects to class '" + className + "'");
            if (!results.isArray() || results.size() != pending.size()) {
                throw new TransientException("Weaviate answered " + (results.isArray() ? results.size() : 0)
                        + " results to a batch of " + pending.size() + " objects for class '" + className
                        + "'; the write is not acknowledged");
            }
            List<String> messages = new ArrayList<>();
            List<byte[]> failed = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                JsonNode result = results.get(i).path("result");
                JsonNode errors = result.path("errors").path("error");
                if (errors.size() > 0 || result.path("status").asText("SUCCESS").equals("FAILED")) {
                    messages.add(errors.path(0).path("message").asText(""));
                    failed.add(pending.get(i));
                }
            }
            if (failed.isEmpty()) {
                return;
            }
            ConnectorException error = objectErrors(className, pending.size(), messages, attempt);
            if (!(error instanceof TransientException) || attempt >= retry.maxAttempts()) {
                throw error;
            }
            pending = failed;
            sleep(attempt, failed.size());
        }
    }

    private void sleep(int attempt, int objects) {
        long initial = retry.initialDelay().toMillis();
        long delay = Math.min(retry.maxDelay().toMillis(), initial << Math.min(attempt - 1, 20));
        Duration wait = Duration.ofMillis(delay / 2 + (long) (timing.random().getAsDouble() * (delay - delay / 2)));
        LoggerFactory.getLogger(WeaviateVectorStore.class)
                .warn("Weaviate failed to store {} objects; sending them again in {} ms", objects, wait.toMillis());
        try {
            timing.sleeper().sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SystemException("Interrupted while waiting to retry Weaviate", e);
        }
    }

    /**
     * The exception for objects Weaviate refused. Weaviate's messages may quote property values, so only
     * what they are about (a kind, and property names) goes into the exception.
     */
    private static ConnectorException objectErrors(String className, int sent, List<String> messages, int attempts) {
        String first = messages.get(0).toLowerCase(Locale.ROOT);
        TreeSet<String> properties = new TreeSet<>();
        for (String message : messages) {
            Matcher property = PROPERTY_IN_MESSAGE.matcher(message);
            while (property.find()) {
                properties.add(property.group(1));
            }
        }
        String where = messages.size() + " of " + sent + " objects of class '" + className + "'";
        String about = properties.isEmpty() ? "" : " (properties " + String.join(", ", properties) + ")";
        if (first.contains("vector length") || first.contains("has a vector with length")) {
            return new ConfigException("Weaviate refused " + where + ": their vectors do not have the dimension of"
                    + " the vectors already in the class; use another class name or the embedding model the class"
                    + " was made with");
        }
        if (first.contains("unauthorized") || first.contains("forbidden") || first.contains("permission")) {
            return new ConfigException("Weaviate refused " + where + " for lack of permission; give the"
                    + " credentials write access to the class");
        }
        if (first.contains("no such prop")
                || first.contains("property")
                || first.contains("data type")
                || first.contains("schema")
                || first.contains("class")) {
            return new ConfigException("Weaviate refused " + where + " as not matching the class's schema" + about
                    + "; the class was changed outside vectorsink, so use another class name or fix the class");
        }
        return new TransientException("Weaviate failed to store " + where + about + " (attempt " + attempts
                + "); the write is not acknowledged");
    }

    /**
     * Deletes what {@code where} matches, a server-capped number per call, until fewer than the cap match;
     * any failed object fails the delete.
     */
    private void deleteAll(String className, ObjectNode where, String action) {
        HttpUrl url = url("batch", "objects")
                .newBuilder()
                .addQueryParameter("consistency_level", consistencyLevel)
                .build();
        byte[] body = WeaviateJson.batchDelete(className, where);
        while (true) {
            JsonNode results = require(
                            send(
                                    http,
                                    new Request.Builder()
                                            .url(url)
                                            .headers(headers)
                                            .delete(RequestBody.create(body, JSON))
                                            .build()),
                            action)
                    .path("results");
            long matches = results.path("matches").asLong(-1);
            long successful = results.path("successful").asLong(0);
            long failed = results.path("failed").asLong(0);
            long limit = results.path("limit").asLong(0);
            if (matches < 0) {
                throw new TransientException("Weaviate's answer to " + action + " in class '" + className
                        + "' has no results.matches; the delete is not acknowledged");
            }
            if (failed > 0 || successful < matches) {
                throw new TransientException("Weaviate failed to " + action + " in class '" + className + "': " + failed
                        + " of " + matches + " matching objects were not deleted");
            }
            // Fewer matches than the cap: everything that matched is gone. No cap reported: ask until none match.
            if (matches == 0 || (limit > 0 && matches < limit)) {
                return;
            }
        }
    }

    // ---- query ----------------------------------------------------------------------------------

    private List<QueryHit> search(ClassState state, float[] vector, int limit, ObjectNode where) {
        List<String> selected = new ArrayList<>();
        state.types.forEach((name, type) -> {
            // Primitive types only: a cross-reference's dataType is a class name, which needs a sub-selection.
            if (!type.isEmpty() && Character.isLowerCase(type.charAt(0))) {
                selected.add(name);
            }
        });
        selected.sort(null);
        JsonNode answer = require(
                send(http, post(url("graphql"), WeaviateJson.search(state.name, vector, limit, where, selected))),
                "query class '" + state.name + "'");
        JsonNode errors = answer.path("errors");
        if (errors.size() > 0) {
            throw new SystemException("Weaviate refused the query of class '" + state.name + "': "
                    + errors.path(0).path("message").asText(""));
        }
        List<QueryHit> hits = new ArrayList<>();
        for (JsonNode object : answer.path("data").path("Get").path(state.name)) {
            Map<String, Object> metadata = new LinkedHashMap<>();
            object.properties().forEach(field -> {
                String key = field.getKey();
                JsonNode value = field.getValue();
                if (key.equals("_additional") || key.equals(WeaviateJson.TEXT) || value.isNull()) {
                    return;
                }
                if (value.isTextual()) {
                    metadata.put(key, value.textValue());
                } else if (value.isBoolean()) {
                    metadata.put(key, value.booleanValue());
                } else if (value.isIntegralNumber() && value.canConvertToLong()) {
                    metadata.put(key, value.longValue());
                } else if (value.isNumber()) {
                    metadata.put(key, value.doubleValue());
                } else {
                    metadata.put(key, value.toString());
                }
            });
            JsonNode text = object.path(WeaviateJson.TEXT);
            JsonNode additional = object.path("_additional");
            hits.add(new QueryHit(
                    additional.path("id").asText(),
                    distance(additional.path("distance").asDouble()),
                    text.isTextual() ? text.textValue() : null,
                    metadata));
        }
        return hits;
    }

    // ---- requests and answers -------------------------------------------------------------------

    private static Answer send(HttpService service, Request request) {
        return StoreHttp.send(service, request, SERVICE);
    }

    private JsonNode require(Answer answer, String action) {
        if (!answer.ok()) {
            throw failure(answer.status(), action);
        }
        return answer.json();
    }

    private ConnectorException failure(HttpStatus status, String action) {
        int code = status.code();
        if (code == 404 && !classes.isEmpty()) {
            return new TransientException("Weaviate answered HTTP 404 to " + action + "; a class may have been"
                    + " deleted during the sync, and the next attempt creates it again");
        }
        if (code == 404) {
            return new ConfigException(shownUrl + " does not answer like Weaviate's REST API (" + action + ": "
                    + status.describe() + "); check indexing.host and that it names the REST port (8080 by default)");
        }
        if (code == 422) {
            return new ConfigException("Weaviate refused to " + action + " (" + status.describe() + ")");
        }
        if (code >= 400 && code < 500 && code != 401 && code != 403 && code != 405) {
            return new SystemException("Weaviate refused to " + action + " (" + status.describe() + ")");
        }
        return HttpErrors.classify(SERVICE, status);
    }

    private void requireVersion(JsonNode meta) {
        String version = meta.path("version").asText("");
        Matcher parts = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
        if (!parts.find()) {
            throw new ConfigException(
                    shownUrl + " does not answer /v1/meta like Weaviate (no version); check" + " indexing.host");
        }
        int major = Integer.parseInt(parts.group(1));
        int minor = Integer.parseInt(parts.group(2));
        if (major < MIN_VERSION[0] || (major == MIN_VERSION[0] && minor < MIN_VERSION[1])) {
            throw new ConfigException("Weaviate at " + shownUrl + " is version " + version + "; vectorsink needs "
                    + MIN_VERSION[0] + "." + MIN_VERSION[1] + " or later (for ContainsAny filters)");
        }
    }

    private HttpUrl url(String... segments) {
        HttpUrl.Builder builder = base.newBuilder().addPathSegment("v1");
        for (String segment : segments) {
            builder.addPathSegment(segment);
        }
        return builder.build();
    }

    private Request get(HttpUrl url) {
        return new Request.Builder().url(url).headers(headers).get().build();
    }

    private Request post(HttpUrl url, byte[] body) {
        return new Request.Builder()
                .url(url)
                .headers(headers)
                .post(RequestBody.create(body, JSON))
                .build();
    }

    private void requirePrepared() {
        if (dimension == 0) {
            throw new SystemException("the Weaviate store must be prepared before it is written to");
        }
    }

    private static void requireUuid(String id) {
        try {
            UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new SystemException("Weaviate object ids must be UUIDs, got a chunk id that is not one");
        }
    }
}
