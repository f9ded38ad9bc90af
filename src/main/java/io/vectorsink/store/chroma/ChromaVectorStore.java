package io.vectorsink.store.chroma;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.ConnectorException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.HttpService;
import io.vectorsink.http.HttpStatus;
import io.vectorsink.http.HttpsPolicy;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.protocol.Json;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkFields;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.DistanceMetric;
import io.vectorsink.store.KnownChunk;
import io.vectorsink.store.MetadataRules;
import io.vectorsink.store.PointBatches;
import io.vectorsink.store.QueryHit;
import io.vectorsink.store.RecordedModel;
import io.vectorsink.store.RestEndpoint;
import io.vectorsink.store.RestEndpoint.Answer;
import io.vectorsink.store.RestVectorStore;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.StoreJson;
import io.vectorsink.store.chroma.ChromaJson.Existing;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
public final class ChromaVectorStore extends RestVectorStore {
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

    /** The collection metadata key that named the distance metric before Chroma 1.0's configuration. */
    static final String LEGACY_SPACE_KEY = "hnsw:space";

    /**
     * Chroma documents no per-value metadata limit for self-hosted servers; Chroma Cloud's quotas are
     * 4,096 bytes per metadata value and 32 keys per record (docs.trychroma.com/cloud/quotas-limits).
     * The same bounds apply here so a collection loads the same into either; metadata is for filtering,
     * the chunk text lives in the document. 32 values of 4 KiB bound the whole at 128 KiB.
     */
    /**
     * 4 KiB a value and 128 KiB a chunk; at most 4,096 keys a chunk (Chroma 1.0 answers HTTP 500 "Error in
     * compaction" to a chunk with more than about 5,400 keys, on every retry: 5,000 were taken, 5,500 not);
     * keys starting with {@code chroma:} are Chroma's own and never read back.
     */
    private static final MetadataRules RULES =
            new MetadataRules(4096, 32 * 4096, 4096, java.util.Set.of(), java.util.List.of("chroma:"));

    private final ChromaPaths paths;
    private final String tenant;
    private final String database;
    private final String collection;
    private final DistanceMetric metric;

    private volatile boolean emptyWhenPrepared;
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
        super(endpoint(config, advanced, client, timing, retry));
        this.tenant = orDefault(config.tenant(), "default_tenant");
        this.database = orDefault(config.database(), "default_database");
        this.collection = config.collection();
        this.metric = config.metric();
        this.paths = new ChromaPaths(endpoint.url(), tenant, database);
    }

    private static RestEndpoint endpoint(
            IndexingConfig.Chroma config,
            AdvancedConfig advanced,
            OkHttpClient client,
            RetryTiming timing,
            RetrySettings retry) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(advanced, "advanced");
        HttpUrl host = HttpsPolicy.check("indexing.host", config.host(), advanced.allowInsecureHttp());
        String collection = config.collection() == null ? "" : config.collection();
        return RestEndpoint.at(SERVICE, host)
                .base(ChromaPaths.apiBase(host))
                .headers(ChromaPaths.authHeaders(config.auth()))
                .target("collection '" + collection + "'")
                .failures(ChromaVectorStore::dimensionRefusal)
                .build(client, timing, retry);
    }

    /** Chroma's own failure case: a 400 about the dimension is the config's to fix, not a bug. */
    private static ConnectorException dimensionRefusal(HttpStatus status, String action, boolean prepared) {
        if (status.code() == 400
                && status.bodySnippet().toLowerCase(Locale.ROOT).contains("dimension")) {
            return new ConfigException("Chroma refused to " + action + ": the vector dimension does not match the"
                    + " collection (" + status.describe() + "); use another collection name or the embedding model"
                    + " the collection was made with");
        }
        return null;
    }

    // ---- VectorStore ----------------------------------------------------------------------------

    @Override
    protected void doCheck(int dimension) {
        heartbeat();
        verifyTenantAndDatabase(endpoint.check());
        Answer answer = endpoint.send(endpoint.check(), endpoint.get(paths.collection(collection)));
        if (answer.code() == 404) {
            return; // prepare creates it
        }
        ChromaCollection info =
                ChromaCollection.parse(endpoint.require(answer, "read collection '" + collection + "'"));
        verify(info, dimension);
        indexModel().judge(RecordedModel.fromFields(info.metadata()), label(), true);
    }

    @Override
    protected void doPrepare(int dimension) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("name", collection);
        body.putObject("configuration").putObject("hnsw").put("space", metric.configName());
        // The metric again under the metadata key Chroma used before 1.0: LangChain's Python store reads it
        // there to turn distances into relevance scores, and takes l2 when it is missing. Beside it, the
        // embedding model when one is recorded.
        ObjectNode metadata = body.putObject("metadata");
        metadata.put(LEGACY_SPACE_KEY, metric.configName());
        indexModel()
                .model()
                .ifPresent(model -> metadata.setAll((ObjectNode) Json.MAPPER.valueToTree(RecordedModel.fields(model))));
        body.put("get_or_create", true);
        Answer answer = endpoint.send(endpoint.post(paths.collections(), ChromaJson.write(body)));
        if (!answer.ok() && (answer.code() == 400 || answer.code() == 404)) {
            // Chroma answers "Database [x] does not exist" even when the tenant is the missing part.
            verifyTenantAndDatabase(endpoint.sync());
        }
        ChromaCollection info =
                ChromaCollection.parse(endpoint.require(answer, "create collection '" + collection + "'"));
        verify(info, dimension);
        recordModelIfNeeded(info);
        maxBatchSize = readMaxBatchSize();
        collectionId = info.id();
        emptyWhenPrepared = countIsZero(info.id());
        endpoint.markPrepared();
    }

    @Override
    public boolean emptyWhenPrepared() {
        return emptyWhenPrepared;
    }

    /** Whether the collection's {@code count} is 0; false when the server does not say. */
    private boolean countIsZero(String id) {
        Answer answer = endpoint.send(endpoint.get(paths.records(id, "count")));
        return answer.ok() && answer.json().isIntegralNumber() && answer.json().asLong() == 0;
    }

    @Override
    protected void doUpsert(Collection<ChunkPoint> points) {
        String id = collectionId;
        PointBatches.forEach(
                points, maxBatchSize, MAX_REQUEST_BYTES, ChromaJson::estimateBytes, batch -> upsertRequest(id, batch));
    }

    @Override
    protected void doDeleteChunks(List<RecordTrim> trims) {
        for (ObjectNode where : ChromaWhere.trims(trims)) {
            delete(where, "delete replaced chunks");
        }
    }

    @Override
    protected void doDeleteStale(StreamId stream, StaleFilter filter) {
        delete(ChromaWhere.stale(stream, filter), "delete stale chunks of stream " + stream);
    }

    @Override
    protected List<QueryHit> doQuery(float[] vector, int limit, StreamId stream) {
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
        JsonNode json = endpoint.call(endpoint.post(paths.records(id, "query"), body), "query");
        // One query vector: every field is a list with one row.
        JsonNode ids = json.path("ids").path(0);
        List<QueryHit> hits = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            hits.add(new QueryHit(
                    ids.get(i).asText(),
                    json.path("distances").path(0).path(i).asDouble(),
                    StoreJson.textOrNull(json.path("documents").path(0).path(i)),
                    StoreJson.metadata(json.path("metadatas").path(0).path(i), Set.of())));
        }
        return hits;
    }

    /**
     * One {@code get} per {@link ChromaWhere#MAX_IDS_PER_REQUEST} record ids, filtered by {@code _ab_record_id
     * $in} alone, with {@code include: ["metadatas"]} only, read page by page ({@code limit}
     * and {@code offset}) until a page comes back short. Chroma reads its own acknowledged writes (a
     * single-node server and Chroma Cloud are both read-after-write consistent), so a lookup never misses a
     * write that was acknowledged before it. The stream is checked on the answer's metadata, not in the
     * filter: Chroma evaluates an {@code $and} with the stream's clauses over every chunk of the stream (231 ms
     * against 14 ms for 71 records in a 17,000-chunk collection, docs/benchmarks.md), while the record ids
     * alone select a few chunks.
     */
    @Override
    public Map<String, List<KnownChunk>> lookup(StreamId stream, Collection<String> recordIds) {
        Map<String, List<KnownChunk>> known = new HashMap<>();
        if (recordIds.isEmpty()) {
            return known;
        }
        requirePrepared();
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(recordIds));
        for (int from = 0; from < ids.size(); from += ChromaWhere.MAX_IDS_PER_REQUEST) {
            List<String> group = ids.subList(from, Math.min(ids.size(), from + ChromaWhere.MAX_IDS_PER_REQUEST));
            ObjectNode where = ChromaWhere.records(group);
            int pageSize = maxBatchSize;
            for (int offset = 0; ; offset += pageSize) {
                JsonNode page = get(where, null, "metadatas", pageSize, offset, "look up stored chunks");
                JsonNode pageIds = page.path("ids");
                for (int i = 0; i < pageIds.size(); i++) {
                    JsonNode metadata = page.path("metadatas").path(i);
                    KnownChunk chunk = ChromaJson.knownChunk(pageIds.get(i).asText(), metadata);
                    if (chunk != null && inStream(metadata, stream)) {
                        known.computeIfAbsent(chunk.recordId(), r -> new ArrayList<>())
                                .add(chunk);
                    }
                }
                if (pageIds.size() < pageSize) {
                    break;
                }
            }
        }
        return known;
    }

    private static boolean inStream(JsonNode metadata, StreamId stream) {
        return metadata.path(ChunkFields.STREAM).asText("").equals(stream.airbyteName())
                && metadata.path(ChunkFields.NAMESPACE).asText("").equals(stream.namespaceOrEmpty());
    }

    /** {@code get} by ids with {@code include: ["embeddings"]}, at most {@code max_batch_size} ids a request. */
    @Override
    public Map<String, float[]> storedVectors(StreamId stream, Collection<String> chunkIds) {
        Map<String, float[]> vectors = new HashMap<>();
        if (chunkIds.isEmpty()) {
            return vectors;
        }
        requirePrepared();
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(chunkIds));
        int size = maxBatchSize;
        for (int from = 0; from < ids.size(); from += size) {
            List<String> group = ids.subList(from, Math.min(ids.size(), from + size));
            JsonNode answer = get(null, group, "embeddings", group.size(), 0, "read stored vectors");
            JsonNode answerIds = answer.path("ids");
            for (int i = 0; i < answerIds.size(); i++) {
                float[] vector = ChromaJson.vector(answer.path("embeddings").path(i));
                if (vector != null) {
                    vectors.put(answerIds.get(i).asText(), vector);
                }
            }
        }
        return vectors;
    }

    /**
     * Chroma's {@code update} with metadatas only: it merges the given keys into each record's metadata and
     * leaves its embedding, document and other keys as they are (ChromaContractIT proves it on the real
     * server).
     */
    @Override
    public void updateOwnFields(StreamId stream, Collection<String> chunkIds, Map<String, Object> fields) {
        if (chunkIds.isEmpty()) {
            return;
        }
        requirePrepared();
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(chunkIds));
        for (int from = 0; from < ids.size(); from += maxBatchSize) {
            List<String> group = ids.subList(from, Math.min(ids.size(), from + maxBatchSize));
            endpoint.call(
                    endpoint.post(paths.records(collectionId, "update"), ChromaJson.updateMetadataBody(group, fields)),
                    "update the connector's fields of stored chunks");
        }
    }

    @Override
    public MetadataRules metadataRules() {
        return RULES;
    }

    // ---- the model in the collection ------------------------------------------------------------

    private String label() {
        return "Chroma collection '" + collection + "'";
    }

    /**
     * Records the configured model in the collection's metadata when it has none, or another one and a change
     * is allowed: {@code PUT} of the collection with its metadata and the model's keys, so whether Chroma
     * merges or replaces {@code new_metadata}, its other keys stay. Chroma 1.0 replaces it (measured), so
     * {@link #LEGACY_SPACE_KEY} goes again too: left out, it would vanish from a collection LangChain made
     * and LangChain would score its distances as l2. The server takes the key in a modify (Chroma's Python
     * client refuses it, the server does not) and leaves the metric in the configuration as it is.
     */
    private void recordModelIfNeeded(ChromaCollection info) {
        if (!indexModel().judge(RecordedModel.fromFields(info.metadata()), label(), true)) {
            return;
        }
        Map<String, Object> metadata = new java.util.LinkedHashMap<>(info.metadata());
        indexModel().model().ifPresent(model -> metadata.putAll(RecordedModel.fields(model)));
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("new_metadata", Json.MAPPER.valueToTree(metadata));
        endpoint.require(
                endpoint.send(endpoint.put(paths.collection(info.id()), ChromaJson.write(body))),
                "record the embedding model in collection '" + collection + "'");
    }

    // ---- check steps ----------------------------------------------------------------------------

    private void heartbeat() {
        Answer answer = endpoint.sendForCheck(endpoint.get(paths.heartbeat()));
        if (answer.code() == 404 || answer.code() == 405) {
            throw new ConfigException(endpoint.shownUrl() + " does not answer Chroma's API v2 heartbeat ("
                    + answer.status().describe() + "); vectorsink needs Chroma 1.0 or later");
        }
        endpoint.require(answer, "answer the heartbeat");
    }

    private void verifyTenantAndDatabase(HttpService service) {
        Answer tenantAnswer = endpoint.send(service, endpoint.get(paths.tenant()));
        if (tenantAnswer.code() == 404) {
            throw new ConfigException("Chroma tenant '" + tenant + "' does not exist at " + endpoint.shownUrl());
        }
        endpoint.require(tenantAnswer, "read tenant '" + tenant + "'");
        Answer databaseAnswer = endpoint.send(service, endpoint.get(paths.database()));
        if (databaseAnswer.code() == 404) {
            throw new ConfigException("Chroma database '" + database + "' does not exist in tenant '" + tenant + "' at "
                    + endpoint.shownUrl());
        }
        endpoint.require(databaseAnswer, "read database '" + database + "'");
    }

    private void verify(ChromaCollection info, int dimension) {
        List<String> problems = new ArrayList<>();
        if (info.dimension() != null && info.dimension() != dimension) {
            problems.add("Chroma collection '" + collection + "' holds vectors of " + info.dimension()
                    + " dimensions, but the embedding model makes " + dimension
                    + "; use another collection name or an embedding model with " + info.dimension()
                    + " dimensions");
        }
        if (!info.space().equals(metric.configName())) {
            problems.add("Chroma collection '" + collection + "' uses the " + info.space()
                    + " distance, but distance_metric is " + metric + "; set distance_metric to " + info.space()
                    + " or use another collection name");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems, null);
        }
    }

    private int readMaxBatchSize() {
        Answer answer = endpoint.send(endpoint.get(paths.preFlightChecks()));
        int published = answer.ok() ? answer.json().path("max_batch_size").asInt(0) : 0;
        return published > 0 ? published : DEFAULT_MAX_BATCH_SIZE;
    }

    // ---- writes ---------------------------------------------------------------------------------

    private void upsertRequest(String id, List<ChunkPoint> batch) {
        boolean anyNullDocument = batch.stream().anyMatch(p -> p.document() == null);
        Map<String, Existing> existing = readExisting(id, batch, anyNullDocument);
        byte[] body = ChromaJson.upsertBody(batch, existing);
        Answer answer = endpoint.send(endpoint.post(paths.records(id, "upsert"), body));
        if (sentInHalves(answer, batch, half -> upsertRequest(id, half))) {
            return;
        }
        if (answer.code() == 413) {
            throw new ConfigException("Chroma (or a proxy in front of it) refused one chunk of about "
                    + ChromaJson.estimateBytes(batch.get(0)) / 1024
                    + " KiB as too large (HTTP 413); raise the request size limit or lower chunk_size");
        }
        endpoint.require(answer, "upsert into collection '" + collection + "'");
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
        JsonNode json = endpoint.call(endpoint.post(paths.records(id, "get"), body), "read existing chunks");
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

    /** One {@code get} request: by {@code where} or by {@code ids}, including only {@code include}. */
    private JsonNode get(ObjectNode where, List<String> ids, String include, int limit, int offset, String action) {
        byte[] body = ChromaJson.write(gen -> {
            gen.writeStartObject();
            if (ids != null) {
                gen.writeArrayFieldStart("ids");
                for (String id : ids) {
                    gen.writeString(id);
                }
                gen.writeEndArray();
            }
            if (where != null) {
                gen.writeFieldName("where");
                gen.writeTree(where);
            }
            gen.writeNumberField("limit", limit);
            gen.writeNumberField("offset", offset);
            gen.writeArrayFieldStart("include");
            gen.writeString(include);
            gen.writeEndArray();
            gen.writeEndObject();
        });
        return endpoint.call(endpoint.post(paths.records(collectionId, "get"), body), action);
    }

    private void delete(ObjectNode where, String action) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("where", where);
        endpoint.call(endpoint.post(paths.records(collectionId, "delete"), ChromaJson.write(body)), action);
    }

    /** The collection id, looked up by name if {@link #prepare} has not run; null when it does not exist. */
    private String lookupId() {
        String id = collectionId;
        if (id != null) {
            return id;
        }
        Answer answer = endpoint.send(endpoint.get(paths.collection(collection)));
        if (answer.code() == 404) {
            return null;
        }
        return ChromaCollection.parse(endpoint.require(answer, "read collection '" + collection + "'"))
                .id();
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
