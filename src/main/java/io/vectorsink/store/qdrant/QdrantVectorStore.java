package io.vectorsink.store.qdrant;

import static io.vectorsink.store.StoreHttp.requirePositive;
import static io.vectorsink.store.StoreHttp.stripSlash;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
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
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkFields;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;

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
public final class QdrantVectorStore implements VectorStore {
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
    private static final MetadataRules RULES = new MetadataRules(32 * 1024, 1024 * 1024);

    private static final MediaType JSON = MediaType.get("application/json");

    private static final Map<String, String> DISTANCES = Map.of("cosine", "Cosine", "l2", "Euclid", "ip", "Dot");

    private final HttpUrl base;
    private final String shownUrl;
    private final String collection;
    private final String metric;
    private final String distance;
    private final Headers auth;
    private final HttpService http;
    private final HttpService checkHttp;

    private volatile boolean prepared;

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
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(advanced, "advanced");
        HttpUrl url = HttpsPolicy.check("indexing.url", config.url(), advanced.allowInsecureHttp());
        this.base = url.newBuilder().query(null).fragment(null).build();
        this.shownUrl = stripSlash(HttpsPolicy.withoutCredentials(url));
        this.collection = config.collection();
        this.metric = config.distanceMetric().toLowerCase(Locale.ROOT);
        this.distance = DISTANCES.get(metric);
        if (distance == null) {
            throw new ConfigException("indexing.distance_metric must be one of cosine, l2, ip, got '" + metric + "'");
        }
        if (config.apiKey() == null || config.apiKey().isEmpty()) {
            this.auth = Headers.of();
        } else {
            Secrets.register(config.apiKey());
            this.auth = Headers.of("api-key", config.apiKey());
        }
        this.http = new HttpService(client, retry, timing);
        // check answers a person who waits for it: seconds, not the sync's minutes of retries.
        this.checkHttp = StoreHttp.forCheck(http, retry);
    }

    // ---- VectorStore ----------------------------------------------------------------------------

    @Override
    public void check(int dimension) {
        requirePositive(dimension);
        Answer answer;
        try {
            answer = send(checkHttp, get(collectionUrl()));
        } catch (TransientException e) {
            if (e.getCause() instanceof IOException io) {
                throw new ConfigException("Qdrant at " + shownUrl + " is not reachable: " + HttpErrors.describe(io), e);
            }
            throw e;
        }
        if (isMissingCollection(answer)) {
            return; // prepare creates it; check leaves the server as it was
        }
        verify(require(answer, "read collection '" + collection + "'"), dimension);
    }

    @Override
    public void prepare(int dimension) {
        requirePositive(dimension);
        Answer existing = send(http, get(collectionUrl()));
        if (isMissingCollection(existing)) {
            Answer created = send(http, put(collectionUrl(), QdrantJson.createCollection(dimension, distance)));
            // 409 since Qdrant 1.8, 400 before: another writer created it first, which is as good.
            boolean raced = !created.ok()
                    && (created.code() == 409 || created.code() == 400)
                    && created.status().bodySnippet().contains("already exists");
            if (!raced) {
                require(created, "create collection '" + collection + "'");
            }
            existing = send(http, get(collectionUrl()));
        }
        JsonNode info = require(existing, "read collection '" + collection + "'");
        verify(info, dimension);
        JsonNode schema = info.path("result").path("payload_schema");
        for (Map.Entry<String, String> index : QdrantJson.PAYLOAD_INDEXES.entrySet()) {
            if (!schema.has(index.getKey())) {
                HttpUrl url = collectionUrl()
                        .newBuilder()
                        .addPathSegment("index")
                        .addQueryParameter("wait", "true")
                        .build();
                requireCompleted(
                        send(http, put(url, QdrantJson.createPayloadIndex(index.getKey(), index.getValue()))),
                        "create the payload index on " + index.getKey());
            }
        }
        prepared = true;
    }

    @Override
    public void upsert(List<ChunkPoint> points) {
        if (points.isEmpty()) {
            return;
        }
        requirePrepared();
        // Two points with one id in a request would leave "which one won" to the server: last wins here.
        Map<String, ChunkPoint> unique = new LinkedHashMap<>();
        for (ChunkPoint point : points) {
            requireUuid(point.id());
            unique.remove(point.id());
            unique.put(point.id(), point);
        }
        PointBatches.forEach(
                unique.values(),
                MAX_POINTS_PER_UPSERT,
                MAX_UPSERT_BYTES,
                point -> QdrantJson.upsert(List.of(point)).length,
                this::upsertRequest);
    }

    @Override
    public void deleteChunks(List<RecordTrim> trims) {
        if (trims.isEmpty()) {
            return;
        }
        requirePrepared();
        List<RecordTrims.Group> groups = RecordTrims.groups(trims, MAX_IDS_PER_DELETE);
        for (RecordTrims.Group group : groups) {
            delete(QdrantJson.trimDelete(group.recordIds(), group.fromChunkIndex()), "delete replaced chunks");
        }
    }

    @Override
    public void deleteStale(StreamId stream, StaleFilter filter) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(filter, "filter");
        requirePrepared();
        delete(QdrantJson.staleDelete(stream, filter), "delete stale chunks of stream " + stream);
    }

    @Override
    public List<QueryHit> query(float[] vector, int limit, StreamId stream) {
        if (limit < 1) {
            throw new SystemException("query limit must be >= 1, got " + limit);
        }
        HttpUrl url = collectionUrl()
                .newBuilder()
                .addPathSegment("points")
                .addPathSegment("search")
                .build();
        Answer answer = send(http, post(url, QdrantJson.search(vector, limit, stream)));
        if (isMissingCollection(answer)) {
            return List.of();
        }
        List<QueryHit> hits = new ArrayList<>();
        for (JsonNode hit : require(answer, "query").path("result")) {
            JsonNode payload = hit.path("payload");
            JsonNode text = payload.path(ChunkFields.TEXT);
            hits.add(new QueryHit(
                    hit.path("id").asText(),
                    distance(hit.path("score").asDouble()),
                    text.isTextual() ? text.textValue() : null,
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
        return switch (metric) {
            case "l2" -> score * score;
            default -> 1 - score;
        };
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
            String wanted = DISTANCES.entrySet().stream()
                    .filter(e -> e.getValue().equals(existing))
                    .map(Map.Entry::getKey)
                    .findFirst()
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
        throw new ConfigException(shownUrl + " does not answer like Qdrant's REST API ("
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
        Answer answer = send(http, put(url, QdrantJson.upsert(batch)));
        if (answer.code() == 413 && batch.size() > 1) {
            // Too large for the server or a proxy in front of it: halve until it fits.
            int half = batch.size() / 2;
            upsertRequest(batch.subList(0, half));
            upsertRequest(batch.subList(half, batch.size()));
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
        requireCompleted(send(http, post(url, body)), action);
    }

    /** A write counts once Qdrant says it was applied: {@code result.status == "completed"}. */
    private void requireCompleted(Answer answer, String action) {
        JsonNode json = require(answer, action);
        String status = json.path("result").path("status").asText("");
        if (!status.equals("completed")) {
            throw new TransientException("Qdrant did not confirm that it applied the request to " + action
                    + " (result.status is '" + status + "', not 'completed'); the write is not acknowledged");
        }
    }

    // ---- requests and answers -------------------------------------------------------------------

    /** {@link StoreHttp#send} with Qdrant named in its messages. */
    private static Answer send(HttpService service, Request request) {
        return StoreHttp.send(service, request, "Qdrant");
    }

    private JsonNode require(Answer answer, String action) {
        if (!answer.ok()) {
            throw failure(answer.status(), action);
        }
        return answer.json();
    }

    private ConnectorException failure(HttpStatus status, String action) {
        int code = status.code();
        if (code == 404 && prepared) {
            return new TransientException("Qdrant collection '" + collection + "' disappeared during the sync ("
                    + action + " answered HTTP 404); the next attempt creates it again");
        }
        if (code >= 400 && code < 500 && code != 401 && code != 403 && code != 404 && code != 405) {
            return new SystemException("Qdrant refused to " + action + " (" + status.describe() + ")");
        }
        return HttpErrors.classify(SERVICE, status);
    }

    private HttpUrl collectionUrl() {
        return base.newBuilder()
                .addPathSegment("collections")
                .addPathSegment(collection)
                .build();
    }

    private Request get(HttpUrl url) {
        return new Request.Builder().url(url).headers(auth).get().build();
    }

    private Request put(HttpUrl url, byte[] body) {
        return new Request.Builder()
                .url(url)
                .headers(auth)
                .put(RequestBody.create(body, JSON))
                .build();
    }

    private Request post(HttpUrl url, byte[] body) {
        return new Request.Builder()
                .url(url)
                .headers(auth)
                .post(RequestBody.create(body, JSON))
                .build();
    }

    private void requirePrepared() {
        if (!prepared) {
            throw new SystemException("the Qdrant store must be prepared before it is written to");
        }
    }

    private static void requireUuid(String id) {
        try {
            UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new SystemException("Qdrant point ids must be UUIDs, got a chunk id that is not one");
        }
    }
}
