package io.vectorsink.store.chroma;

import static io.vectorsink.store.StoreHttp.requirePositive;
import static io.vectorsink.store.StoreHttp.stripSlash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.ConnectorException;
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
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.StoreHttp;
import io.vectorsink.store.StoreHttp.Answer;
import io.vectorsink.store.VectorStore;
import io.vectorsink.store.chroma.ChromaJson.Existing;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Chroma 1.0 over its REST API v2 ({@code {host}/api/v2}). Record operations address the collection
 * by its UUID, which {@link #prepare} resolves once; writes use {@code /upsert} (Chroma's {@code /add}
 * never replaces an existing id) and count as acknowledged when Chroma answers 200.
 *
 * <p>Chroma's upsert merges metadata into an existing record instead of replacing it, so a key that the
 * new version of a chunk no longer has would survive from the old one. Each upsert therefore first reads
 * the metadata keys its ids already hold and sends the vanished keys as {@code null}, which Chroma
 * treats as "remove". Chroma also keeps an old document when sent null; it is replaced with "".
 *
 * <p>Thread-safe: the pipeline calls the write methods from several threads at once.
 */
public final class ChromaVectorStore implements VectorStore {
    static final String SERVICE = "Chroma";

    /**
     * Points per upsert when the server does not publish {@code max_batch_size} (Chroma 1.0 does, in
     * {@code GET /api/v2/pre-flight-checks}: 5461 self-hosted, 300 in Chroma Cloud).
     */
    static final int DEFAULT_MAX_BATCH_SIZE = 300;

    /**
     * Estimated request body bound. A self-hosted Chroma 1.0 answers 413 above 40 MiB (measured);
     * reverse proxies in front of it often allow far less, so requests stay small, and a 413 splits the
     * batch further.
     */
    static final long MAX_REQUEST_BYTES = 4L * 1024 * 1024;

    /** Points per page when reading a collection back. */
    static final int PAGE_SIZE = 1000;

    /**
     * Chroma documents no per-value metadata limit for self-hosted servers; Chroma Cloud's quotas are
     * 4,096 bytes per metadata value and 32 keys per record (docs.trychroma.com/cloud/quotas-limits).
     * The same bounds apply here so a collection loads the same into either; metadata is for filtering,
     * the chunk text lives in the document. 32 values of 4 KiB bound the whole at 128 KiB.
     */
    private static final MetadataRules RULES = new MetadataRules(4096, 32 * 4096);

    private final ChromaHttp api;
    private final String shownUrl;
    private final String tenant;
    private final String database;
    private final String collection;
    private final String metric;
    private final HttpService http;
    private final HttpService checkHttp;

    private volatile String collectionId;
    private volatile int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;

    /**
     * A store on the shared connection pool, with {@code advanced}'s request timeout. Does no I/O;
     * {@link #check} and {@link #prepare} do.
     */
    public ChromaVectorStore(IndexingConfig.Chroma config, AdvancedConfig advanced) {
        this(config, advanced, HttpClients.forConfig(advanced));
    }

    public ChromaVectorStore(IndexingConfig.Chroma config, AdvancedConfig advanced, OkHttpClient client) {
        this(config, advanced, client, RetryTiming.system(), RetrySettings.forService(SERVICE, advanced));
    }

    /** For tests: injected retry timing and bounds, so retries are observed instead of slept. */
    ChromaVectorStore(
            IndexingConfig.Chroma config,
            AdvancedConfig advanced,
            OkHttpClient client,
            RetryTiming timing,
            RetrySettings retry) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(advanced, "advanced");
        HttpUrl host = HttpsPolicy.check("indexing.host", config.host(), advanced.allowInsecureHttp());
        this.tenant = orDefault(config.tenant(), "default_tenant");
        this.database = orDefault(config.database(), "default_database");
        this.collection = config.collection() == null ? "" : config.collection();
        this.metric = orDefault(config.distanceMetric(), "cosine").toLowerCase(Locale.ROOT);
        this.api = new ChromaHttp(host, tenant, database, ChromaHttp.authHeaders(config.auth()));
        this.shownUrl = stripSlash(HttpsPolicy.withoutCredentials(host));
        this.http = new HttpService(client, retry, timing);
        // check answers a person who waits for it: seconds, not the sync's minutes of retries.
        this.checkHttp = StoreHttp.forCheck(http, retry);
    }

    // ---- VectorStore ----------------------------------------------------------------------------

    @Override
    public void check(int dimension) {
        requirePositive(dimension);
        heartbeat();
        verifyTenantAndDatabase(checkHttp);
        Answer answer = ChromaHttp.send(checkHttp, api.get(api.collection(collection)));
        if (answer.code() == 404) {
            return; // prepare creates it
        }
        verify(ChromaCollection.parse(require(answer, "read collection '" + collection + "'")), dimension);
    }

    @Override
    public void prepare(int dimension) {
        requirePositive(dimension);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", collection);
        body.putObject("configuration").putObject("hnsw").put("space", metric);
        body.put("get_or_create", true);
        Answer answer = ChromaHttp.send(http, api.post(api.collections(), ChromaJson.write(body)));
        if (!answer.ok() && (answer.code() == 400 || answer.code() == 404)) {
            // Chroma answers "Database [x] does not exist" even when the tenant is the missing part.
            verifyTenantAndDatabase(http);
        }
        ChromaCollection info = ChromaCollection.parse(require(answer, "create collection '" + collection + "'"));
        verify(info, dimension);
        maxBatchSize = readMaxBatchSize();
        collectionId = info.id();
    }

    @Override
    public void upsert(List<ChunkPoint> points) {
        if (points.isEmpty()) {
            return;
        }
        String id = requirePrepared();
        // Two points with one id in a request would leave "which one won" to the server: last wins here.
        Map<String, ChunkPoint> unique = new LinkedHashMap<>();
        for (ChunkPoint point : points) {
            unique.remove(point.id());
            unique.put(point.id(), point);
        }
        PointBatches.forEach(
                unique.values(),
                maxBatchSize,
                MAX_REQUEST_BYTES,
                ChromaJson::estimateBytes,
                batch -> upsertRequest(id, batch));
    }

    @Override
    public void deleteChunks(List<RecordTrim> trims) {
        if (trims.isEmpty()) {
            return; // never send an empty filter
        }
        String id = requirePrepared();
        for (ObjectNode where : ChromaWhere.trims(trims)) {
            delete(id, where, "delete replaced chunks");
        }
    }

    @Override
    public void deleteStale(StreamId stream, StaleFilter filter) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(filter, "filter");
        delete(requirePrepared(), ChromaWhere.stale(stream, filter), "delete stale chunks of stream " + stream);
    }

    @Override
    public List<QueryHit> query(float[] vector, int limit, StreamId stream) {
        if (limit < 1) {
            throw new SystemException("query limit must be >= 1, got " + limit);
        }
        String id = lookupId();
        if (id == null) {
            return List.of();
        }
        byte[] body = ChromaJson.write(gen -> {
            gen.writeStartObject();
            gen.writeArrayFieldStart("query_embeddings");
            ChromaJson.writeVector(gen, vector, "the query");
            gen.writeEndArray();
            gen.writeNumberField("n_results", limit);
            if (stream != null) {
                gen.writeFieldName("where");
                gen.writeTree(ChromaWhere.stream(stream));
            }
            gen.writeArrayFieldStart("include");
            gen.writeString("documents");
            gen.writeString("metadatas");
            gen.writeString("distances");
            gen.writeEndArray();
            gen.writeEndObject();
        });
        JsonNode json = require(ChromaHttp.send(http, api.post(api.records(id, "query"), body)), "query");
        // One query vector: every field is a list with one row.
        JsonNode ids = json.path("ids").path(0);
        List<QueryHit> hits = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            hits.add(new QueryHit(
                    ids.get(i).asText(),
                    json.path("distances").path(0).path(i).asDouble(),
                    ChromaJson.textOrNull(json.path("documents").path(0).path(i)),
                    ChromaJson.metadata(json.path("metadatas").path(0).path(i))));
        }
        return hits;
    }

    @Override
    public MetadataRules metadataRules() {
        return RULES;
    }

    // ---- inspection (tests, demo) ---------------------------------------------------------------

    /**
     * Every point of {@code stream} (or of the whole collection when null), without vectors, read page
     * by page; empty when the collection does not exist. For tests and tools, not for the write path.
     */
    public List<StoredPoint> getAll(StreamId stream) {
        return getAll(stream, false);
    }

    /** As {@link #getAll(StreamId)}, with the vectors when {@code withVectors}. */
    public List<StoredPoint> getAll(StreamId stream, boolean withVectors) {
        String id = lookupId();
        if (id == null) {
            return List.of();
        }
        List<StoredPoint> points = new ArrayList<>();
        for (int offset = 0; ; offset += PAGE_SIZE) {
            int pageOffset = offset;
            byte[] body = ChromaJson.write(gen -> {
                gen.writeStartObject();
                if (stream != null) {
                    gen.writeFieldName("where");
                    gen.writeTree(ChromaWhere.stream(stream));
                }
                gen.writeArrayFieldStart("include");
                gen.writeString("documents");
                gen.writeString("metadatas");
                if (withVectors) {
                    gen.writeString("embeddings");
                }
                gen.writeEndArray();
                gen.writeNumberField("limit", PAGE_SIZE);
                gen.writeNumberField("offset", pageOffset);
                gen.writeEndObject();
            });
            JsonNode json = require(ChromaHttp.send(http, api.post(api.records(id, "get"), body)), "read points");
            JsonNode ids = json.path("ids");
            for (int i = 0; i < ids.size(); i++) {
                points.add(new StoredPoint(
                        ids.get(i).asText(),
                        ChromaJson.textOrNull(json.path("documents").path(i)),
                        ChromaJson.metadata(json.path("metadatas").path(i)),
                        withVectors ? ChromaJson.vector(json.path("embeddings").path(i)) : null));
            }
            if (ids.size() < PAGE_SIZE) {
                return points;
            }
        }
    }

    /** The number of points in the collection; 0 when it does not exist. */
    public long count() {
        String id = lookupId();
        if (id == null) {
            return 0;
        }
        return require(ChromaHttp.send(http, api.get(api.records(id, "count"))), "count points")
                .asLong();
    }

    /** The collection id once {@link #prepare} ran, else null (tests). */
    String collectionId() {
        return collectionId;
    }

    // ---- check steps ----------------------------------------------------------------------------

    private void heartbeat() {
        Answer answer;
        try {
            answer = ChromaHttp.send(checkHttp, api.get(api.heartbeat()));
        } catch (TransientException e) {
            if (e.getCause() instanceof IOException io) {
                throw new ConfigException("Chroma at " + shownUrl + " is not reachable: " + HttpErrors.describe(io), e);
            }
            throw e;
        }
        if (answer.code() == 404 || answer.code() == 405) {
            throw new ConfigException(shownUrl + " does not answer Chroma's API v2 heartbeat ("
                    + answer.status().describe() + "); vectorsink needs Chroma 1.0 or later");
        }
        require(answer, "answer the heartbeat");
    }

    private void verifyTenantAndDatabase(HttpService service) {
        Answer tenantAnswer = ChromaHttp.send(service, api.get(api.tenant()));
        if (tenantAnswer.code() == 404) {
            throw new ConfigException("Chroma tenant '" + tenant + "' does not exist at " + shownUrl);
        }
        require(tenantAnswer, "read tenant '" + tenant + "'");
        Answer databaseAnswer = ChromaHttp.send(service, api.get(api.database()));
        if (databaseAnswer.code() == 404) {
            throw new ConfigException(
                    "Chroma database '" + database + "' does not exist in tenant '" + tenant + "' at " + shownUrl);
        }
        require(databaseAnswer, "read database '" + database + "'");
    }

    private void verify(ChromaCollection info, int dimension) {
        List<String> problems = new ArrayList<>();
        if (info.dimension() != null && info.dimension() != dimension) {
            problems.add("Chroma collection '" + collection + "' holds vectors of " + info.dimension()
                    + " dimensions, but the embedding model makes " + dimension
                    + "; use another collection name or an embedding model with " + info.dimension()
                    + " dimensions");
        }
        if (!info.space().equals(metric)) {
            problems.add("Chroma collection '" + collection + "' uses the " + info.space()
                    + " distance, but distance_metric is " + metric + "; set distance_metric to " + info.space()
                    + " or use another collection name");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems, null);
        }
    }

    private int readMaxBatchSize() {
        Answer answer = ChromaHttp.send(http, api.get(api.preFlightChecks()));
        int published = answer.ok() ? answer.json().path("max_batch_size").asInt(0) : 0;
        return published > 0 ? published : DEFAULT_MAX_BATCH_SIZE;
    }

    // ---- writes ---------------------------------------------------------------------------------

    private void upsertRequest(String id, List<ChunkPoint> batch) {
        boolean anyNullDocument = batch.stream().anyMatch(p -> p.document() == null);
        Map<String, Existing> existing = readExisting(id, batch, anyNullDocument);
        byte[] body = ChromaJson.upsertBody(batch, existing);
        Answer answer = ChromaHttp.send(http, api.post(api.records(id, "upsert"), body));
        if (answer.code() == 413 && batch.size() > 1) {
            // Too large for the server or a proxy in front of it: halve until it fits.
            int half = batch.size() / 2;
            upsertRequest(id, batch.subList(0, half));
            upsertRequest(id, batch.subList(half, batch.size()));
            return;
        }
        if (answer.code() == 413) {
            throw new ConfigException("Chroma (or a proxy in front of it) refused one chunk of about "
                    + ChromaJson.estimateBytes(batch.get(0)) / 1024
                    + " KiB as too large (HTTP 413); raise the request size limit or lower chunk_size");
        }
        require(answer, "upsert into collection '" + collection + "'");
    }

    /** The metadata keys (and, if asked, document presence) of the batch's ids that already exist. */
    private Map<String, Existing> readExisting(String id, List<ChunkPoint> batch, boolean withDocuments) {
        byte[] body = ChromaJson.write(gen -> {
            gen.writeStartObject();
            gen.writeArrayFieldStart("ids");
            for (ChunkPoint point : batch) {
                gen.writeString(point.id());
            }
            gen.writeEndArray();
            gen.writeArrayFieldStart("include");
            gen.writeString("metadatas");
            if (withDocuments) {
                gen.writeString("documents");
            }
            gen.writeEndArray();
            gen.writeEndObject();
        });
        JsonNode json = require(ChromaHttp.send(http, api.post(api.records(id, "get"), body)), "read existing chunks");
        Map<String, Existing> existing = new HashMap<>();
        JsonNode ids = json.path("ids");
        for (int i = 0; i < ids.size(); i++) {
            List<String> keys = new ArrayList<>();
            json.path("metadatas").path(i).fieldNames().forEachRemaining(keys::add);
            JsonNode document = json.path("documents").path(i);
            existing.put(
                    ids.get(i).asText(),
                    new Existing(
                            keys, document.isTextual() && !document.asText().isEmpty()));
        }
        return existing;
    }

    private void delete(String id, ObjectNode where, String action) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("where", where);
        require(ChromaHttp.send(http, api.post(api.records(id, "delete"), ChromaJson.write(body))), action);
    }

    // ---- answers --------------------------------------------------------------------------------

    private JsonNode require(Answer answer, String action) {
        if (!answer.ok()) {
            throw failure(answer.status(), action);
        }
        return answer.json();
    }

    /** The exception for a final unsuccessful answer to {@code action}. */
    private ConnectorException failure(HttpStatus status, String action) {
        int code = status.code();
        if (code == 404 && collectionId != null) {
            return new TransientException("Chroma collection '" + collection + "' disappeared during the sync ("
                    + action + " answered HTTP 404); the next attempt creates it again");
        }
        if (code == 400 && status.bodySnippet().toLowerCase(Locale.ROOT).contains("dimension")) {
            return new ConfigException("Chroma refused to " + action + ": the vector dimension does not match the"
                    + " collection (" + status.describe() + "); use another collection name or the embedding"
                    + " model the collection was made with");
        }
        if (code >= 400 && code < 500 && code != 401 && code != 403 && code != 404 && code != 405) {
            return new SystemException("Chroma refused to " + action + " (" + status.describe() + ")");
        }
        return HttpErrors.classify(SERVICE, status);
    }

    private String requirePrepared() {
        String id = collectionId;
        if (id == null) {
            throw new SystemException("the Chroma store must be prepared before it is written to");
        }
        return id;
    }

    /** The collection id, looked up by name if {@link #prepare} has not run; null when it does not exist. */
    private String lookupId() {
        String id = collectionId;
        if (id != null) {
            return id;
        }
        Answer answer = ChromaHttp.send(http, api.get(api.collection(collection)));
        if (answer.code() == 404) {
            return null;
        }
        return ChromaCollection.parse(require(answer, "read collection '" + collection + "'"))
                .id();
    }

    // ---- small helpers --------------------------------------------------------------------------

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
