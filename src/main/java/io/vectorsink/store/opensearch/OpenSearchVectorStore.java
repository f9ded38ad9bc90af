package io.vectorsink.store.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.config.IndexingConfig.OpenSearchAuth;
import io.vectorsink.embedding.EmbeddingModel;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.ConnectorException;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.HttpErrors;
import io.vectorsink.http.HttpStatus;
import io.vectorsink.http.HttpsPolicy;
import io.vectorsink.http.ItemResends;
import io.vectorsink.http.RetryPolicies;
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
import io.vectorsink.store.RestEndpoint;
import io.vectorsink.store.RestEndpoint.Answer;
import io.vectorsink.store.RestVectorStore;
import io.vectorsink.store.RowChanges;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.StoreJson;
import io.vectorsink.store.opensearch.OpenSearchRoot.Root;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * OpenSearch 2.x with the k-NN plugin, or Elasticsearch 8.4+, over the REST API both share for documents,
 * bulk writes and delete-by-query; the vector field and the k-NN search, where they differ, are the
 * {@link SearchEngine} read from the root answer. One index holds every stream's chunks as documents
 * {@code {vector, text, metadata}} (see {@link OpenSearchJson}).
 *
 * <p>Acknowledgement: {@code _bulk} answers HTTP 200 even when documents failed, so a write counts only
 * when the answer lists one item per document sent and every item has status 200 or 201. Items refused
 * with 429 or 5xx (a full write queue) are sent again, alone, with backoff; other refusals fail the sync.
 *
 * <p>Visibility: the {@code refresh} setting goes with every bulk request ({@code wait_for} by default,
 * so when a write returns, and so when its STATE is released, the chunks are searchable).
 * {@code _delete_by_query} only sees searchable documents: with {@code refresh=false} the index is
 * refreshed before each delete, or a trim would miss chunks written moments before.
 *
 * <p>Thread-safe.
 */
public final class OpenSearchVectorStore extends RestVectorStore {
    /** How messages name the server until its root answer says which one it is. */
    static final String SERVICE = "OpenSearch or Elasticsearch";

    /** Documents per bulk request: within what OpenSearch recommends (5–15 MB, a few hundred documents). */
    static final int MAX_DOCUMENTS_PER_BULK = 500;

    /**
     * Bytes per bulk request. Amazon OpenSearch Service refuses bodies over 10 MiB on its smaller instance
     * types (self-hosted nodes accept 100 MB by {@code http.max_content_length}); a 413 halves the batch.
     */
    static final long MAX_BULK_BYTES = 8L * 1024 * 1024;

    /** Record ids per delete-by-query: a terms query takes up to 65,536; this keeps requests small. */
    static final int MAX_IDS_PER_DELETE = 1000;

    /** Record ids per lookup search and ids per {@code _mget}: requests of a few hundred KB at most. */
    static final int MAX_IDS_PER_LOOKUP = 1000;

    /**
     * Hits per lookup search: below {@code index.max_result_window} (10,000 by default), and a few times the
     * chunks of {@link #MAX_IDS_PER_LOOKUP} typical records, so most lookups take one request.
     */
    static final int LOOKUP_PAGE = 5000;

    /**
     * The most dot-separated steps a metadata key may have: both engines read {@code a.b} as the field
     * {@code b} of an object {@code a}, and refuse objects deeper than {@code index.mapping.depth.limit}
     * (20 by default, the document root and {@code metadata} included; checked on the real nodes).
     */
    static final int MAX_KEY_STEPS = 19;

    /**
     * Lucene's term limit is 32,766 bytes, the bound for a keyword such as {@code _ab_record_id}; a whole
     * document's metadata is kept within 1 MiB.
     */
    private static final MetadataRules RULES =
            new MetadataRules(32_766, 1024 * 1024).withStringLists().withKeyPaths(MAX_KEY_STEPS);

    private static final Pattern FIELD_IN_REASON = Pattern.compile("field \\[([^\\]]{1,200})]");

    /** Both engines' words for a document whose new fields would pass the index's field limit. */
    private static final String FIELD_LIMIT = "Limit of total fields [";

    /** The bulk API takes newline-delimited JSON. */
    private static final MediaType NDJSON = MediaType.get("application/x-ndjson");

    private final String index;
    private final DistanceMetric metric;
    private final String refresh;

    /** The configured vector field, or null: an existing index's own, else {@link OpenSearchJson#VECTOR_FIELD}. */
    private final String configuredVectorField;

    /** OpenSearch or Elasticsearch, read from the root answer by {@link #engine}; names the server in messages. */
    private final Engine engine;

    /** The index's vector field, once the index was read ({@link #verify}). */
    private volatile String vectorField;

    /** The configured text field, or null: {@link TextField#DEFAULT}, unless an existing index keeps text elsewhere. */
    private final String configuredTextField;

    /** The field the chunk text goes to and is read from: the configured one or the default until the index is read. */
    private volatile String textField;

    /** Whether the index read by {@link #verify} maps the text field already ({@link #doPrepare} adds it when not). */
    private volatile boolean textFieldMapped;

    /** Hits per lookup search: {@link #LOOKUP_PAGE}, smaller in tests that page. */
    private volatile int lookupPage = LOOKUP_PAGE;

    /** Whether a lookup has refreshed the index, which it does once when writes use {@code refresh=false}. */
    private volatile boolean refreshedForLookup;

    /** Whether the index keeps whole documents in {@code _source}; without it nothing is looked up. */
    private volatile boolean sourceWhole = true;

    /** What check found worth knowing about an index that works. */
    private volatile List<String> notes = List.of();

    /**
     * The engine, once known, and how its failures read: every message names the server that answered.
     * Held apart from the store because the endpoint, built before the store, asks it.
     */
    private static final class Engine {
        private final String index;
        private volatile SearchEngine known;

        Engine(String index) {
            this.index = index;
        }

        String product() {
            SearchEngine engine = known;
            return engine == null ? SERVICE : engine.product();
        }

        /**
         * The failures the shared policy would word with the endpoint's fixed name, here with the product;
         * a 403 carries the server's reason (a missing privilege or a read-only index).
         */
        ConnectorException read(HttpStatus status, String action, boolean prepared) {
            int code = status.code();
            String product = product();
            if (code == 404 && prepared) {
                return new TransientException(product + " index '" + index + "' disappeared during the sync (" + action
                        + " answered HTTP 404); the next attempt creates it again");
            }
            if (code == 403) {
                return new ConfigException(product + " refused to " + action + " (HTTP 403"
                        + OpenSearchErrors.reason(status)
                                .map(reason -> ": " + reason)
                                .orElse("")
                        + "); check the user's privileges and that the index is not read-only");
            }
            if (code >= 400 && code < 500 && code != 401 && code != 404 && code != 405) {
                return new SystemException(product + " refused to " + action + " (" + status.describe() + ")");
            }
            if (code == 401 || code >= 500 || code == 404 || code == 405) {
                return HttpErrors.classify(product, status);
            }
            return null;
        }
    }

    /**
     * A store on the shared connection pool, with {@code advanced}'s request timeout. Does no I/O;
     * {@link #check} and {@link #prepare} do.
     */
    public OpenSearchVectorStore(IndexingConfig.OpenSearch config, AdvancedConfig advanced) {
        this(config, advanced, HttpClients.forConfig(advanced));
    }

    public OpenSearchVectorStore(IndexingConfig.OpenSearch config, AdvancedConfig advanced, OkHttpClient client) {
        this(config, advanced, client, RetryTiming.system(), RetrySettings.forService(SERVICE, advanced));
    }

    /** For tests: injected retry timing and bounds, so retries are observed instead of slept. */
    public OpenSearchVectorStore(
            IndexingConfig.OpenSearch config,
            AdvancedConfig advanced,
            OkHttpClient client,
            RetryTiming timing,
            RetrySettings retry) {
        this(config, advanced, client, timing, retry, new Engine(config.index()));
    }

    private OpenSearchVectorStore(
            IndexingConfig.OpenSearch config,
            AdvancedConfig advanced,
            OkHttpClient client,
            RetryTiming timing,
            RetrySettings retry,
            Engine engine) {
        super(RestEndpoint.at(SERVICE, HttpsPolicy.check("indexing.url", config.url(), advanced.allowInsecureHttp()))
                .headers(authHeaders(config.auth()))
                .target("index '" + config.index() + "'")
                .failures(engine::read)
                .build(client, timing, retry));
        this.index = config.index();
        this.metric = config.metric();
        this.refresh = config.refresh();
        this.configuredVectorField = config.vectorField();
        this.configuredTextField = config.textField();
        this.textField = configuredTextField == null ? TextField.DEFAULT : configuredTextField;
        this.engine = engine;
    }

    private static Headers authHeaders(OpenSearchAuth auth) {
        if (auth instanceof OpenSearchAuth.Basic basic) {
            return AuthHeaders.basic(basic.username(), basic.password());
        }
        if (auth instanceof OpenSearchAuth.ApiKey key) {
            return AuthHeaders.authorization("ApiKey", key.apiKey());
        }
        return Headers.of();
    }

    // ---- VectorStore ----------------------------------------------------------------------------

    @Override
    protected void doCheck(int dimension) {
        SearchEngine engine = ping(true);
        this.engine.known = engine;
        requireDimensionsFit(engine, dimension);
        Answer answer = endpoint.send(endpoint.check(), endpoint.get(indexUrl()));
        if (answer.code() == 404) {
            return; // prepare creates it
        }
        JsonNode description = endpoint.require(answer, "read index '" + index + "'");
        verify(description, engine, dimension);
        indexModel().judge(ModelMeta.recorded(concrete(description)), label(engine), true);
    }

    @Override
    public List<String> checkNotes() {
        List<String> all = new ArrayList<>(notes);
        all.addAll(super.checkNotes());
        return all;
    }

    @Override
    protected void doPrepare(int dimension) {
        SearchEngine engine = engine();
        requireDimensionsFit(engine, dimension);
        Answer existing = endpoint.send(endpoint.get(indexUrl()));
        if (existing.code() == 404) {
            String field = configuredVectorField == null ? OpenSearchJson.VECTOR_FIELD : configuredVectorField;
            byte[] createBody = OpenSearchJson.createIndex(engine, field, textField, dimension, metric);
            Answer created = endpoint.send(endpoint.put(
                    indexUrl(),
                    indexModel()
                            .model()
                            .map(model -> ModelMeta.withModel(createBody, model))
                            .orElse(createBody)));
            boolean raced = !created.ok()
                    && created.code() == 400
                    && created.status().bodySnippet().contains("resource_already_exists_exception");
            if (!raced) {
                endpoint.require(created, "create index '" + index + "'");
            }
            existing = endpoint.send(endpoint.get(indexUrl()));
        }
        JsonNode description = endpoint.require(existing, "read index '" + index + "'");
        verify(description, engine, dimension);
        recordModelIfNeeded(concrete(description), engine);
        // An index made by someone else may lack the connector's fields; adding fields is always allowed,
        // and a field mapped with another type is refused (400) instead of silently breaking the filters.
        boolean metaMapped = concrete(description)
                .path("mappings")
                .path("properties")
                .path(OpenSearchJson.METADATA)
                .path("properties")
                .has(OpenSearchJson.AIRBYTE_META);
        Answer mapping = endpoint.send(endpoint.put(
                url("_mapping"), OpenSearchJson.putMetadataMapping(textFieldMapped ? null : textField, !metaMapped)));
        if (mapping.code() == 400) {
            throw new ConfigException(product() + " index '" + index + "' maps a metadata._ab_* field with another"
                    + " type than vectorsink needs (keyword for ids and names, long for numbers): "
                    + mapping.status().describe() + "; use another index name");
        }
        endpoint.require(mapping, "add the connector's fields to index '" + index + "'");
        endpoint.markPrepared();
    }

    @Override
    protected void doUpsert(Collection<ChunkPoint> points) {
        // Entries are written lazily, one point at a time, so a point that cannot be written stops the
        // upsert after the batches before it were sent, not before any.
        String field = vectorField;
        String text = textField;
        Iterable<BulkEntry> entries = () -> points.stream()
                .map(point -> new BulkEntry(point.id(), OpenSearchJson.bulkEntry(point, field, text), point))
                .iterator();
        bulkInBatches(entries);
    }

    /** Sends {@code entries} in bulk requests within the document and byte bounds, each confirmed item by item. */
    private void bulkInBatches(Iterable<BulkEntry> entries) {
        PointBatches.forEach(
                entries,
                MAX_DOCUMENTS_PER_BULK,
                MAX_BULK_BYTES,
                entry -> entry.body().length,
                batch -> bulk(batch, endpoint.itemResends()));
    }

    /**
     * One document's action and source lines of a bulk body, with the id its result is matched by and, for a
     * whole chunk (not a partial update), the point it was written from.
     */
    private record BulkEntry(String id, byte[] body, ChunkPoint point) {}

    @Override
    protected void doDeleteChunks(List<RecordTrim> trims) {
        List<RecordTrims.Group> groups = RecordTrims.groups(trims, MAX_IDS_PER_DELETE);
        refreshBeforeDelete();
        for (RecordTrims.Group group : groups) {
            deleteByQuery(
                    OpenSearchJson.trimQuery(group.recordIds(), group.fromChunkIndex()), "delete replaced chunks");
        }
    }

    @Override
    protected void doDeleteStale(StreamId stream, StaleFilter filter) {
        refreshBeforeDelete();
        deleteByQuery(OpenSearchJson.staleQuery(stream, filter), "delete stale chunks of stream " + stream);
    }

    @Override
    protected List<QueryHit> doQuery(float[] vector, int limit, StreamId stream) {
        SearchEngine engine = engine();
        String searched = vectorField;
        if (searched == null) {
            Answer description = endpoint.send(endpoint.get(indexUrl()));
            if (description.code() == 404) {
                return List.of();
            }
            searched =
                    resolveVectorField(concrete(endpoint.require(description, "read index '" + index + "'")), engine);
        }
        Answer answer = endpoint.send(
                endpoint.post(url("_search"), OpenSearchJson.knnQuery(engine, searched, vector, limit, stream)));
        if (answer.code() == 404) {
            return List.of();
        }
        JsonNode hits = endpoint.require(answer, "query").path("hits").path("hits");
        List<QueryHit> result = new ArrayList<>();
        for (JsonNode hit : hits) {
            JsonNode source = hit.path("_source");
            result.add(new QueryHit(
                    hit.path("_id").asText(),
                    distance(hit.path("_score").asDouble()),
                    StoreJson.textOrNull(source.path(textField)),
                    StoreJson.metadata(source.path(OpenSearchJson.METADATA), Set.of())));
        }
        return result;
    }

    // ---- skipping unchanged records ---------------------------------------------------------------

    /**
     * A {@code _search} per group of record ids for the connector's fields of their chunks, then a real-time
     * {@code _mget} (without sources) of every chunk found, which keeps only the chunks whose latest version is
     * the one the search read. A search sees only refreshed documents: on its own it could show a chunk
     * deleted since, or an older hash of a chunk written again since, and so skip a change (an A → B → A
     * of three syncs, B written with {@code refresh=false}). A chunk written again since the last refresh is
     * left out of the answer, so its record is embedded again; a chunk under an id the search did not find
     * is missed, which also only costs an embedding (every version of a record writes its chunk 0, whose
     * hash then differs). With {@code refresh=false} the index is refreshed before the store's first lookup,
     * so what earlier syncs wrote is seen instead of embedded again.
     */
    @Override
    public Map<String, List<KnownChunk>> lookup(StreamId stream, Collection<String> recordIds) {
        Objects.requireNonNull(stream, "stream");
        if (recordIds.isEmpty()) {
            return Map.of();
        }
        requirePrepared();
        if (!sourceWhole) {
            return Map.of();
        }
        if (refresh.equals("false") && !refreshedForLookup) {
            endpoint.call(endpoint.post(url("_refresh"), new byte[0]), "refresh index '" + index + "'");
            refreshedForLookup = true;
        }
        List<String> unique = List.copyOf(new LinkedHashSet<>(recordIds));
        Map<String, SeenChunk> found = new LinkedHashMap<>();
        for (int from = 0; from < unique.size(); from += MAX_IDS_PER_LOOKUP) {
            searchChunks(stream, unique.subList(from, Math.min(unique.size(), from + MAX_IDS_PER_LOOKUP)), found);
        }
        Set<String> wanted = new HashSet<>(unique);
        Map<String, List<KnownChunk>> known = new LinkedHashMap<>();
        multiGet(found.keySet(), "_source", "false", doc -> {
            SeenChunk seen = found.get(doc.path("_id").asText());
            if (seen != null
                    && !seen.version().isEmpty()
                    && seen.version().equals(OpenSearchLookupJson.version(doc))
                    && wanted.contains(seen.chunk().recordId())) {
                known.computeIfAbsent(seen.chunk().recordId(), key -> new ArrayList<>())
                        .add(seen.chunk());
            }
        });
        return known;
    }

    /** For tests: {@code hits} per lookup search instead of {@link #LOOKUP_PAGE}, so a few chunks need pages. */
    void lookupPage(int hits) {
        this.lookupPage = hits;
    }

    /** A chunk as a lookup search read it, with the version ({@code _seq_no}/{@code _primary_term}) it read. */
    private record SeenChunk(KnownChunk chunk, String version) {}

    /**
     * The chunks of {@code recordIds} a search finds, into {@code found} by id. One request when they fit
     * {@link #LOOKUP_PAGE}; when the exact total says the answer was cut, the ids are halved until they fit,
     * and a single record with more chunks is read with a scroll. Nothing is ever cut silently.
     */
    private void searchChunks(StreamId stream, List<String> recordIds, Map<String, SeenChunk> found) {
        JsonNode answer = search(OpenSearchLookupJson.lookupSearch(stream, recordIds, lookupPage, false));
        JsonNode hits = answer.path("hits").path("hits");
        if (OpenSearchLookupJson.total(answer) > hits.size()) {
            if (recordIds.size() == 1) {
                scrollOneRecord(stream, recordIds, found);
                return;
            }
            int half = recordIds.size() / 2;
            searchChunks(stream, recordIds.subList(0, half), found);
            searchChunks(stream, recordIds.subList(half, recordIds.size()), found);
            return;
        }
        addHits(hits, stream, found);
    }

    /**
     * The chunks of one record with more than a page of them, by a scroll: pages of one snapshot, each hit
     * exactly once. Paging by {@code search_after} on the chunk index would need a unique tie-breaker, and a
     * record can hold one chunk index many times over (copies under other ids, left by an append stream that
     * re-sent its key); neither engine offers one that works on both: Elasticsearch 8 refuses to sort by
     * {@code _id}, {@code _seq_no} is unique only within a shard, and the point-in-time APIs differ. The
     * scroll is freed at the end; a free that fails leaves it to expire after {@link
     * OpenSearchLookupJson#SCROLL_KEEP_ALIVE}.
     */
    private void scrollOneRecord(StreamId stream, List<String> recordId, Map<String, SeenChunk> found) {
        HttpUrl first = url("_search")
                .newBuilder()
                .addQueryParameter("scroll", OpenSearchLookupJson.SCROLL_KEEP_ALIVE)
                .build();
        JsonNode answer = endpoint.call(
                endpoint.post(first, OpenSearchLookupJson.lookupSearch(stream, recordId, lookupPage, true)),
                "look up stored chunks");
        long total = OpenSearchLookupJson.total(answer);
        String scrollId = answer.path("_scroll_id").asText("");
        long read = 0;
        try {
            while (true) {
                JsonNode hits = answer.path("hits").path("hits");
                addHits(hits, stream, found);
                read += hits.size();
                if (hits.isEmpty() || read >= total || scrollId.isEmpty()) {
                    break;
                }
                answer = nextScrollPage(scrollId);
                scrollId = answer.path("_scroll_id").asText(scrollId); // the latest id names the scroll
            }
        } finally {
            clearScroll(scrollId);
        }
        if (read != total) {
            throw new TransientException(product() + " answered " + read + " of the " + total + " chunks of a record"
                    + " in index '" + index + "' while they were read in pages; the next attempt reads them again");
        }
    }

    /**
     * The next page of a lookup's scroll. Both engines answer 404 ({@code search_context_missing_exception})
     * for a scroll they no longer hold (expired, freed, or its node restarted) while the index is there: worded
     * as the lost scroll it is, not as a vanished index, and transient, since the next attempt scrolls anew.
     */
    private JsonNode nextScrollPage(String scrollId) {
        Answer answer = endpoint.send(
                endpoint.post(endpoint.url("_search", "scroll"), OpenSearchLookupJson.scrollNext(scrollId)));
        if (answer.code() == 404) {
            throw new TransientException(product() + " no longer holds the scroll that read the chunks of a record in"
                    + " index '" + index + "' page by page (" + answer.status().describe() + "; a scroll lives "
                    + OpenSearchLookupJson.SCROLL_KEEP_ALIVE + " between pages); the next attempt reads them again");
        }
        return endpoint.require(answer, "look up stored chunks");
    }

    /** Frees a lookup's scroll; any failure is left alone, since the scroll expires on its own. */
    private void clearScroll(String scrollId) {
        if (scrollId.isEmpty()) {
            return;
        }
        try {
            endpoint.send(
                    endpoint.delete(endpoint.url("_search", "scroll"), OpenSearchLookupJson.clearScroll(scrollId)));
        } catch (RuntimeException e) {
            // Expires after SCROLL_KEEP_ALIVE; the lookup's answer does not depend on it.
        }
    }

    private JsonNode search(byte[] body) {
        return endpoint.call(endpoint.post(url("_search"), body), "look up stored chunks");
    }

    private static void addHits(JsonNode hits, StreamId stream, Map<String, SeenChunk> found) {
        for (JsonNode hit : hits) {
            String id = hit.path("_id").asText();
            OpenSearchLookupJson.knownChunk(id, hit.path("_source"), stream)
                    .ifPresent(chunk -> found.put(id, new SeenChunk(chunk, OpenSearchLookupJson.version(hit))));
        }
    }

    /**
     * The stored vectors by a real-time {@code _mget} that asks for the vector field by name: Elasticsearch
     * 9.2+ leaves {@code dense_vector} fields out of {@code _source} unless a request names them, 8.x and
     * OpenSearch return them anyway. A document whose source holds no vector (an index that excludes it from
     * {@code _source}) is left out, so that chunk is embedded again.
     */
    @Override
    public Map<String, float[]> storedVectors(StreamId stream, Collection<String> chunkIds) {
        Objects.requireNonNull(stream, "stream");
        if (chunkIds.isEmpty()) {
            return Map.of();
        }
        requirePrepared();
        String field = vectorField;
        Map<String, float[]> vectors = new LinkedHashMap<>();
        multiGet(new LinkedHashSet<>(chunkIds), "_source_includes", field, doc -> OpenSearchLookupJson.vector(
                        doc.path("_source"), field)
                .ifPresent(vector -> vectors.put(doc.path("_id").asText(), vector)));
        return vectors;
    }

    /**
     * Real-time {@code _mget}s of {@code ids} (the latest version of each document, refreshed or not), with the
     * source parameter {@code sourceParameter=sourceValue}; each document found goes to {@code found}.
     */
    private void multiGet(
            Collection<String> ids, String sourceParameter, String sourceValue, Consumer<JsonNode> found) {
        List<String> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += MAX_IDS_PER_LOOKUP) {
            List<String> group = all.subList(from, Math.min(all.size(), from + MAX_IDS_PER_LOOKUP));
            HttpUrl url = url("_mget")
                    .newBuilder()
                    .addQueryParameter("realtime", "true")
                    .addQueryParameter(sourceParameter, sourceValue)
                    .build();
            JsonNode docs = endpoint.call(endpoint.post(url, OpenSearchLookupJson.mget(group)), "read stored chunks")
                    .path("docs");
            if (!docs.isArray() || docs.size() != group.size()) {
                throw new SystemException(product() + " answered an _mget of " + group.size() + " ids with "
                        + docs.size() + " documents");
            }
            for (JsonNode doc : docs) {
                if (doc.has("error")) {
                    throw new TransientException(product() + " could not read a stored chunk of index '" + index + "': "
                            + doc.path("error").path("type").asText("no error type"));
                }
                if (doc.path("found").asBoolean(false)) {
                    found.accept(doc);
                }
            }
        }
    }

    /**
     * A {@code _bulk} of partial {@code update}s that set the connector's fields under the metadata object,
     * with the configured {@code refresh}; every item must be confirmed, as for upserts. A chunk deleted since
     * the lookup fails the write (HTTP 404 item) instead of being recreated without vector or text.
     */
    @Override
    public void updateOwnFields(StreamId stream, Collection<String> chunkIds, Map<String, Object> fields) {
        Objects.requireNonNull(stream, "stream");
        fields.forEach((name, value) -> {
            if (!ChunkFields.ALL.contains(name)
                    || !(value instanceof String || value instanceof Long || value instanceof Integer)) {
                throw new SystemException("updateOwnFields sets only the connector's fields to strings or whole"
                        + " numbers, got " + name);
            }
        });
        if (chunkIds.isEmpty() || fields.isEmpty()) {
            return;
        }
        requirePrepared();
        Iterable<BulkEntry> entries = () -> new LinkedHashSet<>(chunkIds)
                .stream()
                        .map(id -> new BulkEntry(id, OpenSearchLookupJson.updateEntry(id, fields), null))
                        .iterator();
        bulkInBatches(entries);
    }

    @Override
    public MetadataRules metadataRules() {
        return RULES;
    }

    /**
     * The distance (smaller is closer) behind a lucene-engine k-NN score, in the same units Chroma
     * reports: cosine {@code 1 - cos}, l2 the squared distance, ip {@code 1 - dot}. The k-NN plugin
     * scores cosinesimil {@code (1 + cos) / 2}, l2 {@code 1 / (1 + d²)}, innerproduct {@code 1 + dot} for
     * a non-negative dot and {@code 1 / (1 - dot)} otherwise.
     */
    double distance(double score) {
        return switch (metric) {
            case COSINE -> 2 - 2 * score;
            case L2 -> score <= 0 ? Double.POSITIVE_INFINITY : 1 / score - 1;
            case IP -> 1 - (score >= 1 ? score - 1 : 1 - 1 / score);
        };
    }

    // ---- check steps ----------------------------------------------------------------------------

    /**
     * The engine behind the URL, asked once per store (a URL does not change product during a sync). Asked
     * during a sync, the root gets the sync's retries, and a node that does not answer is a transient
     * failure: only check, which a person waits for, turns it into advice about the URL.
     */
    private SearchEngine engine() {
        SearchEngine known = engine.known;
        if (known == null) {
            known = ping(false);
            engine.known = known;
        }
        return known;
    }

    /** The server's name for messages: the engine's once known. */
    private String product() {
        return engine.product();
    }

    /**
     * Elasticsearch maps at most 4,096 dimensions (8.11+): a model that makes more fails here in plain
     * words, not at the first write.
     */
    private void requireDimensionsFit(SearchEngine engine, int dimension) {
        if (dimension > engine.maxDimensions()) {
            throw new ConfigException(engine.product() + " at " + endpoint.shownUrl() + " indexes vectors of at most "
                    + engine.maxDimensions() + " dimensions, but the embedding model makes " + dimension
                    + "; choose a model (or a dimensions setting) with at most " + engine.maxDimensions());
        }
    }

    /**
     * Reads the root answer: is the URL reachable, and is it OpenSearch or Elasticsearch. With
     * {@code forCheck}, an unreachable URL is a config error.
     */
    private SearchEngine ping(boolean forCheck) {
        Request request = endpoint.get(endpoint.url());
        Root root;
        try {
            root = Root.read(forCheck ? endpoint.check() : endpoint.sync(), request);
        } catch (TransientException e) {
            throw forCheck ? endpoint.unreachable(e) : e;
        }
        if (root.status() != null) {
            throw rootFailure(root);
        }
        return SearchEngine.detect(root.json(), endpoint.shownUrl(), metric);
    }

    /**
     * Why the root answer failed, naming the server by its {@code X-elastic-product} header or the wording
     * of its refusal. A 403 here means the user lacks the {@code monitor} cluster privilege on either
     * engine; the server's own reason says so, and goes into the message.
     */
    private ConnectorException rootFailure(Root root) {
        HttpStatus status = root.status();
        String product = root.product();
        if (status.code() == 403) {
            return new ConfigException(product + " at " + endpoint.shownUrl() + " refused to answer at its root URL"
                    + " (HTTP 403"
                    + OpenSearchErrors.reason(status)
                            .map(reason -> ": " + reason)
                            .orElse("")
                    + "); vectorsink reads it to tell Elasticsearch from OpenSearch, which needs the monitor"
                    + " cluster privilege (cluster:monitor/main): grant it to the user");
        }
        if (status.code() == 401) {
            return HttpErrors.classify(product, status);
        }
        return endpoint.failure(status, "answer at its root URL");
    }

    /** Checks the index's vector field against the embedding model and the metric, in plain words. */
    private void verify(JsonNode description, SearchEngine engine, int dimension) {
        JsonNode concrete = concrete(description);
        JsonNode properties = concrete.path("mappings").path("properties");
        String vectorName = resolveVectorField(concrete, engine);
        JsonNode vector = properties.path(vectorName);
        List<String> problems = new ArrayList<>(engine.problems(vector, vectorName, index, dimension, metric));
        JsonNode metadata = properties.path(OpenSearchJson.METADATA).path("properties");
        TreeSet<String> mistyped = new TreeSet<>();
        OpenSearchJson.FIELD_TYPES.forEach((name, type) -> {
            JsonNode field = metadata.path(name);
            if (!field.isMissingNode() && !type.equals(field.path("type").asText())) {
                mistyped.add("metadata." + name + " is " + field.path("type").asText() + ", not " + type);
            }
        });
        if (!mistyped.isEmpty()) {
            problems.add(engine.product() + " index '" + index + "' maps the connector's fields with other types ("
                    + String.join("; ", mistyped) + "), so its filters would miss chunks; use another index name");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems, null);
        }
        useTextField(properties, vectorName, engine);
        vectorField = vectorName;
        List<String> found = new ArrayList<>(engine.notes(vector, vectorName, index));
        sourceWhole = keepsWholeSource(concrete.path("mappings").path("_source"));
        if (!sourceWhole) {
            found.add(engine.product() + " index '" + index + "' leaves fields out of _source, so vectorsink can"
                    + " neither read stored vectors nor update a chunk in place: every record is embedded and written"
                    + " again instead of being skipped when unchanged");
        }
        notes = found;
    }

    /**
     * Whether documents keep their whole {@code _source}: a partial update rebuilds a document from it, so an
     * index that drops the vector (or anything) from {@code _source} would lose it on the update that moves
     * an unchanged chunk to a new generation.
     */
    private static boolean keepsWholeSource(JsonNode source) {
        return source.path("enabled").asBoolean(true)
                && source.path("excludes").isEmpty()
                && source.path("includes").isEmpty()
                && !source.path("mode").asText("stored").equals("synthetic");
    }

    /**
     * The text field of the index whose top-level mapping is {@code properties}: the configured or default
     * one, refused when the index keeps its text in another reader's field ({@link TextField#resolve}).
     */
    private void useTextField(JsonNode properties, String vectorName, SearchEngine engine) {
        String name = TextField.resolve(configuredTextField, properties, vectorName, label(engine));
        textFieldMapped = properties.has(name);
        textField = name;
    }

    private String label(SearchEngine engine) {
        return engine.product() + " index '" + index + "'";
    }

    /** Records the configured model in the mapping's {@code _meta} when the index has none, or a change is allowed. */
    private void recordModelIfNeeded(JsonNode concrete, SearchEngine engine) {
        if (indexModel().judge(ModelMeta.recorded(concrete), label(engine), true)) {
            EmbeddingModel model = indexModel().model().orElseThrow();
            endpoint.require(
                    endpoint.send(endpoint.put(url("_mapping"), ModelMeta.putModel(concrete, model))),
                    "record the embedding model in index '" + index + "'");
        }
    }

    /** {@code GET /{index}} answers {@code {"<concrete index name>": {...}}}, also when index is an alias. */
    private static JsonNode concrete(JsonNode description) {
        return description.elements().hasNext() ? description.elements().next() : description;
    }

    /**
     * The vector field of an existing index: the configured one; else {@code vector} when the index has it,
     * else the index's one field of the engine's vector type (an index an earlier vectorsink made names it
     * {@code vector_field}, as LangChain's OpenSearch store does; LangChain.js and LlamaIndex write
     * {@code embedding}). Several such fields and none configured is a config error.
     */
    private String resolveVectorField(JsonNode concrete, SearchEngine engine) {
        if (configuredVectorField != null) {
            return configuredVectorField;
        }
        JsonNode properties = concrete.path("mappings").path("properties");
        if (properties.has(OpenSearchJson.VECTOR_FIELD)) {
            return OpenSearchJson.VECTOR_FIELD;
        }
        List<String> candidates = new ArrayList<>();
        properties.properties().forEach(field -> {
            if (engine.vectorType().equals(field.getValue().path("type").asText())) {
                candidates.add(field.getKey());
            }
        });
        if (candidates.size() > 1) {
            throw new ConfigException(engine.product() + " index '" + index + "' has " + candidates.size() + " "
                    + engine.vectorType() + " fields (" + String.join(", ", candidates)
                    + "); set indexing.vector_field to the one vectorsink writes");
        }
        return candidates.isEmpty() ? OpenSearchJson.VECTOR_FIELD : candidates.get(0);
    }

    // ---- writes ---------------------------------------------------------------------------------

    /**
     * Sends one bulk request and returns once every document in it is confirmed, within the bounds of
     * {@code resends}, which the halves of a request too large for the cluster share.
     */
    private void bulk(List<BulkEntry> entries, ItemResends resends) {
        List<BulkEntry> pending = entries;
        while (true) {
            List<BulkEntry> sent = pending;
            Answer answer = resends.send(service -> endpoint.send(service, bulkRequest(sent)));
            if (answer.code() == 413 && pending.size() > 1) {
                // Too large for the cluster or a proxy in front of it: halve until it fits.
                int half = pending.size() / 2;
                bulk(pending.subList(0, half), resends);
                bulk(pending.subList(half, pending.size()), resends);
                return;
            }
            if (answer.code() == 413) {
                throw new ConfigException(product() + " (or a proxy in front of it) refused one chunk of "
                        + pending.get(0).body().length / 1024
                        + " KiB as too large (HTTP 413); raise http.max_content_length or lower chunk_size");
            }
            Failures failures = itemFailures(endpoint.require(answer, "write to index '" + index + "'"), pending);
            if (failures.isEmpty()) {
                if (failures.refitted().isEmpty()) {
                    return;
                }
                pending = failures.refitted(); // each without one value the index refused, at once
                continue;
            }
            Optional<Duration> wait = failures.retryable() ? resends.nextWait() : Optional.empty();
            if (wait.isEmpty()) {
                throw failures.exception(pending.size(), resends.summary());
            }
            List<BulkEntry> again = new ArrayList<>(failures.refitted());
            for (int i : failures.positions()) {
                again.add(pending.get(i));
            }
            pending = again;
            resends.await(wait.get(), failures.describe());
        }
    }

    private Request bulkRequest(List<BulkEntry> entries) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        entries.forEach(entry -> body.writeBytes(entry.body()));
        HttpUrl url =
                url("_bulk").newBuilder().addQueryParameter("refresh", refresh).build();
        return endpoint.post(url, body.toByteArray(), NDJSON);
    }

    /** What a bulk answer says went wrong, item by item; empty when every item is confirmed. */
    private Failures itemFailures(JsonNode answer, List<BulkEntry> entries) {
        JsonNode items = answer.path("items");
        if (!items.isArray() || items.size() != entries.size()) {
            throw new SystemException(product() + " answered a bulk request of " + entries.size() + " documents with "
                    + items.size() + " items; the write is not confirmed");
        }
        Failures failures = new Failures();
        MappedKeys mapped = new MappedKeys();
        for (int i = 0; i < items.size(); i++) {
            // {"index": {...}} for a write, {"update": {...}} for a partial update: the item's one field.
            JsonNode entry = items.get(i);
            JsonNode item = entry.elements().hasNext() ? entry.elements().next() : entry;
            int status = item.path("status").asInt(0);
            boolean confirmed = (status == 200 || status == 201)
                    && item.path("error").isMissingNode()
                    && entries.get(i).id().equals(item.path("_id").asText());
            Optional<BulkEntry> refitted = confirmed ? Optional.empty() : refit(entries.get(i), status, item, mapped);
            if (refitted.isPresent()) {
                failures.refitted().add(refitted.get());
            } else if (!confirmed) {
                failures.add(i, entries.get(i).id(), status, item.path("error"));
            }
        }
        if (failures.isEmpty()
                && failures.refitted().isEmpty()
                && answer.path("errors").asBoolean(false)) {
            throw new SystemException(product() + " flagged errors in a bulk answer whose items all succeeded;"
                    + " the write is not confirmed");
        }
        return failures;
    }

    /**
     * A whole chunk the index refused for one of its user metadata values, written again without that
     * value and with the change recorded on the row; empty for any other refusal. The index types a field
     * by the first value it sees ({@code n: 5}, then {@code n: "five"}; {@code x: "s"}, then {@code x.y: 1};
     * a field an older index maps as {@code float}, then {@code 1e300}), so such a value cannot be known
     * to fail before the write. The reason names the field: only a key of the chunk's own user metadata
     * is ever left out, never the connector's fields or the vector, and each refit leaves out one more
     * key, so refits end.
     */
    private Optional<BulkEntry> refit(BulkEntry entry, int status, JsonNode item, MappedKeys mapped) {
        if (entry.point() == null || status != 400) {
            return Optional.empty();
        }
        JsonNode error = item.path("error");
        String reason = error.path("reason").asText("") + " "
                + error.path("caused_by").path("reason").asText("");
        if (reason.contains(FIELD_LIMIT)) {
            return withMappedKeysOnly(entry, mapped.get());
        }
        String refused = null;
        int best = 0;
        for (String key : entry.point().metadata().keySet()) {
            int named = isConnectorField(key) ? 0 : named(reason, key);
            if (named > best || (named > 0 && named == best && key.length() > refused.length())) {
                refused = key;
                best = named;
            }
        }
        if (refused == null || RowChanges.holdsKey(entry.point(), List.of(refused))) {
            return Optional.empty(); // a primary-key value is never left out: the refusal fails the write
        }
        ChunkPoint point = RowChanges.withoutValue(entry.point(), refused);
        return Optional.of(new BulkEntry(entry.id(), OpenSearchJson.bulkEntry(point, vectorField, textField), point));
    }

    /**
     * A chunk refused because its new keys would take the index past {@code index.mapping.total_fields.limit}
     * (1,000 fields by default, for all the streams the index holds): written again with only the keys the
     * index already maps, each other user key left out and recorded. Empty when every key is mapped (the
     * refusal is then not about this chunk's keys), so refits end.
     */
    private Optional<BulkEntry> withMappedKeysOnly(BulkEntry entry, Set<String> mapped) {
        List<String> unmapped = new ArrayList<>();
        for (String key : entry.point().metadata().keySet()) {
            if (!isConnectorField(key) && !mapped.contains(key)) {
                unmapped.add(key);
            }
        }
        if (unmapped.isEmpty() || RowChanges.holdsKey(entry.point(), unmapped)) {
            return Optional.empty(); // nothing of this chunk's to leave out, or a primary-key value
        }
        ChunkPoint point = RowChanges.withoutValues(entry.point(), unmapped);
        return Optional.of(new BulkEntry(entry.id(), OpenSearchJson.bulkEntry(point, vectorField, textField), point));
    }

    /** Whether {@code key} is one of the connector's own fields, which a refit never leaves out. */
    private static boolean isConnectorField(String key) {
        return ChunkFields.ALL.contains(key) || key.equals(RowChanges.AIRBYTE_META);
    }

    /** The metadata keys the index maps, read once per bulk answer and only when a refusal needs them. */
    private final class MappedKeys {
        private Set<String> keys;

        Set<String> get() {
            if (keys == null) {
                JsonNode answer =
                        endpoint.call(endpoint.get(url("_mapping")), "read the mapping of index '" + index + "'");
                // Keyed by the concrete index, which may differ from the configured name (an alias).
                JsonNode concrete =
                        answer.elements().hasNext() ? answer.elements().next() : answer;
                keys = new HashSet<>();
                collectLeaves(
                        concrete.path("mappings")
                                .path("properties")
                                .path(OpenSearchJson.METADATA)
                                .path("properties"),
                        "",
                        keys);
            }
            return keys;
        }
    }

    /** The dotted paths of the fields under {@code properties}: a key {@code a.b} is mapped as {@code a} → {@code b}. */
    private static void collectLeaves(JsonNode properties, String prefix, Set<String> into) {
        properties.properties().forEach(field -> {
            String path = prefix + field.getKey();
            JsonNode nested = field.getValue().path("properties");
            if (nested.isObject()) {
                collectLeaves(nested, path + ".", into);
            } else {
                into.add(path);
            }
        });
    }

    /**
     * How surely an error's {@code reason} names the metadata key {@code key}: 3 as its field path
     * ({@code [metadata.n]}), 2 as the dotted key itself (OpenSearch: "Could not dynamically add mapping for
     * field [x.y]"), 1 through the object a dotted key expands into (Elasticsearch: "failed to parse field
     * [metadata.x] of type [keyword]" for {@code x.y}), 0 not at all. Ties go to the longest key, so
     * {@code a]b} is not taken for {@code a}.
     */
    private static int named(String reason, String key) {
        if (reason.contains("[" + OpenSearchJson.field(key) + "]")) {
            return 3;
        }
        if (key.indexOf('.') > 0 && reason.contains("[" + key + "]")) {
            return 2;
        }
        for (int dot = key.indexOf('.'); dot > 0; dot = key.indexOf('.', dot + 1)) {
            if (reason.contains("[" + OpenSearchJson.field(key.substring(0, dot)) + "]")) {
                return 1;
            }
        }
        return 0;
    }

    /** The refused items of one bulk answer. */
    private final class Failures {
        private final List<Integer> positions = new ArrayList<>();
        private final List<BulkEntry> refitted = new ArrayList<>();
        private final List<String> ids = new ArrayList<>();
        private final TreeMap<String, Integer> kinds = new TreeMap<>();
        private boolean retryable = true;
        private boolean vectorRefused;
        private boolean documentMissing;
        private int worstStatus;

        void add(int position, String id, int status, JsonNode error) {
            positions.add(position);
            ids.add(id);
            String type = error.path("type").asText("no error type");
            Matcher field = FIELD_IN_REASON.matcher(error.path("reason").asText(""));
            // The reason may quote the document's content; only the error type and field name are kept.
            String fieldName = field.find() ? field.group(1) : null;
            vectorRefused |= fieldName != null && fieldName.equals(vectorField);
            String kind = "HTTP " + status + " " + type + (fieldName != null ? " on field " + fieldName : "");
            kinds.merge(kind, 1, Integer::sum);
            retryable &= RetryPolicies.isRetryableStatus(status);
            documentMissing |= status == 404 && type.equals("document_missing_exception");
            worstStatus = Math.max(worstStatus, status);
        }

        boolean isEmpty() {
            return positions.isEmpty();
        }

        /** Chunks refused for one user value, to be written again without it ({@link #refit}). */
        List<BulkEntry> refitted() {
            return refitted;
        }

        boolean retryable() {
            return retryable;
        }

        List<Integer> positions() {
            return positions;
        }

        List<String> ids() {
            return ids;
        }

        String describe() {
            List<String> parts = new ArrayList<>();
            kinds.forEach((kind, count) -> parts.add(count + " × " + kind));
            return String.join(", ", parts) + " (first: document " + ids.get(0) + ")";
        }

        ConnectorException exception(int sent, String tries) {
            String message = product() + " refused " + ids.size() + " of " + sent
                    + " documents in a bulk write to index '" + index + "': " + describe();
            if (retryable) {
                return new TransientException(message + "; still refused " + tries);
            }
            if (documentMissing) {
                // Only a partial update finds no document: a chunk the lookup saw was deleted since.
                return new TransientException(message + "; chunks seen by the lookup were deleted since (by another"
                        + " writer?); the next attempt looks them up again");
            }
            if (worstStatus == 401 || worstStatus == 403) {
                return new ConfigException(message + "; check the credentials' permissions and that the index is"
                        + " not read-only (a full disk blocks writes)");
            }
            if (vectorRefused) {
                return new ConfigException(message + "; the index's vector field '" + vectorField + "' does not"
                        + " accept these vectors: check its mapping (type, dims, element_type) or use another index"
                        + " name");
            }
            return new ConfigException(message + "; the index's mapping does not accept these documents: check"
                    + " the metadata fields or use another index name");
        }
    }

    private void refreshBeforeDelete() {
        if (refresh.equals("false")) {
            endpoint.call(endpoint.post(url("_refresh"), new byte[0]), "refresh index '" + index + "'");
        }
    }

    private void deleteByQuery(byte[] query, String action) {
        // wait_for is not a choice for _delete_by_query: true makes the deletion visible before the ack.
        HttpUrl url = url("_delete_by_query")
                .newBuilder()
                .addQueryParameter("refresh", refresh.equals("false") ? "false" : "true")
                .addQueryParameter("conflicts", "proceed")
                .build();
        JsonNode answer = endpoint.call(endpoint.post(url, query), action);
        // A version conflict means the document changed after the query matched it: a newer write, kept.
        if (answer.path("timed_out").asBoolean(false) || answer.path("failures").size() > 0) {
            JsonNode first = answer.path("failures").path(0);
            throw new TransientException(product() + " could not " + action + " in index '" + index + "' ("
                    + (answer.path("timed_out").asBoolean(false)
                            ? "timed out"
                            : answer.path("failures").size() + " failures, first: HTTP "
                                    + first.path("status").asInt() + " "
                                    + first.path("cause").path("type").asText())
                    + "); deleted " + answer.path("deleted").asLong() + " documents before that");
        }
    }

    // ---- requests ---------------------------------------------------------------------------------

    private HttpUrl indexUrl() {
        return endpoint.url(index);
    }

    private HttpUrl url(String operation) {
        return endpoint.url(index, operation);
    }
}
