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

    /** Record ids per delete request. */
    static final int MAX_IDS_PER_DELETE = 1000;

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
        verify(info, dimension);
        recordModelIfNeeded(info);
        limits = QdrantLimits.of(info);
        JsonNode schema = info.path("result").path("payload_schema");
        for (Map.Entry<String, String> index : QdrantJson.PAYLOAD_INDEXES.entrySet()) {
            if (!schema.has(index.getKey())) {
                HttpUrl url = collectionUrl()
                        .newBuilder()
                        .addPathSegment("index")
                        .addQueryParameter("wait", "true")
                        .build();
                requireCompleted(
                        endpoint.send(
                                endpoint.put(url, QdrantJson.createPayloadIndex(index.getKey(), index.getValue()))),
                        "create the payload index on " + index.getKey());
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
                point -> QdrantJson.upsert(List.of(point)).length,
                this::upsertRequest);
    }

    @Override
    protected void doDeleteChunks(List<RecordTrim> trims) {
        List<RecordTrims.Group> groups = RecordTrims.groups(trims, limits.idsPerDelete());
        for (RecordTrims.Group group : groups) {
            delete(QdrantJson.trimDelete(group.recordIds(), group.fromChunkIndex()), "delete replaced chunks");
        }
    }

    @Override
    protected void doDeleteStale(StreamId stream, StaleFilter filter) {
        delete(QdrantJson.staleDelete(stream, filter), "delete stale chunks of stream " + stream);
    }

    @Override
    protected List<QueryHit> doQuery(float[] vector, int limit, StreamId stream) {
        // The universal query API (Qdrant 1.10 and later); points/search is no longer in Qdrant's definition.
        HttpUrl url = collectionUrl()
                .newBuilder()
                .addPathSegment("points")
                .addPathSegment("query")
                .build();
        Answer answer = endpoint.send(endpoint.post(url, QdrantJson.query(vector, limit, stream)));
        if (isMissingCollection(answer)) {
            return List.of();
        }
        List<QueryHit> hits = new ArrayList<>();
        for (JsonNode hit : endpoint.require(answer, "query").path("result").path("points")) {
            JsonNode payload = hit.path("payload");
            JsonNode text = payload.path(ChunkFields.TEXT);
            hits.add(new QueryHit(
                    hit.path("id").asText(),
                    distance(hit.path("score").asDouble()),
                    StoreJson.textOrNull(text),
                    QdrantJson.metadata(payload)));
        }
        return hits;
    }

    @Override
    public MetadataRules metadataRules() {
        return RULES;
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
            JsonNode index = schema.path(field);
            if (!index.isMissingNode() && !type.equals(index.path("data_type").asText())) {
                problems.add("Qdrant collection '" + collection + "' indexes " + field + " as "
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
        Answer answer = endpoint.send(endpoint.put(url, QdrantJson.upsert(batch)));
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
