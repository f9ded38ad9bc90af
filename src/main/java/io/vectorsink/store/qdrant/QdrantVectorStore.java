package io.vectorsink.store.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.HttpsPolicy;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.AuthHeaders;
import io.vectorsink.store.ChunkFields;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.DistanceMetric;
import io.vectorsink.store.KnownChunk;
import io.vectorsink.store.MetadataRules;
import io.vectorsink.store.PointBatches;
import io.vectorsink.store.QueryHit;
import io.vectorsink.store.RecordTrims;
import io.vectorsink.store.RecordedModel;
import io.vectorsink.store.RestEndpoint;
import io.vectorsink.store.RestEndpoint.Answer;
import io.vectorsink.store.RestVectorStore;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.StoreJson;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Qdrant over its REST API. One collection holds every stream's chunks as points with UUID ids (Qdrant
 * takes only UUIDs and unsigned integers) and payload indexes on the connector's fields, so deletes by
 * filter stay fast on large collections.
 *
 * <p>Acknowledgement: every upsert and delete is sent with {@code wait=true} and counts only when Qdrant
 * answers {@code result.status == "completed"}; "acknowledged" means queued, not applied, and is treated
 * as not confirmed.
 *
 * <p>{@link #check} reads and never creates: unlike Airbyte's Qdrant destination, checking a config leaves
 * the server as it was. {@link #prepare} creates the collection and its payload indexes.
 *
 * <p>The chunk text is stored under the payload key {@code text} (Airbyte's layout); a metadata field
 * named {@code text} gives way to it when the chunk text is stored. Thread-safe.
 */
public final class QdrantVectorStore extends RestVectorStore {
    static final String SERVICE = "Qdrant";

    /** Points per upsert request; Qdrant sets no count limit, this keeps requests and their wait short. */
    static final int MAX_POINTS_PER_UPSERT = 256;

    /** Bytes per upsert request: Qdrant refuses bodies over {@code service.max_request_size_mb}, 32 MB by default. */
    static final long MAX_UPSERT_BYTES = 16L * 1024 * 1024;

    /** Record ids per delete request or lookup, point ids per retrieve or payload update. */
    static final int MAX_IDS_PER_DELETE = 1000;

    /** Points per scroll page of a lookup. */
    static final int MAX_POINTS_PER_PAGE = 1000;

    /**
     * Qdrant's payload has no documented per-value limit; keyword indexes hold any string. Values are kept
     * within 32 KiB and a point's metadata within 1 MiB, so a payload never dominates a request.
     */
    /** A user field {@code text} would be overwritten by the chunk text: reserved (freed when text is omitted). */
    private static final MetadataRules RULES = new MetadataRules(
                    32 * 1024, 1024 * 1024, Integer.MAX_VALUE, java.util.Set.of(ChunkFields.TEXT), java.util.List.of())
            .withStringLists();

    private static final Map<DistanceMetric, String> DISTANCES =
            Map.of(DistanceMetric.COSINE, "Cosine", DistanceMetric.L2, "Euclid", DistanceMetric.IP, "Dot");

    private final String collection;
    private final DistanceMetric metric;
    private final String distance;
    /** The configured {@code payload_layout} and {@code text_field}, null where left open. */
    private final String configuredLayout;

    private final String configuredTextField;
    /** The layout written with: the configured one until {@link #check} or {@link #prepare} read the collection. */
    private volatile QdrantLayout layout;
    /** Request sizes for this collection, read by {@link #prepare} from its strict mode. */
    private volatile QdrantLimits limits = QdrantLimits.DEFAULTS;

    /**
     * A store on the shared connection pool, with {@code advanced}'s request timeout. Does no I/O;
     * {@link #check} and {@link #prepare} do.
     */
    public QdrantVectorStore(IndexingConfig.Qdrant config, AdvancedConfig advanced) {
        this(config, advanced, HttpClients.forConfig(advanced));
    }

    public QdrantVectorStore(IndexingConfig.Qdrant config, AdvancedConfig advanced, OkHttpClient client) {
        this(config, advanced, client, RetryTiming.system(), RetrySettings.forService(SERVICE, advanced));
    }

    /** For tests: injected retry timing and bounds, so retries are observed instead of slept. */
    public QdrantVectorStore(
            IndexingConfig.Qdrant config,
            AdvancedConfig advanced,
            OkHttpClient client,
            RetryTiming timing,
            RetrySettings retry) {
        super(RestEndpoint.at(SERVICE, HttpsPolicy.check("indexing.url", config.url(), advanced.allowInsecureHttp()))
                .headers(authHeaders(config.apiKey()))
                .target("collection '" + config.collection() + "'")
                .build(client, timing, retry));
        this.collection = config.collection();
        this.metric = config.metric();
        this.distance = DISTANCES.get(metric);
        this.configuredLayout = config.payloadLayout();
        this.configuredTextField = config.textField();
        this.layout = QdrantLayout.of(configuredLayout == null ? "nested" : configuredLayout, configuredTextField);
    }

    private static Headers authHeaders(String apiKey) {
        if (apiKey == null || apiKey.isEmpty()) {
            return Headers.of();
        }
        return AuthHeaders.header("api-key", apiKey);
    }

    // ---- VectorStore ----------------------------------------------------------------------------

    @Override
    protected void doCheck(int dimension) {
        Answer answer = endpoint.sendForCheck(endpoint.get(collectionUrl()));
        if (isMissingCollection(answer)) {
            return; // prepare creates it; check leaves the server as it was
        }
        JsonNode info = endpoint.require(answer, "read collection '" + collection + "'");
        recogniseLayout(info, true);
        verify(info, dimension);
        indexModel().judge(recordedModel(info), label(), true);
    }

    @Override
    protected void doPrepare(int dimension) {
        Answer existing = endpoint.send(endpoint.get(collectionUrl()));
        if (isMissingCollection(existing)) {
            Answer created = endpoint.send(
                    endpoint.put(collectionUrl(), QdrantJson.createCollection(dimension, distance, modelFields())));
            // 409 since Qdrant 1.8, 400 before: another writer created it first, which is as good.
            boolean raced = !created.ok()
                    && (created.code() == 409 || created.code() == 400)
                    && created.status().bodySnippet().contains("already exists");
            if (!raced) {
                endpoint.require(created, "create collection '" + collection + "'");
            }
            existing = endpoint.send(endpoint.get(collectionUrl()));
        }
        JsonNode info = endpoint.require(existing, "read collection '" + collection + "'");
        recogniseLayout(info, false);
        verify(info, dimension);
        recordModelIfNeeded(info);
        limits = QdrantLimits.of(info);
        JsonNode schema = info.path("result").path("payload_schema");
        for (Map.Entry<String, String> index : QdrantJson.PAYLOAD_INDEXES.entrySet()) {
            String path = layout.path(index.getKey());
            if (!schema.has(path)) {
                HttpUrl url = collectionUrl()
                        .newBuilder()
                        .addPathSegment("index")
                        .addQueryParameter("wait", "true")
                        .build();
                requireCompleted(
                        endpoint.send(endpoint.put(url, QdrantJson.createPayloadIndex(path, index.getValue()))),
                        "create the payload index on " + path);
            }
        }
        endpoint.markPrepared();
    }

    @Override
    protected void doUpsert(Collection<ChunkPoint> points) {
        points.forEach(point -> requireUuid(point.id()));
        PointBatches.forEach(
                points,
                limits.pointsPerUpsert(),
                MAX_UPSERT_BYTES,
                point -> QdrantJson.upsert(List.of(point), layout).length,
                this::upsertRequest);
    }

    @Override
    protected void doDeleteChunks(List<RecordTrim> trims) {
        List<RecordTrims.Group> groups = RecordTrims.groups(trims, limits.idsPerDelete());
        for (RecordTrims.Group group : groups) {
            delete(QdrantJson.trimDelete(group.recordIds(), group.fromChunkIndex(), layout), "delete replaced chunks");
        }
    }

    @Override
    protected void doDeleteStale(StreamId stream, StaleFilter filter) {
        delete(QdrantJson.staleDelete(stream, filter, layout), "delete stale chunks of stream " + stream);
    }

    @Override
    protected List<QueryHit> doQuery(float[] vector, int limit, StreamId stream) {
        // The universal query API (Qdrant 1.10 and later); points/search is no longer in Qdrant's definition.
        HttpUrl url = collectionUrl()
                .newBuilder()
                .addPathSegment("points")
                .addPathSegment("query")
                .build();
        Answer answer = endpoint.send(endpoint.post(url, QdrantJson.query(vector, limit, stream, layout)));
        if (isMissingCollection(answer)) {
            return List.of();
        }
        List<QueryHit> hits = new ArrayList<>();
        for (JsonNode hit : endpoint.require(answer, "query").path("result").path("points")) {
            JsonNode payload = hit.path("payload");
            hits.add(new QueryHit(
                    hit.path("id").asText(),
                    distance(hit.path("score").asDouble()),
                    layout.text(payload),
                    layout.metadata(payload)));
        }
        return hits;
    }

    // ---- reads for skipping unchanged records ----------------------------------------------------

    /**
     * Scrolls the chunks of these records ({@code match.any} on the record id, within the stream), their connector
     * fields only and no vector, page by page along {@code next_page_offset}, with {@link QdrantReads#CONSISTENCY}.
     */
    @Override
    public Map<String, List<KnownChunk>> lookup(StreamId stream, Collection<String> recordIds) {
        Map<String, List<KnownChunk>> known = new LinkedHashMap<>();
        if (recordIds.isEmpty()) {
            return known;
        }
        requirePrepared();
        List<String> ids = List.copyOf(new LinkedHashSet<>(recordIds));
        int perRequest = limits.idsPerDelete();
        for (int start = 0; start < ids.size(); start += perRequest) {
            List<String> group = ids.subList(start, Math.min(ids.size(), start + perRequest));
            JsonNode offset = null;
            Set<String> offsets = new HashSet<>();
            do {
                byte[] body = QdrantReads.scrollRecords(stream, group, limits.pointsPerPage(), offset, layout);
                JsonNode result = endpoint.call(endpoint.post(readUrl("points", "scroll"), body), "look up chunks")
                        .path("result");
                for (JsonNode point : result.path("points")) {
                    KnownChunk chunk = QdrantReads.knownChunk(point, layout);
                    if (chunk != null) {
                        known.computeIfAbsent(chunk.recordId(), k -> new ArrayList<>())
                                .add(chunk);
                    }
                }
                JsonNode next = result.path("next_page_offset");
                offset = next.isNull() || next.isMissingNode() ? null : next;
                if (offset != null && !offsets.add(offset.asText())) {
                    throw new SystemException("Qdrant repeated a scroll offset while looking chunks up");
                }
            } while (offset != null);
        }
        return known;
    }

    /** Retrieves these points' vectors without payload, with {@link QdrantReads#CONSISTENCY}. */
    @Override
    public Map<String, float[]> storedVectors(StreamId stream, Collection<String> chunkIds) {
        Map<String, float[]> vectors = new LinkedHashMap<>();
        if (chunkIds.isEmpty()) {
            return vectors;
        }
        requirePrepared();
        List<String> ids = List.copyOf(new LinkedHashSet<>(chunkIds));
        ids.forEach(QdrantVectorStore::requireUuid);
        for (int start = 0; start < ids.size(); start += limits.idsPerDelete()) {
            List<String> slice = ids.subList(start, Math.min(ids.size(), start + limits.idsPerDelete()));
            JsonNode points = endpoint.call(
                            endpoint.post(readUrl("points"), QdrantReads.retrieveVectors(slice)), "read stored vectors")
                    .path("result");
            for (JsonNode point : points) {
                JsonNode values = point.path("vector");
                if (!values.isArray()) {
                    continue; // not the unnamed vector vectorsink writes: embed again
                }
                vectors.put(point.path("id").asText(), StoreJson.floats(values));
            }
        }
        return vectors;
    }

    /** Sets the connector's fields on these points ({@code set_payload}, {@code wait=true}); nothing else changes. */
    @Override
    public void updateOwnFields(StreamId stream, Collection<String> chunkIds, Map<String, Object> fields) {
        if (chunkIds.isEmpty() || fields.isEmpty()) {
            return;
        }
        requirePrepared();
        ChunkFields.requireOwn(fields.keySet());
        List<String> ids = List.copyOf(new LinkedHashSet<>(chunkIds));
        ids.forEach(QdrantVectorStore::requireUuid);
        for (int start = 0; start < ids.size(); start += limits.idsPerDelete()) {
            List<String> slice = ids.subList(start, Math.min(ids.size(), start + limits.idsPerDelete()));
            HttpUrl url = collectionUrl()
                    .newBuilder()
                    .addPathSegment("points")
                    .addPathSegment("payload")
                    .addQueryParameter("wait", "true")
                    .build();
            requireCompleted(
                    endpoint.send(endpoint.post(url, QdrantReads.setOwnFields(slice, fields, layout))),
                    "set the connector's fields of " + slice.size() + " points");
        }
    }

    private HttpUrl readUrl(String... segments) {
        HttpUrl.Builder url = collectionUrl().newBuilder();
        for (String segment : segments) {
            url.addPathSegment(segment);
        }
        return url.addQueryParameter("consistency", QdrantReads.CONSISTENCY).build();
    }

    @Override
    public MetadataRules metadataRules() {
        QdrantLayout current = layout;
        // In the flat layout a user field named like the text key would be overwritten by the chunk text.
        Set<String> reserved = current.nested() ? Set.of() : Set.of(current.textKey());
        return RULES.reserving(reserved);
    }

    /** What the store writes with, once {@link #check} or {@link #prepare} read the collection. */
    QdrantLayout layout() {
        return layout;
    }

    // ---- payload layout -------------------------------------------------------------------------

    /**
     * Reads the layout an existing collection's chunks have (its payload indexes, else one point) and writes
     * with it where the config leaves it open; refuses a config that names another.
     */
    private void recogniseLayout(JsonNode info, boolean forCheck) {
        JsonNode schema = info.path("result").path("payload_schema");
        JsonNode sample = null;
        long points = info.path("result").path("points_count").asLong(1);
        if (points > 0) {
            HttpUrl url = collectionUrl()
                    .newBuilder()
                    .addPathSegment("points")
                    .addPathSegment("scroll")
                    .build();
            byte[] body = QdrantJson.write(io.vectorsink.protocol.Json.MAPPER
                    .createObjectNode()
                    .put("limit", 1)
                    .put("with_payload", true)
                    .put("with_vector", false));
            Answer answer = forCheck
                    ? endpoint.sendForCheck(endpoint.post(url, body))
                    : endpoint.send(endpoint.post(url, body));
            JsonNode first = endpoint.require(answer, "read a point of collection '" + collection + "'")
                    .path("result")
                    .path("points")
                    .path(0);
            sample = first.path("payload").isObject() ? first.path("payload") : null;
        }
        layout = QdrantLayout.recognise(collection, configuredLayout, configuredTextField, schema, sample);
    }

    /**
     * The distance (smaller is closer) behind a Qdrant score, in the units Chroma reports: Cosine scores
     * the cosine similarity (distance {@code 1 - cos}), Euclid the distance itself (squared here, as
     * Chroma's l2), Dot the dot product (distance {@code 1 - dot}).
     */
    double distance(double score) {
        return metric == DistanceMetric.L2 ? score * score : 1 - score;
    }

    // ---- the model in the collection ------------------------------------------------------------

    private String label() {
        return "Qdrant collection '" + collection + "'";
    }

    /** The configured model as collection metadata (Qdrant 1.16 and later hold it); empty without one. */
    private Map<String, Object> modelFields() {
        return indexModel().model().map(RecordedModel::fields).orElse(Map.of());
    }

    /** The model recorded in the collection's {@code config.metadata}, if any. */
    private static Optional<RecordedModel> recordedModel(JsonNode info) {
        JsonNode metadata = info.path("result").path("config").path("metadata");
        return RecordedModel.fromFields(StoreJson.metadata(metadata, Set.of()));
    }

    /** Records the configured model when the collection has none, or another one and a change is allowed. */
    private void recordModelIfNeeded(JsonNode info) {
        if (indexModel().judge(recordedModel(info), label(), true)) {
            endpoint.require(
                    endpoint.send(endpoint.patch(collectionUrl(), QdrantJson.updateMetadata(modelFields()))),
                    "record the embedding model in collection '" + collection + "'");
        }
    }

    // ---- check steps ----------------------------------------------------------------------------

    private void verify(JsonNode info, int dimension) {
        JsonNode vectors = info.path("result").path("config").path("params").path("vectors");
        if (!vectors.has("size")) {
            throw new ConfigException("Qdrant collection '" + collection + "' uses named vectors; vectorsink writes"
                    + " the unnamed default vector, so use another collection name");
        }
        List<String> problems = new ArrayList<>();
        int size = vectors.path("size").asInt();
        if (size != dimension) {
            problems.add("Qdrant collection '" + collection + "' holds vectors of " + size
                    + " dimensions, but the embedding model makes " + dimension
                    + "; use another collection name or an embedding model with " + size + " dimensions");
        }
        String existing = vectors.path("distance").asText();
        if (!existing.equals(distance)) {
            String wanted = DistanceMetric.named(DISTANCES, existing)
                    .map(DistanceMetric::configName)
                    .orElse(null);
            problems.add("Qdrant collection '" + collection + "' uses the " + existing + " distance, but"
                    + " distance_metric is " + metric + " (" + distance + "); "
                    + (wanted == null ? "" : "set distance_metric to " + wanted + " or ")
                    + "use another collection name");
        }
        JsonNode schema = info.path("result").path("payload_schema");
        QdrantJson.PAYLOAD_INDEXES.forEach((field, type) -> {
            JsonNode index = schema.path(layout.path(field));
            if (!index.isMissingNode() && !type.equals(index.path("data_type").asText())) {
                problems.add("Qdrant collection '" + collection + "' indexes " + layout.path(field) + " as "
                        + index.path("data_type").asText() + ", but vectorsink filters on it as " + type
                        + "; use another collection name");
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigException(problems, null);
        }
    }

    /**
     * Qdrant answers a missing collection with 404 and {@code {"status": {"error": "Not found: Collection `x`
     * doesn't exist!"}}}; a 404 without that body is not Qdrant (a wrong URL), and says so.
     */
    private boolean isMissingCollection(Answer answer) {
        if (answer.code() != 404) {
            return false;
        }
        if (answer.status().bodySnippet().contains("doesn't exist")
                || answer.status().bodySnippet().contains("Not found")) {
            return true;
        }
        throw new ConfigException(endpoint.shownUrl() + " does not answer like Qdrant's REST API ("
                + answer.status().describe()
                + "); check indexing.url and that it names the REST port (6333 by default)");
    }

    // ---- writes ---------------------------------------------------------------------------------

    private void upsertRequest(List<ChunkPoint> batch) {
        HttpUrl url = collectionUrl()
                .newBuilder()
                .addPathSegment("points")
                .addQueryParameter("wait", "true")
                .build();
        Answer answer = endpoint.send(endpoint.put(url, QdrantJson.upsert(batch, layout)));
        if (sentInHalves(answer, batch, this::upsertRequest)) {
            return;
        }
        if (answer.code() == 413) {
            throw new ConfigException("Qdrant (or a proxy in front of it) refused one chunk as too large (HTTP 413);"
                    + " raise service.max_request_size_mb or lower chunk_size");
        }
        if (answer.code() == 400 && answer.status().bodySnippet().contains("dimension")) {
            throw new ConfigException("Qdrant refused the vectors of collection '" + collection + "': "
                    + answer.status().describe() + "; use another collection name or the embedding model the"
                    + " collection was made with");
        }
        requireCompleted(answer, "upsert " + batch.size() + " points into collection '" + collection + "'");
    }

    private void delete(byte[] body, String action) {
        HttpUrl url = collectionUrl()
                .newBuilder()
                .addPathSegment("points")
                .addPathSegment("delete")
                .addQueryParameter("wait", "true")
                .build();
        requireCompleted(endpoint.send(endpoint.post(url, body)), action);
    }

    /** A write counts once Qdrant says it was applied: {@code result.status == "completed"}. */
    private void requireCompleted(Answer answer, String action) {
        JsonNode json = endpoint.require(answer, action);
        String status = json.path("result").path("status").asText("");
        if (!status.equals("completed")) {
            throw new TransientException("Qdrant did not confirm that it applied the request to " + action
                    + " (result.status is '" + status + "', not 'completed'); the write is not acknowledged");
        }
    }

    // ---- requests ---------------------------------------------------------------------------------

    private HttpUrl collectionUrl() {
        return endpoint.url("collections", collection);
    }

    private static void requireUuid(String id) {
        try {
            UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new SystemException("Qdrant point ids must be UUIDs, got a chunk id that is not one");
        }
    }
}
