package io.vectorsink.store.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.config.IndexingConfig.OpenSearchAuth;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.ConnectorException;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpClients;
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
import io.vectorsink.store.MetadataRules;
import io.vectorsink.store.PointBatches;
import io.vectorsink.store.QueryHit;
import io.vectorsink.store.RecordTrims;
import io.vectorsink.store.RestEndpoint;
import io.vectorsink.store.RestEndpoint.Answer;
import io.vectorsink.store.RestVectorStore;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.StoreJson;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * {@code {vector_field, text, metadata}} (see {@link OpenSearchJson}).
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
    static final String SERVICE = "OpenSearch";

    /** Documents per bulk request: within what OpenSearch recommends (5–15 MB, a few hundred documents). */
    static final int MAX_DOCUMENTS_PER_BULK = 500;

    /**
     * Bytes per bulk request. Amazon OpenSearch Service refuses bodies over 10 MiB on its smaller instance
     * types (self-hosted nodes accept 100 MB by {@code http.max_content_length}); a 413 halves the batch.
     */
    static final long MAX_BULK_BYTES = 8L * 1024 * 1024;

    /** Record ids per delete-by-query: a terms query takes up to 65,536; this keeps requests small. */
    static final int MAX_IDS_PER_DELETE = 1000;

    /**
     * Lucene's term limit is 32,766 bytes, the bound for a keyword such as {@code _ab_record_id}; a whole
     * document's metadata is kept within 1 MiB.
     */
    private static final MetadataRules RULES = new MetadataRules(32_766, 1024 * 1024);

    private static final Pattern FIELD_IN_REASON = Pattern.compile("field \\[([^\\]]{1,200})]");

    /** The bulk API takes newline-delimited JSON. */
    private static final MediaType NDJSON = MediaType.get("application/x-ndjson");

    private final String index;
    private final DistanceMetric metric;
    private final String refresh;

    /** OpenSearch or Elasticsearch, read from the root answer by {@link #engine}. */
    private volatile SearchEngine engine;

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
        super(RestEndpoint.at(SERVICE, HttpsPolicy.check("indexing.url", config.url(), advanced.allowInsecureHttp()))
                .headers(authHeaders(config.auth()))
                .target("index '" + config.index() + "'")
                .build(client, timing, retry));
        this.index = config.index();
        this.metric = config.metric();
        this.refresh = config.refresh();
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
        engine = ping(true);
        Answer answer = endpoint.send(endpoint.check(), endpoint.get(indexUrl()));
        if (answer.code() == 404) {
            return; // prepare creates it
        }
        verify(endpoint.require(answer, "read index '" + index + "'"), engine, dimension);
    }

    @Override
    protected void doPrepare(int dimension) {
        SearchEngine engine = engine();
        Answer existing = endpoint.send(endpoint.get(indexUrl()));
        if (existing.code() == 404) {
            Answer created =
                    endpoint.send(endpoint.put(indexUrl(), OpenSearchJson.createIndex(engine, dimension, metric)));
            boolean raced = !created.ok()
                    && created.code() == 400
                    && created.status().bodySnippet().contains("resource_already_exists_exception");
            if (!raced) {
                endpoint.require(created, "create index '" + index + "'");
            }
            existing = endpoint.send(endpoint.get(indexUrl()));
        }
        verify(endpoint.require(existing, "read index '" + index + "'"), engine, dimension);
        // An index made by someone else may lack the connector's fields; adding fields is always allowed,
        // and a field mapped with another type is refused (400) instead of silently breaking the filters.
        Answer mapping = endpoint.send(endpoint.put(url("_mapping"), OpenSearchJson.putMetadataMapping()));
        if (mapping.code() == 400) {
            throw new ConfigException("OpenSearch index '" + index + "' maps a metadata._ab_* field with another"
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
        Iterable<BulkEntry> entries = () -> points.stream()
                .map(point -> new BulkEntry(point.id(), OpenSearchJson.bulkEntry(point)))
                .iterator();
        PointBatches.forEach(entries, MAX_DOCUMENTS_PER_BULK, MAX_BULK_BYTES, entry -> entry.body().length, batch -> {
            List<String> ids = new ArrayList<>(batch.size());
            List<byte[]> bodies = new ArrayList<>(batch.size());
            for (BulkEntry entry : batch) {
                ids.add(entry.id());
                bodies.add(entry.body());
            }
            bulk(ids, bodies, endpoint.itemResends());
        });
    }

    /** One document's action and source lines of a bulk body, with the id its result is matched by. */
    private record BulkEntry(String id, byte[] body) {}

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
        Answer answer =
                endpoint.send(endpoint.post(url("_search"), OpenSearchJson.knnQuery(engine(), vector, limit, stream)));
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
                    StoreJson.textOrNull(source.path(ChunkFields.TEXT)),
                    StoreJson.metadata(source.path(OpenSearchJson.METADATA), Set.of())));
        }
        return result;
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
        SearchEngine known = engine;
        if (known == null) {
            known = ping(false);
            engine = known;
        }
        return known;
    }

    /**
     * Reads the root answer: is the URL reachable, and is it OpenSearch or Elasticsearch. With
     * {@code forCheck}, an unreachable URL is a config error.
     */
    private SearchEngine ping(boolean forCheck) {
        Request root = endpoint.get(endpoint.url());
        Answer answer = forCheck ? endpoint.sendForCheck(root) : endpoint.send(root);
        return SearchEngine.detect(endpoint.require(answer, "answer at its root URL"), endpoint.shownUrl(), metric);
    }

    /** Checks the index's vector field against the embedding model and the metric, in plain words. */
    private void verify(JsonNode description, SearchEngine engine, int dimension) {
        // GET /{index} answers {"<concrete index name>": {...}}, also when index is an alias.
        JsonNode concrete =
                description.elements().hasNext() ? description.elements().next() : description;
        JsonNode properties = concrete.path("mappings").path("properties");
        List<String> problems = new ArrayList<>(
                engine.problems(properties.path(OpenSearchJson.VECTOR_FIELD), index, dimension, metric));
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
    }

    // ---- writes ---------------------------------------------------------------------------------

    /**
     * Sends one bulk request and returns once every document in it is confirmed, within the bounds of
     * {@code resends}, which the halves of a request too large for the cluster share.
     */
    private void bulk(List<String> ids, List<byte[]> entries, ItemResends resends) {
        List<String> pendingIds = ids;
        List<byte[]> pending = entries;
        while (true) {
            List<byte[]> sent = pending;
            Answer answer = resends.send(service -> endpoint.send(service, bulkRequest(sent)));
            if (answer.code() == 413 && pending.size() > 1) {
                // Too large for the cluster or a proxy in front of it: halve until it fits.
                int half = pending.size() / 2;
                bulk(pendingIds.subList(0, half), pending.subList(0, half), resends);
                bulk(pendingIds.subList(half, pending.size()), pending.subList(half, pending.size()), resends);
                return;
            }
            if (answer.code() == 413) {
                throw new ConfigException("OpenSearch (or a proxy in front of it) refused one chunk of "
                        + pending.get(0).length / 1024
                        + " KiB as too large (HTTP 413); raise http.max_content_length or lower chunk_size");
            }
            Failures failures = itemFailures(endpoint.require(answer, "write to index '" + index + "'"), pendingIds);
            if (failures.isEmpty()) {
                return;
            }
            Optional<Duration> wait = failures.retryable() ? resends.nextWait() : Optional.empty();
            if (wait.isEmpty()) {
                throw failures.exception(pending.size(), resends.summary());
            }
            pendingIds = failures.ids();
            List<byte[]> again = new ArrayList<>();
            for (int i : failures.positions()) {
                again.add(pending.get(i));
            }
            pending = again;
            resends.await(wait.get(), failures.describe());
        }
    }

    private Request bulkRequest(List<byte[]> entries) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        entries.forEach(body::writeBytes);
        HttpUrl url =
                url("_bulk").newBuilder().addQueryParameter("refresh", refresh).build();
        return endpoint.post(url, body.toByteArray(), NDJSON);
    }

    /** What a bulk answer says went wrong, item by item; empty when every item is confirmed. */
    private Failures itemFailures(JsonNode answer, List<String> ids) {
        JsonNode items = answer.path("items");
        if (!items.isArray() || items.size() != ids.size()) {
            throw new SystemException("OpenSearch answered a bulk request of " + ids.size() + " documents with "
                    + items.size() + " items; the write is not confirmed");
        }
        Failures failures = new Failures();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i).path("index");
            int status = item.path("status").asInt(0);
            boolean confirmed = (status == 200 || status == 201)
                    && item.path("error").isMissingNode()
                    && ids.get(i).equals(item.path("_id").asText());
            if (!confirmed) {
                failures.add(i, ids.get(i), status, item.path("error"));
            }
        }
        if (failures.isEmpty() && answer.path("errors").asBoolean(false)) {
            throw new SystemException("OpenSearch flagged errors in a bulk answer whose items all succeeded;"
                    + " the write is not confirmed");
        }
        return failures;
    }

    /** The refused items of one bulk answer. */
    private final class Failures {
        private final List<Integer> positions = new ArrayList<>();
        private final List<String> ids = new ArrayList<>();
        private final TreeMap<String, Integer> kinds = new TreeMap<>();
        private boolean retryable = true;
        private int worstStatus;

        void add(int position, String id, int status, JsonNode error) {
            positions.add(position);
            ids.add(id);
            String type = error.path("type").asText("no error type");
            Matcher field = FIELD_IN_REASON.matcher(error.path("reason").asText(""));
            // The reason may quote the document's content; only the error type and field name are kept.
            String kind = "HTTP " + status + " " + type + (field.find() ? " on field " + field.group(1) : "");
            kinds.merge(kind, 1, Integer::sum);
            retryable &= RetryPolicies.isRetryableStatus(status);
            worstStatus = Math.max(worstStatus, status);
        }

        boolean isEmpty() {
            return positions.isEmpty();
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
            String message = "OpenSearch refused " + ids.size() + " of " + sent
                    + " documents in a bulk write to index '" + index + "': " + describe();
            if (retryable) {
                return new TransientException(message + "; still refused " + tries);
            }
            if (worstStatus == 401 || worstStatus == 403) {
                return new ConfigException(message + "; check the credentials' permissions and that the index is"
                        + " not read-only (a full disk blocks writes)");
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
            throw new TransientException("OpenSearch could not " + action + " in index '" + index + "' ("
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
