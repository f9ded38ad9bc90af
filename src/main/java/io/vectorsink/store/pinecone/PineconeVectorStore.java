package io.vectorsink.store.pinecone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.HttpsPolicy;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.protocol.Json;
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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Pinecone over its REST API (control plane {@code api.pinecone.io}, data plane on the index's own host).
 *
 * <p>The index is described ({@code GET /indexes/{name}}) for its dimension, metric and host; it is never
 * created, since creating one means choosing a cloud, region or pod type the owner pays for. Vector ids
 * are {@code <record key>#<chunk index>#<chunk id>} ({@link PineconeIds}); the chunk text is metadata under
 * {@code text}. Upserts count only when {@code upsertedCount} equals the vectors sent. Deletes use a metadata
 * filter; an index that refuses deletes by filter (serverless indexes did until 2025) is served by listing
 * ids by record prefix (trims) or listing and fetching a namespace (stale chunks), then deleting by id.
 * Thread-safe.
 */
public final class PineconeVectorStore extends RestVectorStore {
    static final String SERVICE = "Pinecone";

    /** The control plane. */
    public static final String CONTROL_PLANE = "https://api.pinecone.io";

    /**
     * The API version every request names, so answers keep the shape this class reads: the newest stable
     * version Pinecone's published definitions describe (Pinecone supports a version for 12 months).
     */
    static final String API_VERSION = "2026-04";

    /** The name Pinecone's documentation gives the default namespace; an empty namespace config means it. */
    static final String DEFAULT_NAMESPACE = "__default__";

    /** Pinecone's limit: 1,000 vectors per upsert request. */
    static final int MAX_VECTORS_PER_UPSERT = 1000;

    /** Pinecone's limit: 2 MB per upsert request (counted as 2,000,000 bytes, to be safe). */
    static final long MAX_UPSERT_BYTES = 2_000_000;

    /** Pinecone's limit: 1,000 ids per delete request. */
    static final int MAX_IDS_PER_DELETE = 1000;

    /** Ids per fetch request (they go in the URL). */
    static final int MAX_IDS_PER_FETCH = 100;

    /** Concurrent {@code update} requests of one {@link #updateOwnFields} call (one request per vector). */
    static final int UPDATE_CONCURRENCY = 8;

    /** Record ids per delete-by-filter request ({@code $in} holds at most 10,000 values). */
    static final int MAX_RECORDS_PER_FILTER = 1000;

    /** Pinecone's limit: 40 KB of metadata per vector, the chunk text included. */
    static final int MAX_VECTOR_METADATA_BYTES = 40 * 1024;

    /**
     * User metadata get 32 KiB (the mapper keeps 2 KiB of it for the connector's fields), which leaves
     * 8 KiB for the chunk text: a chunk of 256 tokens is about 1–2 KiB. A chunk whose text does not fit the
     * rest is refused with a config_error (lower chunk_size), never cut or dropped.
     */
    /** A user field {@code text} would be overwritten by the chunk text: reserved (freed when text is omitted). */
    private static final MetadataRules RULES = new MetadataRules(
                    30 * 1024, 32 * 1024, Integer.MAX_VALUE, java.util.Set.of(ChunkFields.TEXT), java.util.List.of())
            .withStringLists();

    private static final Map<DistanceMetric, String> METRICS =
            Map.of(DistanceMetric.COSINE, "cosine", DistanceMetric.L2, "euclidean", DistanceMetric.IP, "dotproduct");

    private final HttpUrl controlPlane;
    private final String index;
    private final String namespace;
    private final boolean streamNamespaces;
    private final DistanceMetric metric;
    private final boolean allowInsecureHttp;

    private volatile HttpUrl dataPlane;
    private volatile boolean filterDeletesRefused;
    /** The index's dimension, from {@link #prepare}: the fence and lookup queries need a vector of it. */
    private volatile int dimension;

    private final PineconeFreshness freshness;
    /** The configured {@code text_field}, or null: then an existing index's chunks' key, else {@code text}. */
    private final String configuredTextField;
    /** The metadata key of the chunk text: the configured one until {@link #check} or {@link #prepare} read the index. */
    private volatile String textKey;
    /** The Pinecone ids of the chunks lookups found, for the stored-vector reads and updates after them. */
    private final PineconeLookedUpIds lookedUpIds;

    /**
     * A store on the shared connection pool, with {@code advanced}'s request timeout. Does no I/O;
     * {@link #check} and {@link #prepare} do.
     */
    public PineconeVectorStore(IndexingConfig.Pinecone config, AdvancedConfig advanced) {
        this(
                config,
                advanced,
                CONTROL_PLANE,
                HttpClients.forConfig(advanced),
                RetryTiming.system(),
                RetrySettings.forService(SERVICE, advanced));
    }

    /**
     * For tests: another control plane (a fake), injected retry timing and bounds. The data plane uses the
     * control plane's scheme, so a fake on loopback answers both.
     */
    public PineconeVectorStore(
            IndexingConfig.Pinecone config,
            AdvancedConfig advanced,
            String controlPlaneUrl,
            OkHttpClient client,
            RetryTiming timing,
            RetrySettings retry) {
        super(endpoint(config, advanced, controlPlaneUrl, client, timing, retry));
        this.allowInsecureHttp = advanced.allowInsecureHttp();
        this.controlPlane = endpoint.url();
        this.index = config.index();
        this.namespace = config.namespace().isEmpty() ? DEFAULT_NAMESPACE : config.namespace();
        this.streamNamespaces = config.streamNamespaces();
        this.metric = config.metric();
        this.freshness = new PineconeFreshness(timing);
        this.configuredTextField = config.textField();
        this.textKey = configuredTextField == null ? ChunkFields.TEXT : configuredTextField;
        this.lookedUpIds = new PineconeLookedUpIds(advanced.maxInFlightChunks());
    }

    private static RestEndpoint endpoint(
            IndexingConfig.Pinecone config,
            AdvancedConfig advanced,
            String controlPlaneUrl,
            OkHttpClient client,
            RetryTiming timing,
            RetrySettings retry) {
        HttpUrl controlPlane =
                HttpsPolicy.check("Pinecone control plane", controlPlaneUrl, advanced.allowInsecureHttp());
        String index = config.index();
        return RestEndpoint.at(SERVICE, controlPlane)
                .shownAs(controlPlane.host())
                .headers(AuthHeaders.header("Api-Key", config.apiKey())
                        .newBuilder()
                        .add("X-Pinecone-API-Version", API_VERSION)
                        .build())
                .target("index '" + index + "'")
                // The index is never created here, so one that disappears stays gone: the user must act.
                .failures((status, action, prepared) -> status.code() == 404 && prepared
                        ? new ConfigException("Pinecone index '" + index + "' or its host disappeared during the"
                                + " sync (" + action + " answered HTTP 404); check that the index still exists")
                        : null)
                .build(client, timing, retry);
    }

    // ---- VectorStore ----------------------------------------------------------------------------

    @Override
    protected void doCheck(int dimension) {
        JsonNode description = describe(endpoint.sendForCheck(endpoint.get(indexUrl())));
        verify(description, dimension);
        indexModel().judge(recordedModel(description), label(), true);
        recogniseTextKey(description, true);
    }

    @Override
    protected void doPrepare(int dimension) {
        JsonNode description = describe(endpoint.send(endpoint.get(indexUrl())));
        verify(description, dimension);
        recordModelIfNeeded(description);
        if (!description.path("status").path("ready").asBoolean(true)) {
            throw new TransientException("Pinecone index '" + index + "' is not ready yet (state "
                    + description.path("status").path("state").asText("unknown") + ")");
        }
        String host = description.path("host").asText("");
        String url = controlPlane.scheme() + "://" + host;
        HttpUrl parsed = HttpUrl.parse(url);
        if (host.isEmpty() || parsed == null) {
            throw new SystemException("Pinecone described index '" + index + "' without a usable host");
        }
        dataPlane = HttpsPolicy.check("the host of Pinecone index '" + index + "'", url, allowInsecureHttp);
        this.dimension = description.path("dimension").asInt();
        recogniseTextKey(description, false);
        endpoint.markPrepared();
    }

    @Override
    protected void doUpsert(Collection<ChunkPoint> points) {
        Map<String, List<ObjectNode>> byNamespace = new LinkedHashMap<>();
        for (ChunkPoint point : points) {
            ObjectNode vector = PineconeJson.vector(point, textKey);
            requireMetadataFits(vector);
            byNamespace
                    .computeIfAbsent(namespaceOf(point), k -> new ArrayList<>())
                    .add(vector);
        }
        for (Map.Entry<String, List<ObjectNode>> entry : byNamespace.entrySet()) {
            // A vector's size is its own plus a comma; the envelope is well under 200 bytes.
            PointBatches.forEach(
                    entry.getValue(),
                    MAX_VECTORS_PER_UPSERT,
                    MAX_UPSERT_BYTES - 256,
                    vector -> PineconeJson.write(vector).length + 1L,
                    batch -> upsertRequest(batch, entry.getKey()));
        }
    }

    @Override
    protected void doDeleteChunks(List<RecordTrim> trims) {
        // Each trim runs in its own stream's Pinecone namespace, which may be one this process never wrote to
        // (a CDC delete of a record written by an earlier sync).
        Map<String, List<RecordTrim>> trimsByNamespace = new LinkedHashMap<>();
        for (RecordTrim trim : trims) {
            trimsByNamespace
                    .computeIfAbsent(namespaceOf(trim.stream()), k -> new ArrayList<>())
                    .add(trim);
        }
        for (Map.Entry<String, List<RecordTrim>> entry : trimsByNamespace.entrySet()) {
            deleteChunks(entry.getValue(), entry.getKey());
        }
    }

    private void deleteChunks(List<RecordTrim> trims, String ns) {
        Map<String, Integer> fromByRecord = RecordTrims.fromByRecord(trims);
        if (!filterDeletesRefused
                && deleteTrimsByFilter(RecordTrims.groups(fromByRecord, MAX_RECORDS_PER_FILTER), ns)) {
            return;
        }
        for (Map.Entry<String, Integer> trim : fromByRecord.entrySet()) {
            List<String> doomed = new ArrayList<>();
            for (String id : listIds(PineconeIds.recordPrefix(trim.getKey()), ns)) {
                if (PineconeIds.chunkIndex(id) >= trim.getValue()) {
                    doomed.add(id);
                }
            }
            deleteIds(doomed, ns);
        }
    }

    /** Deletes by filter; false when the index refuses filter deletes (then the caller lists ids). */
    private boolean deleteTrimsByFilter(List<RecordTrims.Group> groups, String ns) {
        for (RecordTrims.Group group : groups) {
            ObjectNode filter = PineconeJson.trimFilter(group.recordIds(), group.fromChunkIndex());
            if (!deleteByFilter(filter, ns, "delete replaced chunks")) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected void doDeleteStale(StreamId stream, StaleFilter filter) {
        String ns = namespaceOf(stream);
        String action = "delete stale chunks of stream " + stream;
        if (!filterDeletesRefused && deleteByFilter(PineconeJson.staleFilter(stream, filter), ns, action)) {
            return;
        }
        // Without filter deletes: every id of the namespace, its metadata fetched, the stale ones deleted. A
        // fetch may be older than this sync's writes, and one from before an unchanged record was moved into this
        // generation would doom it: so a new fence goes in after all of them (the stream is complete), and only
        // fetches that show it are believed, waited for on this cleanup's own budget. The fence goes when the
        // cleanup ends, so readers of a namespace whose streams are all complete no longer meet it.
        freshness.advance(ns, this::writeFence);
        try {
            List<String> ids = new ArrayList<>(listIds(null, ns));
            ids.remove(PineconeReads.FENCE_ID);
            List<String> doomed = new ArrayList<>();
            for (JsonNode vector : fetchFresh(ids, ns, new PineconeFreshness.Budget())) {
                if (PineconeJson.isStale(vector.path("metadata"), stream, filter)) {
                    doomed.add(vector.path("id").asText());
                }
            }
            deleteIds(doomed, ns);
        } finally {
            retireFence(ns);
        }
    }

    @Override
    protected List<QueryHit> doQuery(float[] vector, int limit, StreamId stream) {
        requirePrepared(); // the data plane's host comes from prepare
        String ns = stream == null ? namespace : namespaceOf(stream);
        HttpUrl url = dataPlane.newBuilder().addPathSegment("query").build();
        JsonNode answer = endpoint.call(endpoint.post(url, PineconeJson.query(vector, limit, stream, ns)), "query");
        List<QueryHit> hits = new ArrayList<>();
        for (JsonNode match : answer.path("matches")) {
            if (PineconeReads.FENCE_ID.equals(match.path("id").asText())) {
                continue; // the freshness fence of a lookup in this namespace is not a chunk
            }
            JsonNode metadata = match.path("metadata");
            JsonNode text = metadata.path(textKey);
            hits.add(new QueryHit(
                    PineconeIds.chunkId(match.path("id").asText()),
                    distance(match.path("score").asDouble()),
                    StoreJson.textOrNull(text),
                    PineconeJson.metadata(metadata, textKey)));
        }
        return hits;
    }

    // ---- reads for skipping unchanged records ----------------------------------------------------

    /**
     * Queries the chunks of these records in the stream's namespace by a filter on the record id, metadata without
     * values, a few records per query; an answer as long as {@link PineconeReads#LOOKUP_TOP_K} may be cut, so its
     * records are split and asked again. Every answer must show this store's fence ({@link PineconeReads}); records
     * whose answer never does are left out, so they are embedded as new.
     */
    @Override
    public Map<String, List<KnownChunk>> lookup(StreamId stream, Collection<String> recordIds) {
        Map<String, List<KnownChunk>> known = new LinkedHashMap<>();
        if (recordIds.isEmpty()) {
            return known;
        }
        requirePrepared();
        String ns = namespaceOf(stream);
        List<String> ids = List.copyOf(new LinkedHashSet<>(recordIds));
        for (int start = 0; start < ids.size(); start += PineconeReads.RECORDS_PER_LOOKUP) {
            lookUp(
                    stream,
                    ids.subList(start, Math.min(ids.size(), start + PineconeReads.RECORDS_PER_LOOKUP)),
                    ns,
                    known);
        }
        return known;
    }

    private void lookUp(StreamId stream, List<String> recordIds, String ns, Map<String, List<KnownChunk>> known) {
        HttpUrl url = dataPlane.newBuilder().addPathSegment("query").build();
        JsonNode matches = freshness.fresh(ns, this::writeFence, tag -> {
            byte[] body = PineconeReads.lookupQuery(stream, recordIds, tag, dimension, ns);
            JsonNode answer =
                    endpoint.call(endpoint.post(url, body), "look up chunks").path("matches");
            // A full answer is split whether or not it shows the fence, and each part is checked on its own:
            // waiting for the fence in an answer that may have cut it (on a dotproduct index, chunks whose
            // vectors score above the fence's fill it) would spend the namespace's wait for nothing.
            boolean fresh = answer.size() >= PineconeReads.LOOKUP_TOP_K;
            for (JsonNode match : answer) {
                fresh |= PineconeReads.isFence(match, tag);
            }
            return new PineconeFreshness.Read<>(answer, fresh);
        });
        if (matches == null) {
            return; // no answer showed the fence: these records are embedded as new
        }
        if (matches.size() >= PineconeReads.LOOKUP_TOP_K) {
            if (recordIds.size() > 1) {
                int half = recordIds.size() / 2;
                lookUp(stream, recordIds.subList(0, half), ns, known);
                lookUp(stream, recordIds.subList(half, recordIds.size()), ns, known);
            } else {
                lookUpByList(stream, recordIds.get(0), ns, known);
            }
            return;
        }
        Set<String> asked = Set.copyOf(recordIds);
        for (JsonNode match : matches) {
            add(PineconeReads.knownChunk(match), match, asked, ns, known);
        }
    }

    /** A record with more chunks than one query answers: its ids listed by prefix, their metadata fetched. */
    private void lookUpByList(StreamId stream, String recordId, String ns, Map<String, List<KnownChunk>> known) {
        List<String> ids = listIds(PineconeIds.recordPrefix(recordId), ns);
        for (JsonNode vector : fetchFresh(ids, ns, null)) {
            JsonNode metadata = vector.path("metadata");
            boolean inStream = stream.airbyteName()
                            .equals(metadata.path(ChunkFields.STREAM).asText(null))
                    && stream.namespaceOrEmpty()
                            .equals(metadata.path(ChunkFields.NAMESPACE).asText(null));
            if (inStream) {
                add(PineconeReads.knownChunk(vector), vector, Set.of(recordId), ns, known);
            }
        }
    }

    private void add(
            KnownChunk chunk, JsonNode vector, Set<String> asked, String ns, Map<String, List<KnownChunk>> known) {
        if (chunk == null || !asked.contains(chunk.recordId())) {
            return;
        }
        lookedUpIds.put(ns, chunk.id(), vector.path("id").asText());
        known.computeIfAbsent(chunk.recordId(), k -> new ArrayList<>()).add(chunk);
    }

    /**
     * Fetches the vectors of chunks an earlier lookup of this store found, each fetch with the fence; chunks not
     * looked up, not found, or whose fetch never showed the fence are absent (they are embedded again).
     */
    @Override
    public Map<String, float[]> storedVectors(StreamId stream, Collection<String> chunkIds) {
        Map<String, float[]> vectors = new LinkedHashMap<>();
        if (chunkIds.isEmpty()) {
            return vectors;
        }
        requirePrepared();
        String ns = namespaceOf(stream);
        Map<String, String> chunkByVector = new LinkedHashMap<>();
        for (String chunkId : new LinkedHashSet<>(chunkIds)) {
            String vectorId = lookedUpIds.get(ns, chunkId);
            if (vectorId != null) {
                chunkByVector.put(vectorId, chunkId);
            }
        }
        for (JsonNode vector : fetchFresh(List.copyOf(chunkByVector.keySet()), ns, null)) {
            vectors.put(chunkByVector.get(vector.path("id").asText()), StoreJson.floats(vector.path("values")));
        }
        return vectors;
    }

    /**
     * The vectors of these ids (fence excluded) from fetches that each showed the namespace's latest fence. With
     * {@code cleanup} null, the lookups' wait is used and a slice that never showed the fence is left out; else
     * that wait is {@code cleanup}'s, and a slice that never showed the fence fails the cleanup.
     */
    private List<JsonNode> fetchFresh(List<String> ids, String ns, PineconeFreshness.Budget cleanup) {
        List<JsonNode> found = new ArrayList<>();
        int perFetch = MAX_IDS_PER_FETCH - 1; // one place for the fence
        for (int start = 0; start < ids.size(); start += perFetch) {
            List<String> slice = new ArrayList<>(ids.subList(start, Math.min(ids.size(), start + perFetch)));
            slice.add(PineconeReads.FENCE_ID);
            Function<String, PineconeFreshness.Read<JsonNode>> read = tag -> {
                JsonNode answer = fetch(slice, ns);
                return new PineconeFreshness.Read<>(
                        answer, PineconeReads.isFence(answer.path(PineconeReads.FENCE_ID), tag));
            };
            JsonNode vectors = cleanup == null
                    ? freshness.fresh(ns, this::writeFence, read)
                    : freshness.fresh(ns, this::writeFence, read, cleanup);
            if (vectors == null && cleanup != null) {
                throw new TransientException("Pinecone index '" + index + "' did not show this sync's writes in"
                        + " namespace " + ns + " within " + PineconeFreshness.MAX_WAIT.toSeconds() + " s, so the"
                        + " chunks of earlier generations were not deleted (a stale read could have named chunks"
                        + " this sync kept); a retry deletes them");
            }
            if (vectors != null) {
                vectors.properties().forEach(entry -> {
                    if (!entry.getKey().equals(PineconeReads.FENCE_ID)) {
                        found.add(entry.getValue());
                    }
                });
            }
        }
        return found;
    }

    /**
     * Sets the connector's fields on chunks an earlier lookup of this store found: one {@code update} with
     * {@code setMetadata} per vector (Pinecone's update by id changes one vector; its update by filter cannot name
     * single chunks), {@link #UPDATE_CONCURRENCY} at a time. Returns once every update was answered with success.
     */
    @Override
    public void updateOwnFields(StreamId stream, Collection<String> chunkIds, Map<String, Object> fields) {
        if (chunkIds.isEmpty() || fields.isEmpty()) {
            return;
        }
        requirePrepared();
        ChunkFields.requireOwn(fields.keySet());
        String ns = namespaceOf(stream);
        List<String> vectorIds = new ArrayList<>();
        for (String chunkId : new LinkedHashSet<>(chunkIds)) {
            String vectorId = lookedUpIds.get(ns, chunkId);
            if (vectorId == null && lookedUpIds.evictedAny()) {
                // Rare (a write held up while many others were looked up); the retry looks the record up again.
                throw new TransientException("the Pinecone id of chunk " + chunkId + " was forgotten: more than the "
                        + lookedUpIds.capacity() + " ids this store remembers were looked up before its update");
            }
            if (vectorId == null) {
                throw new SystemException("chunk " + chunkId + " was not found by a lookup of this Pinecone store,"
                        + " so its Pinecone id is unknown");
            }
            vectorIds.add(vectorId);
        }
        HttpUrl url = dataPlane
                .newBuilder()
                .addPathSegment("vectors")
                .addPathSegment("update")
                .build();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(UPDATE_CONCURRENCY, vectorIds.size()));
        try {
            List<Future<?>> updates = new ArrayList<>();
            for (String vectorId : vectorIds) {
                updates.add(pool.submit(() -> endpoint.call(
                        endpoint.post(url, PineconeReads.update(vectorId, fields, ns)), "update connector fields")));
            }
            for (Future<?> update : updates) {
                await(update);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(Future<?> update) {
        try {
            update.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new SystemException("a Pinecone update failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted while updating Pinecone vectors");
        }
    }

    /** Upserts a fence with {@code tag} into {@code ns}; returns once Pinecone acknowledged it. */
    private void writeFence(String ns, String tag) {
        upsertRequest(List.of(PineconeReads.fence(tag, dimension)), ns);
    }

    private void deleteFence(String ns) {
        deleteIds(List.of(PineconeReads.FENCE_ID), ns);
    }

    /**
     * Deletes the fence of {@code ns}, best effort: one whose delete failed stays known, so {@link #close} tries
     * again, and one left by a crash is overwritten and deleted by the next sync.
     */
    private void retireFence(String ns) {
        try {
            freshness.retire(ns, this::deleteFence);
        } catch (RuntimeException e) {
            // The fence is not a chunk of any stream; failing the sync for it would undo nothing.
        }
    }

    /** Deletes the fences this store wrote. */
    @Override
    public void close() {
        freshness.fencedNamespaces().forEach(this::retireFence);
    }

    @Override
    public MetadataRules metadataRules() {
        // A user field named like the text key would be overwritten by the chunk text.
        return RULES.reserving(Set.of(textKey));
    }

    /** The metadata key of the chunk text this store writes. */
    String textKey() {
        return textKey;
    }

    // ---- text key -------------------------------------------------------------------------------

    /**
     * Reads the text key of an existing index's chunks (a few vectors of the configured namespace): used when
     * {@code text_field} is empty, refused naming {@code text_field} when it is set to another key. A chunk
     * without any known text key (written with {@code omit_raw_text}) shows nothing.
     */
    private void recogniseTextKey(JsonNode description, boolean forCheck) {
        String host = description.path("host").asText("");
        int size = description.path("dimension").asInt();
        if (host.isEmpty() || HttpUrl.parse(controlPlane.scheme() + "://" + host) == null || size < 1) {
            return; // prepare refuses a description without a usable host
        }
        HttpUrl data = HttpsPolicy.check(
                "the host of Pinecone index '" + index + "'", controlPlane.scheme() + "://" + host, allowInsecureHttp);
        HttpUrl url = data.newBuilder().addPathSegment("query").build();
        ObjectNode body = io.vectorsink.protocol.Json.MAPPER.createObjectNode();
        body.set("vector", PineconeReads.unitVector(size));
        body.put("topK", 10);
        body.put("includeValues", false);
        body.put("includeMetadata", true);
        body.put("namespace", namespace);
        Answer answer = forCheck
                ? endpoint.sendForCheck(endpoint.post(url, PineconeJson.write(body)))
                : endpoint.send(endpoint.post(url, PineconeJson.write(body)));
        for (JsonNode match : endpoint.require(answer, "read a few vectors of index '" + index + "'")
                .path("matches")) {
            JsonNode metadata = match.path("metadata");
            if (!metadata.path(ChunkFields.RECORD_ID).isTextual()
                    || PineconeReads.FENCE_ID.equals(match.path("id").asText())) {
                continue; // not one of vectorsink's chunks
            }
            String found = PineconeReads.KNOWN_TEXT_KEYS.stream()
                    .filter(key -> metadata.path(key).isTextual())
                    .findFirst()
                    .orElse(null);
            if (found == null || metadata.path(textKey).isTextual()) {
                return;
            }
            if (configuredTextField != null) {
                throw new ConfigException("Pinecone index '" + index + "' keeps the chunk text under '" + found
                        + "' (namespace " + namespace + "), but text_field is " + configuredTextField
                        + "; set text_field to " + found + " (or leave it empty) or use another index");
            }
            textKey = found;
            return;
        }
    }

    /**
     * The distance (smaller is closer) behind a Pinecone score, in Chroma's units: cosine and dotproduct
     * score similarity (distance {@code 1 - score}); euclidean scores the squared distance, as Chroma's l2.
     */
    double distance(double score) {
        return metric == DistanceMetric.L2 ? score : 1 - score;
    }

    /** The Pinecone namespace of a chunk: its stream's Airbyte namespace when so configured. */
    private String namespaceOf(ChunkPoint point) {
        Object ns = point.metadata().get(ChunkFields.NAMESPACE);
        return streamNamespaces && ns instanceof String s && !s.isEmpty() ? s : namespace;
    }

    private String namespaceOf(StreamId stream) {
        return streamNamespaces && !stream.namespaceOrEmpty().isEmpty() ? stream.namespaceOrEmpty() : namespace;
    }

    // ---- check steps ----------------------------------------------------------------------------

    /** The index description, or a plain-words config error when the index does not exist. */
    // ---- the model in the index's tags ----------------------------------------------------------

    private String label() {
        return "Pinecone index '" + index + "'";
    }

    /** The model recorded in the index's tags, if any. */
    private static Optional<RecordedModel> recordedModel(JsonNode description) {
        Map<String, String> tags = new LinkedHashMap<>();
        description
                .path("tags")
                .properties()
                .forEach(tag -> tags.put(tag.getKey(), tag.getValue().asText()));
        return RecordedModel.fromTags(tags);
    }

    /**
     * Tags the index with the configured model ({@code PATCH /indexes/{name}}, which merges tags) when it has
     * none, or another one and a change is allowed. An API key that may write data but not configure the
     * index (HTTP 403) leaves the index untagged rather than failing the sync.
     */
    private void recordModelIfNeeded(JsonNode description) {
        if (!indexModel().judge(recordedModel(description), label(), true)) {
            return;
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set(
                "tags",
                Json.MAPPER.valueToTree(RecordedModel.tags(indexModel().model().orElseThrow())));
        Answer answer = endpoint.send(endpoint.patch(indexUrl(), StoreJson.write(body, "a Pinecone request body")));
        if (answer.code() != 403) {
            endpoint.require(answer, "record the embedding model in the tags of index '" + index + "'");
        }
    }

    private JsonNode describe(Answer answer) {
        if (answer.code() == 404) {
            throw new ConfigException("Pinecone index '" + index + "' does not exist in this project; create it in"
                    + " Pinecone (vectorsink never creates indexes) or correct indexing.index");
        }
        return endpoint.require(answer, "describe index '" + index + "'");
    }

    private void verify(JsonNode description, int dimension) {
        List<String> problems = new ArrayList<>();
        if (description.path("vector_type").asText("dense").equals("sparse")) {
            throw new ConfigException("Pinecone index '" + index + "' holds sparse vectors; vectorsink writes dense"
                    + " vectors, so use a dense index");
        }
        int size = description.path("dimension").asInt();
        if (size != dimension) {
            problems.add("Pinecone index '" + index + "' holds vectors of " + size + " dimensions, but the embedding"
                    + " model makes " + dimension + "; use another index or an embedding model with " + size
                    + " dimensions");
        }
        String existing = description.path("metric").asText();
        String wanted = METRICS.get(metric);
        if (!existing.equals(wanted)) {
            String matching = DistanceMetric.named(METRICS, existing)
                    .map(DistanceMetric::configName)
                    .orElse(null);
            problems.add("Pinecone index '" + index + "' uses the " + existing + " metric, but distance_metric is "
                    + metric + " (" + wanted + "); "
                    + (matching == null ? "" : "set distance_metric to " + matching + " or ")
                    + "use another index");
        }
        List<String> unfiltered = PineconeFilterFields.notFilterable(description);
        if (!unfiltered.isEmpty()) {
            problems.add("Pinecone index '" + index + "' indexes only some metadata fields for filtering and leaves"
                    + " out " + String.join(", ", unfiltered) + ", which vectorsink deletes and queries by: its"
                    + " deletes would match nothing and replaced chunks would stay; use an index that makes "
                    + String.join(", ", PineconeFilterFields.FILTERED) + " filterable (serverless schema"
                    + " fields, pod metadata_config.indexed) or indexes all metadata");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems, null);
        }
    }

    // ---- writes ---------------------------------------------------------------------------------

    private void requireMetadataFits(ObjectNode vector) {
        int bytes = PineconeJson.write((ObjectNode) vector.get("metadata")).length;
        if (bytes > MAX_VECTOR_METADATA_BYTES) {
            throw new ConfigException("a chunk's text and metadata take " + bytes + " bytes, more than the "
                    + MAX_VECTOR_METADATA_BYTES + " Pinecone holds per vector; lower processing.chunk_size");
        }
    }

    private void upsertRequest(List<ObjectNode> batch, String ns) {
        HttpUrl url = dataPlane
                .newBuilder()
                .addPathSegment("vectors")
                .addPathSegment("upsert")
                .build();
        Answer answer = endpoint.send(endpoint.post(url, PineconeJson.upsert(batch, ns)));
        if (sentInHalves(answer, batch, half -> upsertRequest(half, ns))) {
            return;
        }
        if (answer.code() == 400 && answer.status().bodySnippet().contains("dimension")) {
            throw new ConfigException("Pinecone refused the vectors for index '" + index + "': "
                    + answer.status().describe() + "; use an index with the embedding model's dimension");
        }
        JsonNode json = endpoint.require(answer, "upsert " + batch.size() + " vectors into index '" + index + "'");
        long count = json.path("upsertedCount").asLong(-1);
        if (count != batch.size()) {
            throw new TransientException("Pinecone confirmed " + count + " of the " + batch.size()
                    + " vectors sent to index '" + index + "'; the write is not acknowledged");
        }
    }

    /** True when deleted; false when the index refuses deletes by metadata filter (remembered). */
    private boolean deleteByFilter(ObjectNode filter, String ns, String action) {
        Answer answer = endpoint.send(endpoint.post(deleteUrl(), PineconeJson.deleteByFilter(filter, ns)));
        if (answer.code() == 400
                && answer.status().bodySnippet().toLowerCase(Locale.ROOT).contains("not support")) {
            filterDeletesRefused = true;
            return false;
        }
        endpoint.require(answer, action);
        return true;
    }

    private void deleteIds(List<String> ids, String ns) {
        for (int start = 0; start < ids.size(); start += MAX_IDS_PER_DELETE) {
            List<String> slice = ids.subList(start, Math.min(ids.size(), start + MAX_IDS_PER_DELETE));
            endpoint.call(endpoint.post(deleteUrl(), PineconeJson.deleteByIds(slice, ns)), "delete chunks by id");
        }
    }

    /** Every id in {@code ns} starting with {@code prefix} (all when null), page by page. */
    private List<String> listIds(String prefix, String ns) {
        List<String> ids = new ArrayList<>();
        String token = null;
        Set<String> tokens = new LinkedHashSet<>();
        do {
            HttpUrl.Builder url = dataPlane
                    .newBuilder()
                    .addPathSegment("vectors")
                    .addPathSegment("list")
                    .addQueryParameter("namespace", ns)
                    .addQueryParameter("limit", "100");
            if (prefix != null) {
                url.addQueryParameter("prefix", prefix);
            }
            if (token != null) {
                url.addQueryParameter("paginationToken", token);
            }
            JsonNode page = endpoint.call(endpoint.get(url.build()), "list vector ids");
            page.path("vectors").forEach(v -> ids.add(v.path("id").asText()));
            token = page.path("pagination").path("next").asText(null);
            if (token != null && !tokens.add(token)) {
                throw new SystemException("Pinecone repeated a pagination token while listing ids");
            }
        } while (token != null && !token.isEmpty());
        return ids;
    }

    private JsonNode fetch(List<String> ids, String ns) {
        HttpUrl.Builder url = dataPlane
                .newBuilder()
                .addPathSegment("vectors")
                .addPathSegment("fetch")
                .addQueryParameter("namespace", ns);
        ids.forEach(id -> url.addQueryParameter("ids", id));
        return endpoint.call(endpoint.get(url.build()), "fetch vectors").path("vectors");
    }

    // ---- requests -------------------------------------------------------------------------------

    private HttpUrl indexUrl() {
        return endpoint.url("indexes", index);
    }

    private HttpUrl deleteUrl() {
        return dataPlane
                .newBuilder()
                .addPathSegment("vectors")
                .addPathSegment("delete")
                .build();
    }
}
