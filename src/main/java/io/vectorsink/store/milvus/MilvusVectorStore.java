package io.vectorsink.store.milvus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.Secrets;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.HttpErrors;
import io.vectorsink.http.HttpService;
import io.vectorsink.http.HttpsPolicy;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.protocol.Json;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.AuthHeaders;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.DistanceMetric;
import io.vectorsink.store.KnownChunk;
import io.vectorsink.store.LookupReads;
import io.vectorsink.store.MetadataRules;
import io.vectorsink.store.PointBatches;
import io.vectorsink.store.QueryHit;
import io.vectorsink.store.RecordTrims;
import io.vectorsink.store.RecordedModel;
import io.vectorsink.store.RestEndpoint;
import io.vectorsink.store.RestVectorStore;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.StoreJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import okhttp3.Headers;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * Milvus over REST API v2. One collection holds every stream's chunks: a VarChar primary key {@code id}
 * (the chunk UUID), a FloatVector field {@code vector} with an AUTOINDEX of the configured metric, and
 * dynamic fields on, so the chunk text ({@code text}) and every metadata key are dynamic fields that
 * filters can name.
 *
 * <p>Milvus answers HTTP 200 to most failures, with {@code code != 0} in the body: authentication codes
 * are config errors, rate and capacity codes are retried with backoff within the retry bound, a missing
 * collection is a config error, anything else a system error. An upsert counts only when
 * {@code data.upsertCount} equals the rows sent. Thread-safe.
 */
public final class MilvusVectorStore extends RestVectorStore {
    static final String SERVICE = "Milvus";

    /** Rows per upsert request (the store's own bound; Milvus limits the request bytes). */
    static final int MAX_ROWS_PER_UPSERT = 1000;

    /** Bytes per upsert request: Milvus's proxy accepts 64 MB by default; kept well below. */
    static final long MAX_UPSERT_BYTES = 16L * 1024 * 1024;

    /** Record ids per delete expression. */
    static final int MAX_IDS_PER_DELETE = 1000;

    /** Milvus's limit for a JSON (dynamic) field: 65,536 bytes per row, the chunk text included. */
    static final int MAX_ROW_DYNAMIC_BYTES = 65_536;

    /**
     * User metadata get 32 KiB, leaving 32 KiB for the chunk text; see {@link #MAX_ROW_DYNAMIC_BYTES}. With flat
     * metadata the row's primary key, vector and chunk text fields have their own names in the row: user
     * fields of those names are reserved (the text field is freed when no chunk text is stored); nested
     * metadata keep every key in their JSON field.
     */
    private static MetadataRules rules(MilvusLayout layout) {
        return new MetadataRules(
                        30 * 1024,
                        32 * 1024,
                        Integer.MAX_VALUE,
                        layout.nested() ? Set.of() : Set.copyOf(layout.ownFields()),
                        List.of())
                .withStringLists();
    }

    /*
     * The codes are Milvus's own (pkg/util/merr/errors.go in milvus-io/milvus), which the REST API v2 puts in
     * the body's "code".
     */

    /**
     * What the user must fix: not authenticated (1400), privilege not permitted (1401), and the REST layer's
     * "user hasn't authenticated" (1800).
     */
    static final Set<Integer> AUTH_CODES = Set.of(1400, 1401, 1800);

    /**
     * The codes Milvus itself marks retriable that a write or delete can meet: service not ready (1), service
     * unavailable (2), request limit exceeded (4), rate limit exceeded (8), resource insufficient (12),
     * collection on recovering (106) and the REST layer's limiter (1807). Quota exceeded (9), memory and
     * disk limits (3, 7) are not: Milvus keeps refusing until an operator acts.
     */
    static final Set<Integer> RETRY_CODES = Set.of(1, 2, 4, 8, 12, 106, 1807);

    /** Collection not found (merr ErrCollectionNotFound). */
    static final int COLLECTION_NOT_FOUND = 100;

    private static final Map<DistanceMetric, String> METRICS =
            Map.of(DistanceMetric.COSINE, "COSINE", DistanceMetric.L2, "L2", DistanceMetric.IP, "IP");

    private final String db;
    private final String collection;
    private final MilvusLayout layout;
    private final MilvusFilters filters;
    private final DistanceMetric metric;
    private final RetryTiming timing;
    private final RetrySettings retry;

    /**
     * A store on the shared connection pool, with {@code advanced}'s request timeout. Does no I/O;
     * {@link #check} and {@link #prepare} do.
     */
    public MilvusVectorStore(IndexingConfig.Milvus config, AdvancedConfig advanced) {
        this(
                config,
                advanced,
                HttpClients.forConfig(advanced),
                RetryTiming.system(),
                RetrySettings.forService(SERVICE, advanced));
    }

    /** For tests: injected retry timing and bounds, so retries are observed instead of slept. */
    public MilvusVectorStore(
            IndexingConfig.Milvus config,
            AdvancedConfig advanced,
            OkHttpClient client,
            RetryTiming timing,
            RetrySettings retry) {
        super(RestEndpoint.at(SERVICE, HttpsPolicy.check("indexing.host", config.host(), advanced.allowInsecureHttp()))
                .headers(authHeaders(config.auth()))
                .target("collection '" + config.collection() + "'")
                // Milvus answers a missing collection inside an HTTP 200 (code 100): an HTTP 404 is a URL that
                // is not Milvus's REST API v2, whenever it comes.
                .failures((status, action, prepared) ->
                        status.code() == 404 ? HttpErrors.classify(SERVICE, status) : null)
                .build(client, timing, retry));
        this.db = config.db();
        this.collection = config.collection();
        this.layout = MilvusLayout.of(config.layout());
        this.filters = new MilvusFilters(layout);
        this.metric = config.metric();
        this.timing = timing;
        this.retry = retry;
    }

    private static Headers authHeaders(IndexingConfig.MilvusAuth auth) {
        if (auth instanceof IndexingConfig.MilvusAuth.Token token) {
            return AuthHeaders.authorization("Bearer", token.token());
        }
        if (auth instanceof IndexingConfig.MilvusAuth.UserPassword user) {
            Secrets.register(user.password());
            return AuthHeaders.authorization("Bearer", user.username() + ":" + user.password());
        }
        return Headers.of();
    }

    // ---- VectorStore ----------------------------------------------------------------------------

    @Override
    protected void doCheck(int dimension) {
        JsonNode answer;
        try {
            answer = call(
                    endpoint.check(),
                    "collections/describe",
                    target(),
                    "describe collection '" + collection + "'",
                    true);
        } catch (TransientException e) {
            throw endpoint.unreachable(e);
        }
        if (answer != null) {
            verify(answer.path("data"), dimension);
            noteConsistency(answer.path("data"));
            judgeModel(answer.path("data"));
        }
    }

    @Override
    protected void doPrepare(int dimension) {
        JsonNode described = call(
                endpoint.sync(), "collections/describe", target(), "describe collection '" + collection + "'", true);
        if (described == null) {
            ObjectNode create = target();
            ObjectNode schema = create.putObject("schema");
            schema.put("autoID", false); // CollectionSchema names it autoID (request_v2.go)
            schema.put("enableDynamicField", true);
            layout.createFields(schema.putArray("fields"), dimension);
            ObjectNode index = create.putArray("indexParams").addObject();
            index.put("fieldName", layout.vector())
                    .put("indexName", layout.vector())
                    .put("metricType", METRICS.get(metric));
            index.putObject("params").put("index_type", "AUTOINDEX");
            // Deletes by expression read the collection first; Bounded (the default) could miss rows written
            // a moment before, and a trim right after its upsert must see them.
            create.putObject("params").put("consistencyLevel", "Strong");
            indexModel().model().ifPresent(model -> create.put("description", RecordedModel.text(model)));
            call(endpoint.sync(), "collections/create", create, "create collection '" + collection + "'", false);
            described = call(
                    endpoint.sync(),
                    "collections/describe",
                    target(),
                    "describe collection '" + collection + "'",
                    false);
        }
        verify(described.path("data"), dimension);
        noteConsistency(described.path("data"));
        judgeModel(described.path("data"));
        endpoint.markPrepared();
    }

    @Override
    protected void doUpsert(Collection<ChunkPoint> points) {
        List<ObjectNode> rows = points.stream().map(this::row).toList();
        PointBatches.forEach(
                rows, MAX_ROWS_PER_UPSERT, MAX_UPSERT_BYTES - 512, row -> write(row).length + 1L, this::upsertRequest);
    }

    @Override
    protected void doDeleteChunks(List<RecordTrim> trims) {
        List<RecordTrims.Group> groups = RecordTrims.groups(trims, MAX_IDS_PER_DELETE);
        for (RecordTrims.Group group : groups) {
            delete(filters.trim(group.recordIds(), group.fromChunkIndex()), "delete replaced chunks");
        }
    }

    @Override
    protected void doDeleteStale(StreamId stream, StaleFilter filter) {
        delete(filters.stale(stream, filter), "delete stale chunks of stream " + stream);
    }

    @Override
    protected List<QueryHit> doQuery(float[] vector, int limit, StreamId stream) {
        ObjectNode body = target();
        ArrayNode values = body.putArray("data").addArray();
        for (float value : vector) {
            values.add(value);
        }
        body.put("annsField", layout.vector());
        body.put("limit", limit);
        if (stream != null) {
            body.put("filter", filters.stream(stream));
        }
        body.putArray("outputFields").add("*");
        JsonNode answer = call(endpoint.sync(), "entities/search", body, "query", false);
        List<QueryHit> hits = new ArrayList<>();
        for (JsonNode hit : answer.path("data")) {
            hits.add(new QueryHit(
                    hit.path(layout.primaryKey()).asText(),
                    distance(hit.path("distance").asDouble()),
                    StoreJson.textOrNull(hit.path(layout.text())),
                    layout.metadata(hit)));
        }
        return hits;
    }

    // ---- lookup: what is stored of records, for skipping unchanged ones ------------------------------

    /** Milvus's query window: {@code offset + limit} of one query is at most 16,384 rows. */
    static final int QUERY_WINDOW = 16_384;

    /** Rows per lookup page: the connector fields only, a few hundred bytes each. */
    static final int LOOKUP_PAGE = 4_096;

    /** Record ids per lookup filter. */
    static final int MAX_IDS_PER_LOOKUP = 500;

    /** Chunk ids per {@code entities/get}: these rows carry vectors (kilobytes each). */
    static final int MAX_IDS_PER_GET = 100;

    /** Milvus's strongest consistency level: a read waits until every write acknowledged before it is visible. */
    static final String STRONG = "Strong";

    /**
     * Whether the collection itself reads with Strong consistency, as every collection vectorsink creates does.
     * Lookups rely on it: each query also asks for Strong, but Milvus servers older than the fix of May 2025 (2.4, early 2.5) ignore a query's own
     * {@code consistencyLevel} in REST API v2 and reads with the collection's level, and a Bounded read could
     * miss the last sync's writes and show an older hash that matches the incoming record (A, then B, then
     * A again), which would skip a change. On any other level lookups know nothing and every record is
     * embedded, as without lookups.
     */
    private volatile boolean strongReads;

    private volatile List<String> notes = List.of();

    @Override
    public List<String> checkNotes() {
        List<String> all = new ArrayList<>(super.checkNotes());
        all.addAll(notes);
        return all;
    }

    private void noteConsistency(JsonNode described) {
        String level = described.path("consistencyLevel").asText("");
        strongReads = level.equals(STRONG);
        notes = strongReads
                ? List.of()
                : List.of("Milvus collection '" + collection + "' reads with "
                        + (level.isEmpty() ? "an unreported" : level)
                        + " consistency, not Strong, so vectorsink cannot trust a read to show the last sync's writes"
                        + " and embeds every record again instead of skipping unchanged ones; a collection vectorsink"
                        + " creates reads with Strong consistency");
    }

    @Override
    public Map<String, List<KnownChunk>> lookup(StreamId stream, Collection<String> recordIds) {
        requirePrepared();
        if (recordIds.isEmpty() || !strongReads) {
            return Map.of();
        }
        List<String> fields = new ArrayList<>(layout.outputFields(LookupReads.FIELDS));
        fields.add(0, layout.primaryKey());
        LookupReads.Pages<JsonNode> pages = LookupReads.read(
                List.copyOf(new LinkedHashSet<>(recordIds)),
                MAX_IDS_PER_LOOKUP,
                LOOKUP_PAGE,
                QUERY_WINDOW,
                (ids, offset, limit) -> {
                    ObjectNode body = target();
                    body.put("filter", filters.records(stream, ids));
                    fields.forEach(body.putArray("outputFields")::add);
                    body.put("limit", limit);
                    body.put("offset", offset);
                    body.put("consistencyLevel", STRONG);
                    JsonNode answer =
                            call(endpoint.sync(), "entities/query", body, "look up " + ids.size() + " records", false);
                    List<JsonNode> rows = new ArrayList<>();
                    answer.path("data").forEach(rows::add);
                    return rows;
                });
        return LookupReads.byRecord(pages, row -> row.path(layout.primaryKey()).asText(), layout::value);
    }

    @Override
    public Map<String, float[]> storedVectors(StreamId stream, Collection<String> chunkIds) {
        requirePrepared();
        Map<String, float[]> vectors = new LinkedHashMap<>();
        for (JsonNode row : rowsById(chunkIds, List.of(layout.vector()), "read stored vectors")) {
            vectors.put(row.path(layout.primaryKey()).asText(), LookupReads.vector(row.path(layout.vector())));
        }
        return vectors;
    }

    /**
     * Milvus has no partial update before 2.6 ({@code partialUpdate} on upsert), and vectorsink supports 2.4
     * on: an upsert replaces the whole row. So the rows are read whole (vector included, which is not embedded
     * again), their connector fields set, and written back with the same acknowledgement as {@link #upsert}.
     */
    @Override
    public void updateOwnFields(StreamId stream, Collection<String> chunkIds, Map<String, Object> fields) {
        requirePrepared();
        List<ObjectNode> rows = new ArrayList<>();
        Set<String> missing = new LinkedHashSet<>(chunkIds);
        for (JsonNode row : rowsById(chunkIds, List.of("*", layout.vector()), "read chunks to update")) {
            ObjectNode updated = (ObjectNode) row;
            missing.remove(updated.path(layout.primaryKey()).asText());
            ObjectNode metadata = layout.metadataOf(updated);
            fields.forEach((key, value) -> putScalar(metadata, key, value));
            rows.add(updated);
        }
        if (!missing.isEmpty()) {
            throw new TransientException(missing.size() + " chunks of stream " + stream + " to move to the new"
                    + " generation are no longer in Milvus collection '" + collection + "'; the update is not"
                    + " acknowledged");
        }
        PointBatches.forEach(
                rows, MAX_ROWS_PER_UPSERT, MAX_UPSERT_BYTES - 512, row -> write(row).length + 1L, this::upsertRequest);
    }

    /** {@code entities/get} of these chunk ids with {@code outputFields}, read with Strong consistency. */
    private List<JsonNode> rowsById(Collection<String> chunkIds, List<String> outputFields, String action) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(chunkIds));
        List<JsonNode> rows = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += MAX_IDS_PER_GET) {
            ObjectNode body = target();
            ArrayNode group = body.putArray("id");
            ids.subList(from, Math.min(ids.size(), from + MAX_IDS_PER_GET)).forEach(group::add);
            outputFields.forEach(body.putArray("outputFields")::add);
            body.put("consistencyLevel", STRONG);
            call(endpoint.sync(), "entities/get", body, action, false)
                    .path("data")
                    .forEach(rows::add);
        }
        return rows;
    }

    @Override
    public MetadataRules metadataRules() {
        return rules(layout);
    }

    /** Milvus's COSINE and IP "distance" is a similarity (distance {@code 1 - s}); L2 is already squared. */
    double distance(double score) {
        return metric == DistanceMetric.L2 ? score : 1 - score;
    }

    // ---- rows and checks ------------------------------------------------------------------------

    private ObjectNode row(ChunkPoint point) {
        ObjectNode row = Json.MAPPER.createObjectNode();
        row.put(layout.primaryKey(), point.id());
        ArrayNode values = row.putArray(layout.vector());
        for (float value : point.vector()) {
            if (!Float.isFinite(value)) {
                throw new SystemException(
                        "the vector of chunk " + point.id() + " holds a value that is not a finite number");
            }
            values.add(value);
        }
        ObjectNode metadata = Json.MAPPER.createObjectNode();
        for (Map.Entry<String, Object> entry : point.metadata().entrySet()) {
            String key = entry.getKey();
            if (!layout.nested()
                    && (key.equals(layout.primaryKey())
                            || key.equals(layout.vector())
                            || (key.equals(layout.text()) && point.document() != null))) {
                continue; // the primary key, the vector and the chunk text keep their own names
            }
            putScalar(metadata, key, entry.getValue());
        }
        int bytes = write(metadata).length
                + (point.document() == null ? 0 : point.document().getBytes(StandardCharsets.UTF_8).length);
        if (bytes > MAX_ROW_DYNAMIC_BYTES) {
            throw new ConfigException("a chunk's text and metadata take " + bytes + " bytes, more than the "
                    + MAX_ROW_DYNAMIC_BYTES + " Milvus holds in a row's dynamic fields; lower processing.chunk_size");
        }
        layout.metadataOf(row).setAll(metadata);
        if (point.document() != null) {
            row.put(layout.text(), point.document());
        }
        return row;
    }

    private static void putScalar(ObjectNode row, String key, Object value) {
        if (value == null) {
            row.putNull(key);
        } else if (value instanceof String s) {
            row.put(key, s);
        } else if (value instanceof Boolean b) {
            row.put(key, b);
        } else if (value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte) {
            row.put(key, ((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw new SystemException("metadata '" + key + "' is not a finite number");
            }
            row.put(key, d);
        } else if (value instanceof BigInteger big) {
            row.put(key, big.toString());
        } else if (value instanceof List<?> list) {
            row.set(key, StoreJson.stringList(key, list));
        } else {
            throw new SystemException("metadata '" + key + "' has type "
                    + value.getClass().getSimpleName() + "; only strings, numbers and booleans are stored");
        }
    }

    /**
     * Refuses a collection described with another model; the description is the one place a collection made
     * through REST v2 holds it, and it cannot be changed later, so a collection without one is only noted.
     */
    private void judgeModel(JsonNode data) {
        indexModel()
                .judge(
                        RecordedModel.fromText(data.path("description").asText("")),
                        "Milvus collection '" + collection + "'",
                        false);
    }

    private void verify(JsonNode data, int dimension) {
        List<String> layoutProblems = layout.problems(collection, data);
        if (!layoutProblems.isEmpty()) {
            throw new ConfigException(layoutProblems, null);
        }
        JsonNode vector = null;
        for (JsonNode field : data.path("fields")) {
            if (field.path("name").asText().equals(layout.vector())) {
                vector = field;
            }
        }
        List<String> problems = new ArrayList<>();
        int size = -1;
        for (JsonNode param : vector.path("params")) {
            if (param.path("key").asText().equals("dim")) {
                size = param.path("value").asInt();
            }
        }
        if (size != dimension) {
            problems.add("Milvus collection '" + collection + "' holds vectors of " + size + " dimensions, but the"
                    + " embedding model makes " + dimension + "; use another collection name or an embedding model"
                    + " with " + size + " dimensions");
        }
        String wanted = METRICS.get(metric);
        for (JsonNode index : data.path("indexes")) {
            String existing = index.path("metricType").asText();
            if (index.path("fieldName").asText().equals(layout.vector()) && !existing.equals(wanted)) {
                String matching = DistanceMetric.named(METRICS, existing)
                        .map(DistanceMetric::configName)
                        .orElse(null);
                problems.add("Milvus collection '" + collection + "' indexes vectors with the " + existing
                        + " metric, but distance_metric is " + metric + " (" + wanted + "); "
                        + (matching == null ? "" : "set distance_metric to " + matching + " or ")
                        + "use another collection name");
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems, null);
        }
    }

    // ---- writes ---------------------------------------------------------------------------------

    private void upsertRequest(List<ObjectNode> batch) {
        ObjectNode body = target();
        body.putArray("data").addAll(batch);
        JsonNode answer = call(endpoint.sync(), "entities/upsert", body, "upsert " + batch.size() + " rows", false);
        long count = answer.path("data").path("upsertCount").asLong(-1);
        if (count != batch.size()) {
            throw new TransientException("Milvus confirmed " + count + " of the " + batch.size() + " rows sent to"
                    + " collection '" + collection + "'; the write is not acknowledged");
        }
    }

    private void delete(String filter, String action) {
        ObjectNode body = target();
        body.put("filter", filter);
        call(endpoint.sync(), "entities/delete", body, action, false);
    }

    // ---- requests and answers -------------------------------------------------------------------

    private ObjectNode target() {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("dbName", db);
        body.put("collectionName", collection);
        return body;
    }

    /**
     * Posts {@code body} to {@code /v2/vectordb/<endpoint>} and returns the answer when its code is 0. HTTP
     * failures go through {@link HttpService}'s retries; body codes are classified here, and the busy ones
     * retried with the same backoff bounds. With {@code missingIsNull}, a missing collection answers null.
     */
    private JsonNode call(
            HttpService service, String operation, ObjectNode body, String action, boolean missingIsNull) {
        String[] path = ("v2/vectordb/" + operation).split("/");
        Request request = endpoint.post(endpoint.url(path), write(body));
        long start = timing.nanoTime().getAsLong();
        Duration delay = retry.initialDelay();
        for (int attempt = 1; ; attempt++) {
            JsonNode answer = endpoint.require(endpoint.send(service, request), action);
            int code = answer.path("code").asInt(0);
            if (isSuccess(answer, code)) {
                return answer;
            }
            String message = answer.path("message").asText("");
            if (code == COLLECTION_NOT_FOUND || message.contains("collection not found")) {
                if (missingIsNull) {
                    return null;
                }
                throw new ConfigException("Milvus collection '" + collection + "' of database '" + db + "' does not"
                        + " exist (" + action + " answered code " + code + ")"
                        + (endpoint.prepared() ? "; it was removed during the sync" : ""));
            }
            String lower = message.toLowerCase(Locale.ROOT);
            if (AUTH_CODES.contains(code) || lower.contains("authenticat") || lower.contains("permission denied")) {
                throw new ConfigException("Milvus rejected the credentials or their privileges (code " + code + ": "
                        + message + "); check the token or user and password, and the user's privileges on the"
                        + " collection");
            }
            boolean busy = RETRY_CODES.contains(code) || lower.contains("rate limit");
            if (!busy) {
                throw new SystemException("Milvus refused to " + action + " (code " + code + ": " + message + ")");
            }
            Duration elapsed = Duration.ofNanos(timing.nanoTime().getAsLong() - start);
            if (attempt >= service.settings().maxAttempts()
                    || elapsed.plus(delay).compareTo(service.settings().maxDuration()) > 0) {
                throw new TransientException("Milvus stayed busy for " + attempt + " attempts to " + action + " (code "
                        + code + ": " + message + ")");
            }
            try {
                timing.sleeper().sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SystemException("Interrupted while waiting to retry Milvus", e);
            }
            delay = min(delay.multipliedBy(2), retry.maxDelay());
        }
    }

    /**
     * Code 0 is success. Milvus 2.4.0 to about 2.4.5 answered success with code 200 (HTTP's OK) instead; in
     * Milvus's error table 200 is "partition not found", and an error always carries a message, so 200 with
     * data and no message is those servers' success.
     */
    static boolean isSuccess(JsonNode answer, int code) {
        return code == 0
                || (code == 200
                        && answer.has("data")
                        && answer.path("message").asText("").isEmpty());
    }

    private static byte[] write(JsonNode node) {
        return StoreJson.write(node, "a Milvus request body");
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
