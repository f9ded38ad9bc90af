package io.vectorsink.store.weaviate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.ConnectorException;
import io.vectorsink.error.Secrets;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.HttpService;
import io.vectorsink.http.HttpStatus;
import io.vectorsink.http.HttpsPolicy;
import io.vectorsink.http.ItemResends;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.http.RetryTiming;
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
import io.vectorsink.store.RestEndpoint;
import io.vectorsink.store.RestEndpoint.Answer;
import io.vectorsink.store.RestVectorStore;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.StoreJson;
import io.vectorsink.store.weaviate.WeaviateSchema.ClassState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Weaviate (1.21 or later) over its REST API v1. Chunks are objects with UUID ids, the chunk text in the
 * property {@code text}, the metadata as properties and the vector supplied by vectorsink (vectorizer
 * {@code none}); one class holds every stream, or each stream has its own (see {@link WeaviateNames}).
 *
 * <p>Schema: the store declares every property before it writes it, so Weaviate's auto-schema never picks
 * a type. The connector's filter properties are text with {@code field} tokenization and filterable (exact
 * matches), its counters {@code int}. A user metadata key becomes the property {@link WeaviateNames#property}
 * names (its own name beside a property that differs only in case: {@code ClassState#property}), typed by the
 * first value the store sees: text, int, number or boolean. A later value of another
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
 * {@code consistency_level}.
 *
 * <p>Parts: {@link WeaviateSchema} holds the classes and their properties, {@link WeaviateValues} fits
 * metadata to them, {@link WeaviateJson} writes the bodies and {@link RestEndpoint} sends them; this class
 * keeps the {@link VectorStore} methods, writes, deletes and queries. Thread-safe.
 */
public final class WeaviateVectorStore extends RestVectorStore {
    static final String SERVICE = "Weaviate";

    /** The oldest Weaviate with {@code ContainsAny} (1.21); {@code field} tokenization came in 1.19. */
    static final int[] MIN_VERSION = {1, 21};

    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

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

    /**
     * Weaviate's text properties have no documented size limit; values are kept within 32 KiB and an
     * object's metadata within 1 MiB, so metadata never dominate a request.
     */
    private static final MetadataRules RULES = new MetadataRules(32 * 1024, 1024 * 1024).withStringLists();

    private static final Pattern PROPERTY_IN_MESSAGE = Pattern.compile("prop(?:erty)?(?: with name)? '([^']{1,120})'");

    private final WeaviateSchema schema;
    private final DistanceMetric metric;
    private final String consistencyLevel;

    /**
     * A store on the shared connection pool, with {@code advanced}'s request timeout. Does no I/O;
     * {@link #check} and {@link #prepare} do.
     */
    public WeaviateVectorStore(IndexingConfig.Weaviate config, AdvancedConfig advanced) {
        this(
                config,
                advanced,
                HttpClients.forConfig(advanced),
                RetryTiming.system(),
                RetrySettings.forService(SERVICE, advanced));
    }

    /** For tests: injected retry timing and bounds, so retries are observed instead of slept. */
    public WeaviateVectorStore(
            IndexingConfig.Weaviate config,
            AdvancedConfig advanced,
            OkHttpClient client,
            RetryTiming timing,
            RetrySettings retry) {
        super(endpoint(config, advanced, client, timing, retry));
        this.metric = config.metric();
        this.schema = new WeaviateSchema(endpoint, config.layout(), metric, config.textField());
        this.consistencyLevel = config.consistencyLevel();
    }

    private static RestEndpoint endpoint(
            IndexingConfig.Weaviate config,
            AdvancedConfig advanced,
            OkHttpClient client,
            RetryTiming timing,
            RetrySettings retry) {
        HttpUrl url = HttpsPolicy.check("indexing.host", config.host(), advanced.allowInsecureHttp());
        String shownUrl = RestEndpoint.shown(url);
        return RestEndpoint.at(SERVICE, url)
                .base(url.newBuilder()
                        .query(null)
                        .fragment(null)
                        .addPathSegment("v1")
                        .build())
                .headers(headers(config))
                .failures((status, action, classesKnown) -> failure(status, action, classesKnown, shownUrl))
                .build(client, timing, retry);
    }

    /** The credentials and extra headers, registered as secrets before anything can show them. */
    private static Headers headers(IndexingConfig.Weaviate config) {
        Headers.Builder builder = new Headers.Builder();
        config.extraHeaders().values().forEach(Secrets::register);
        config.extraHeaders().forEach(builder::add);
        if (config.auth() instanceof IndexingConfig.WeaviateAuth.ApiKey key) {
            builder.addAll(AuthHeaders.authorization("Bearer", key.apiKey()));
        } else if (config.auth() instanceof IndexingConfig.WeaviateAuth.BearerToken token) {
            builder.addAll(AuthHeaders.authorization("Bearer", token.token()));
        }
        return builder.build();
    }

    /**
     * Weaviate's own failure cases: once a class is known a 404 most likely means a class was deleted
     * during the sync (worth a retry that creates it again), before that a host that is not Weaviate; a 422
     * is a request Weaviate understood and refused as invalid, which the config decides.
     */
    private static ConnectorException failure(HttpStatus status, String action, boolean classesKnown, String shownUrl) {
        if (status.code() == 404 && classesKnown) {
            return new TransientException("Weaviate answered HTTP 404 to " + action + "; a class may have been"
                    + " deleted during the sync; the sync's next attempt (a new process) creates it again");
        }
        if (status.code() == 404) {
            return new ConfigException(shownUrl + " does not answer like Weaviate's REST API (" + action + ": "
                    + status.describe() + "); check indexing.host and that it names the REST port (8080 by default)");
        }
        if (status.code() == 422) {
            return new ConfigException("Weaviate refused to " + action + " (" + status.describe() + ")");
        }
        return null;
    }

    // ---- VectorStore ----------------------------------------------------------------------------

    @Override
    protected void doCheck(int dimension) {
        try {
            requireVersion(endpoint.check());
        } catch (TransientException e) {
            throw endpoint.unreachable(e);
        }
        schema.useModel(indexModel());
        List<String> problems = schema.problems(dimension);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems, null);
        }
    }

    @Override
    protected void doPrepare(int dimension) {
        requireVersion(endpoint.sync());
        schema.useModel(indexModel());
        schema.prepare(dimension);
    }

    @Override
    protected void doUpsert(Collection<ChunkPoint> points) {
        Map<String, List<ChunkPoint>> byClass = new LinkedHashMap<>();
        for (ChunkPoint point : points) {
            requireUuid(point.id());
            byClass.computeIfAbsent(schema.classOf(point), k -> new ArrayList<>())
                    .add(point);
        }
        byClass.forEach((className, classPoints) -> {
            ClassState state = schema.state(className, true);
            schema.declareProperties(state, classPoints);
            List<byte[]> objects = new ArrayList<>(classPoints.size());
            for (ChunkPoint point : classPoints) {
                objects.add(WeaviateJson.object(
                        className,
                        point.id(),
                        point.vector(),
                        WeaviateValues.fitted(state, point, schema.textProperty())));
            }
            PointBatches.forEach(
                    objects,
                    MAX_OBJECTS_PER_BATCH,
                    MAX_BATCH_BYTES - WeaviateJson.BATCH_OVERHEAD,
                    object -> object.length + 1L,
                    batch -> sendBatch(className, batch, endpoint.itemResends()));
        });
    }

    @Override
    protected void doDeleteChunks(List<RecordTrim> trims) {
        Map<String, List<RecordTrim>> byClass = new LinkedHashMap<>();
        for (RecordTrim trim : trims) {
            byClass.computeIfAbsent(schema.classFor(trim.stream()), k -> new ArrayList<>())
                    .add(trim);
        }
        byClass.forEach((className, classTrims) -> {
            if (schema.state(className, false) == null) {
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
    protected void doDeleteStale(StreamId stream, StaleFilter filter) {
        String className = schema.classFor(stream);
        if (schema.state(className, false) == null) {
            return;
        }
        deleteAll(className, WeaviateJson.staleWhere(stream, filter), "delete stale chunks of stream " + stream);
    }

    /**
     * Searches the class of {@code stream}, or with {@code stream} null every class of the layout (with one
     * class per stream: every vectorsink class in Weaviate whose name has the prefix), merging hits by distance.
     */
    @Override
    protected List<QueryHit> doQuery(float[] vector, int limit, StreamId stream) {
        ObjectNode where = stream == null ? null : WeaviateJson.and(WeaviateJson.streamConditions(stream));
        List<QueryHit> hits = new ArrayList<>();
        for (ClassState state : schema.searched(stream)) {
            hits.addAll(search(state, vector, limit, where));
        }
        hits.sort(Comparator.comparingDouble(QueryHit::distance));
        return hits.size() > limit ? List.copyOf(hits.subList(0, limit)) : hits;
    }

    // ---- lookup: what is stored of records, for skipping unchanged ones ------------------------------

    /** Weaviate's {@code QUERY_MAXIMUM_RESULTS} default: offset + limit of one query. */
    static final int QUERY_WINDOW = 10_000;

    /** Objects per lookup page: the connector properties only. */
    static final int LOOKUP_PAGE = 1_000;

    /** Record ids per lookup filter ({@code ContainsAny}). */
    static final int MAX_IDS_PER_LOOKUP = 200;

    /** Object ids per read of stored vectors. */
    static final int MAX_IDS_PER_VECTOR_READ = 100;

    /** Object merges in flight at once in {@link #updateOwnFields}: Weaviate has no batch merge. */
    static final int MERGE_CONCURRENCY = 8;

    /**
     * The consistency level of reads: on a replicated class (n replicas) a read of r replicas sees every
     * write acknowledged by w replicas when r + w > n, for any n, with r = ALL after w = ONE, QUORUM after
     * QUORUM, ONE after ALL. Without it a read may ask a replica the last sync's writes have not reached,
     * show the hash before a change and skip the change. On one node every level reads that node.
     */
    static String readLevel(String writeLevel) {
        return switch (writeLevel) {
            case "ONE" -> "ALL";
            case "ALL" -> "ONE";
            default -> "QUORUM";
        };
    }

    /** The value of connector or metadata field {@code key} in a Weaviate object: its property. */
    private static JsonNode field(JsonNode object, String key) {
        return object.path(WeaviateNames.property(key));
    }

    @Override
    public Map<String, List<KnownChunk>> lookup(StreamId stream, Collection<String> recordIds) {
        requirePrepared();
        String className = schema.classFor(stream);
        ClassState state = recordIds.isEmpty() ? null : schema.state(className, false);
        if (state == null) {
            return Map.of();
        }
        List<String> selected = LookupReads.FIELDS.stream()
                .map(WeaviateNames::property)
                .filter(state.types()::containsKey)
                .toList();
        LookupReads.Pages<JsonNode> pages = LookupReads.read(
                List.copyOf(new LinkedHashSet<>(recordIds)),
                MAX_IDS_PER_LOOKUP,
                LOOKUP_PAGE,
                QUERY_WINDOW,
                (ids, offset, limit) -> {
                    byte[] body = WeaviateJson.read(
                            className,
                            WeaviateJson.recordsWhere(stream, ids),
                            limit,
                            offset,
                            readLevel(consistencyLevel),
                            selected,
                            false);
                    List<JsonNode> objects = new ArrayList<>();
                    getObjects(className, body, "look up " + ids.size() + " records in class '" + className + "'")
                            .forEach(objects::add);
                    return objects;
                });
        return LookupReads.byRecord(
                pages, object -> object.path("_additional").path("id").asText(), WeaviateVectorStore::field);
    }

    @Override
    public Map<String, float[]> storedVectors(StreamId stream, Collection<String> chunkIds) {
        requirePrepared();
        String className = schema.classFor(stream);
        if (chunkIds.isEmpty() || schema.state(className, false) == null) {
            return new LinkedHashMap<>();
        }
        return readVectors(className, chunkIds);
    }

    /** The vectors of the objects {@code chunkIds} of class {@code className} that exist, by id. */
    private Map<String, float[]> readVectors(String className, Collection<String> chunkIds) {
        Map<String, float[]> vectors = new LinkedHashMap<>();
        List<String> ids = List.copyOf(new LinkedHashSet<>(chunkIds));
        for (int from = 0; from < ids.size(); from += MAX_IDS_PER_VECTOR_READ) {
            List<String> group = ids.subList(from, Math.min(ids.size(), from + MAX_IDS_PER_VECTOR_READ));
            byte[] body = WeaviateJson.read(
                    className,
                    WeaviateJson.idsWhere(group),
                    group.size(),
                    0,
                    readLevel(consistencyLevel),
                    List.of(),
                    true);
            for (JsonNode object : getObjects(className, body, "read stored vectors in class '" + className + "'")) {
                vectors.put(
                        object.path("_additional").path("id").asText(),
                        LookupReads.vector(object.path("_additional").path("vector")));
            }
        }
        return vectors;
    }

    /**
     * {@code PATCH /v1/objects/{class}/{id}} per chunk, a merge that leaves the vector and the other
     * properties as stored, {@link #MERGE_CONCURRENCY} at a time, each at the configured consistency level.
     * In a class with a vectorizer module each merge carries the object's stored vector, read first: a merge
     * without one would let the module vectorize the object again (see {@link ClassState#mergeKeepsVector}).
     * An object that is gone (404, or no stored vector to send) fails the update as transient: the next
     * attempt looks it up again.
     */
    @Override
    public void updateOwnFields(StreamId stream, Collection<String> chunkIds, Map<String, Object> fields) {
        requirePrepared();
        if (chunkIds.isEmpty()) {
            return;
        }
        String className = schema.classFor(stream);
        ClassState state = schema.state(className, true);
        Map<String, Object> properties = new LinkedHashMap<>();
        fields.forEach((key, value) -> {
            String name = WeaviateNames.property(key);
            properties.put(
                    name,
                    WeaviateJson.fit(state.types().getOrDefault(name, ""), value)
                            .orElseThrow(() -> new SystemException("connector field " + key
                                    + " does not fit its property in Weaviate class '" + className + "'")));
        });
        Map<String, float[]> vectors = state.mergeKeepsVector() ? Map.of() : readVectors(className, chunkIds);
        if (!state.mergeKeepsVector() && vectors.size() < new LinkedHashSet<>(chunkIds).size()) {
            throw gone(className);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(MERGE_CONCURRENCY, chunkIds.size()), r -> {
            Thread thread = new Thread(r, "weaviate-merge");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> merges = new ArrayList<>();
            for (String id : new LinkedHashSet<>(chunkIds)) {
                merges.add(pool.submit(() -> merge(className, id, properties, vectors.get(id))));
            }
            for (Future<?> merge : merges) {
                merge.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SystemException("Interrupted while updating Weaviate objects", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new SystemException("could not update Weaviate objects", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Merges {@code properties} into object {@code id}, with {@code vector} when not null. */
    private void merge(String className, String id, Map<String, Object> properties, float[] vector) {
        HttpUrl url = endpoint.url("objects", className, id)
                .newBuilder()
                .addQueryParameter("consistency_level", consistencyLevel)
                .build();
        Answer answer = endpoint.send(
                endpoint.sync(), endpoint.patch(url, WeaviateJson.merge(className, id, properties, vector)));
        if (answer.code() == 404) {
            throw gone(className);
        }
        endpoint.require(answer, "update object " + id + " of class '" + className + "'");
    }

    private static TransientException gone(String className) {
        return new TransientException("a chunk of class '" + className + "' to move to the new generation is no"
                + " longer in Weaviate; the update is not acknowledged");
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
        return metric == DistanceMetric.IP ? 1 + weaviateDistance : weaviateDistance;
    }

    // ---- writes ---------------------------------------------------------------------------------

    /**
     * Sends {@code objects} until each is stored: objects that fail with a transient error are sent again
     * (alone, with backoff) within the bounds of {@code resends}, which the halves of a batch too large for
     * a proxy share; any other object error fails at once.
     */
    private void sendBatch(String className, List<byte[]> objects, ItemResends resends) {
        HttpUrl url = endpoint.url("batch", "objects")
                .newBuilder()
                .addQueryParameter("consistency_level", consistencyLevel)
                .build();
        List<byte[]> pending = objects;
        while (true) {
            List<byte[]> sent = pending;
            Answer answer =
                    resends.send(service -> endpoint.send(service, endpoint.post(url, WeaviateJson.batch(sent))));
            if (sentInHalves(answer, pending, half -> sendBatch(className, half, resends))) {
                return; // the halves share this write's resend bound
            }
            if (answer.code() == 413) {
                throw new ConfigException("Weaviate (or a proxy in front of it) refused one chunk as too large (HTTP"
                        + " 413); lower chunk_size or raise the proxy's body limit");
            }
            JsonNode results =
                    endpoint.require(answer, "write " + pending.size() + " objects to class '" + className + "'");
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
            ConnectorException error = objectErrors(className, pending.size(), messages, resends);
            Optional<Duration> wait = error instanceof TransientException ? resends.nextWait() : Optional.empty();
            if (wait.isEmpty()) {
                throw error;
            }
            pending = failed;
            resends.await(wait.get(), failed.size() + " objects");
        }
    }

    /**
     * A refusal of the object's shape: an undeclared property or a value of another type. Only these
     * phrases count, not any mention of a class or property: a shard or replication failure names its
     * class too, and is worth another attempt.
     */
    static boolean isSchemaMismatch(String lowerCaseMessage) {
        return lowerCaseMessage.contains("no such prop")
                || lowerCaseMessage.contains("data type")
                || lowerCaseMessage.contains("wrong type")
                || (lowerCaseMessage.contains("invalid") && lowerCaseMessage.contains("property"));
    }

    /**
     * The exception for objects Weaviate refused. Weaviate's messages may quote property values, so only
     * what they are about (a kind, and property names) goes into the exception.
     */
    private static ConnectorException objectErrors(
            String className, int sent, List<String> messages, ItemResends resends) {
        TreeSet<String> properties = new TreeSet<>();
        for (String message : messages) {
            Matcher property = PROPERTY_IN_MESSAGE.matcher(message);
            while (property.find()) {
                properties.add(property.group(1));
            }
        }
        String where = messages.size() + " of " + sent + " objects of class '" + className + "'";
        String about = properties.isEmpty() ? "" : " (properties " + String.join(", ", properties) + ")";
        // Every object is looked at: one that no retry can fix makes the whole write a config error.
        for (String message : messages) {
            String lower = message.toLowerCase(Locale.ROOT);
            if (lower.contains("vector length") || lower.contains("has a vector with length")) {
                return new ConfigException("Weaviate refused " + where + ": their vectors do not have the dimension"
                        + " of the vectors already in the class; use another class name or the embedding model the"
                        + " class was made with");
            }
            if (lower.contains("unauthorized") || lower.contains("forbidden") || lower.contains("permission")) {
                return new ConfigException("Weaviate refused " + where + " for lack of permission; give the"
                        + " credentials write access to the class");
            }
            if (isSchemaMismatch(lower)) {
                return new ConfigException("Weaviate refused " + where + " as not matching the class's schema"
                        + about + "; the class was changed outside vectorsink, so use another class name or fix"
                        + " the class");
            }
        }
        return new TransientException("Weaviate failed to store " + where + about + " (" + resends.summary()
                + "); the write is not acknowledged");
    }

    /**
     * Deletes what {@code where} matches, a server-capped number per call, until fewer than the cap match;
     * any failed object fails the delete.
     */
    private void deleteAll(String className, ObjectNode where, String action) {
        HttpUrl url = endpoint.url("batch", "objects")
                .newBuilder()
                .addQueryParameter("consistency_level", consistencyLevel)
                .build();
        byte[] body = WeaviateJson.batchDelete(className, where);
        while (true) {
            JsonNode results = endpoint.call(endpoint.delete(url, body), action).path("results");
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
        String name = state.name();
        List<QueryHit> hits = new ArrayList<>();
        for (JsonNode object : getObjects(
                name,
                WeaviateJson.search(name, vector, limit, where, state.selectable()),
                "query class '" + name + "'")) {
            JsonNode text = object.path(schema.textProperty());
            JsonNode additional = object.path("_additional");
            hits.add(new QueryHit(
                    additional.path("id").asText(),
                    distance(additional.path("distance").asDouble()),
                    StoreJson.textOrNull(text),
                    WeaviateValues.metadata(object, schema.textProperty())));
        }
        return hits;
    }

    /** The objects a GraphQL {@code Get} of class {@code name} answers; a GraphQL error fails the call. */
    private JsonNode getObjects(String name, byte[] body, String action) {
        JsonNode answer = endpoint.call(endpoint.post(endpoint.url("graphql"), body), action);
        JsonNode errors = answer.path("errors");
        if (errors.size() > 0) {
            throw new SystemException("Weaviate refused to " + action + ": "
                    + errors.path(0).path("message").asText(""));
        }
        return answer.path("data").path("Get").path(name);
    }

    /** Prepared once the schema is: the endpoint alone knows only that some class exists. */
    @Override
    protected boolean isPrepared() {
        return schema.prepared();
    }

    /** Reads {@code /v1/meta} with {@code service} and refuses a Weaviate older than {@link #MIN_VERSION}. */
    private void requireVersion(HttpService service) {
        JsonNode meta = endpoint.require(endpoint.send(service, endpoint.get(endpoint.url("meta"))), "read /v1/meta");
        String version = meta.path("version").asText("");
        Matcher parts = VERSION.matcher(version);
        if (!parts.find()) {
            throw new ConfigException(endpoint.shownUrl() + " does not answer /v1/meta like Weaviate (no version);"
                    + " check indexing.host");
        }
        int major = Integer.parseInt(parts.group(1));
        int minor = Integer.parseInt(parts.group(2));
        if (major < MIN_VERSION[0] || (major == MIN_VERSION[0] && minor < MIN_VERSION[1])) {
            throw new ConfigException("Weaviate at " + endpoint.shownUrl() + " is version " + version
                    + "; vectorsink needs " + MIN_VERSION[0] + "." + MIN_VERSION[1] + " or later (for ContainsAny"
                    + " filters)");
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
