package io.vectorsink.store.weaviate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.protocol.Json;
import io.vectorsink.store.ChunkFields;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.IndexModelContract;
import io.vectorsink.store.KnownChunk;
import io.vectorsink.store.LookupContract;
import io.vectorsink.store.StoredChunk;
import io.vectorsink.store.TypedValuesContract;
import io.vectorsink.store.VectorStore;
import io.vectorsink.testing.ApiDefinition;
import io.vectorsink.testing.ExchangeCheck;
import io.vectorsink.testing.FakeRetryTiming;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The store contract for Weaviate, which cannot run on this machine: the live backend is
 * {@link WeaviateFake} (Weaviate's documented REST API and filter semantics behind WireMock), the faults are
 * plain WireMock stubs with Weaviate's documented answers. Weaviate's own behaviour is in
 * {@link WeaviateVectorStoreTest}.
 */
class WeaviateContractTest implements LookupContract, IndexModelContract, TypedValuesContract {
    static final String KEY = "weaviate-key-5c1e07";

    /**
     * Weaviate's own Swagger definition, which every exchange with the fake and the stubs must match (its
     * {@code basePath} is {@code /v1}), read as written: it composes batch results with {@code allOf} and
     * leaves {@code vectorIndexConfig} free-form.
     */
    static final ExchangeCheck API =
            ExchangeCheck.under("Weaviate", "/v1", ApiDefinition.loadAsWritten("vendor-api/weaviate/schema.json"));

    private static WeaviateFake fake;
    private static WireMockServer server;

    @BeforeAll
    static void startFake() {
        fake = new WeaviateFake(null, 10_000);
        server = new WireMockServer(
                wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(fake, API));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse()));
    }

    @AfterAll
    static void stopFake() {
        server.stop();
        System.out.println(API.summary());
    }

    @Override
    public Optional<ExchangeCheck> exchangeCheck() {
        return Optional.of(API);
    }

    static WeaviateVectorStore store(IndexingConfig.Weaviate config, RetryTiming timing) {
        return new WeaviateVectorStore(
                config,
                AdvancedConfig.defaults(),
                HttpClients.shared(),
                timing,
                RetrySettings.forService("Weaviate", AdvancedConfig.defaults()));
    }

    static IndexingConfig.Weaviate config(String url, String className, String metric, String key) {
        return new IndexingConfig.Weaviate(
                url,
                new IndexingConfig.WeaviateLayout.SingleClass(className),
                metric,
                null,
                key == null ? null : new IndexingConfig.WeaviateAuth.ApiKey(key),
                null);
    }

    @Override
    public String newCollection() {
        return "Contract_" + UUID.randomUUID().toString().replace("-", "");
    }

    @Override
    public VectorStore newStore(String collection, String metric) {
        return store(config(server.baseUrl(), collection, metric, null), new FakeRetryTiming().timing());
    }

    @Override
    public List<StoredChunk> readAll(String collection) {
        return fake.objects(collection);
    }

    @Override
    public boolean collectionExists(String collection) {
        return fake.exists(collection);
    }

    @Override
    public VectorStore storeAt(String baseUrl, String collection, RetryTiming timing) {
        return store(config(baseUrl, collection, "cosine", KEY), timing);
    }

    static final String META = "{\"hostname\":\"http://[::]:8080\",\"version\":\"1.25.4\",\"modules\":{}}";

    /** {@code GET /v1/schema/{class}} of a class vectorsink created, as Weaviate returns it. */
    static String classDefinition(String className, String distance) {
        try {
            ObjectNode cls = (ObjectNode) Json.MAPPER.readTree(WeaviateJson.createClass(className, distance));
            cls.putObject("replicationConfig").put("factor", 1);
            cls.put("vectorIndexType", "hnsw");
            return cls.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final String NOTHING_DELETED = "{\"match\":{},\"output\":\"minimal\",\"dryRun\":false,"
            + "\"results\":{\"matches\":0,\"limit\":10000,\"successful\":0,\"failed\":0,\"objects\":null}}";

    @Override
    public void stubHealthyEmptyCollection(WireMockServer wireMock, String collection) {
        wireMock.stubFor(get("/v1/meta").willReturn(okJson(META)));
        wireMock.stubFor(get("/v1/schema/" + collection).willReturn(okJson(classDefinition(collection, "cosine"))));
        wireMock.stubFor(get(urlPathEqualTo("/v1/objects")).willReturn(okJson("{\"objects\":[],\"totalResults\":0}")));
        wireMock.stubFor(upsertStub(collection).willReturn(aResponse().withTransformers(UPSERT_ANSWERS)));
        wireMock.stubFor(delete(urlPathEqualTo("/v1/batch/objects")).willReturn(okJson(NOTHING_DELETED)));
    }

    @Override
    public MappingBuilder upsertStub(String collection) {
        return post(urlPathEqualTo("/v1/batch/objects"));
    }

    @Override
    public RequestPatternBuilder upsertRequests(String collection) {
        return postRequestedFor(urlPathEqualTo("/v1/batch/objects"));
    }

    @Override
    public int pointsIn(LoggedRequest upsert) {
        try {
            return Json.MAPPER.readTree(upsert.getBody()).path("objects").size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int maxPointsPerUpsert() {
        return WeaviateVectorStore.MAX_OBJECTS_PER_BATCH;
    }

    @Override
    public long maxUpsertBytes() {
        return WeaviateVectorStore.MAX_BATCH_BYTES;
    }

    @Override
    public String successfulUpsertAnswer(String requestBody) {
        return answer(requestBody, null);
    }

    @Override
    public Optional<String> unconfirmedUpsertAnswer(String requestBody) {
        // Weaviate answers 200 to a batch whose objects failed, with the reason in each result.errors.
        return Optional.of(answer(requestBody, "store is read-only"));
    }

    /** The batch answer: each object echoed with its {@code result}, the first with {@code error} if given. */
    static String answer(String requestBody, String error) {
        ArrayNode results = Json.MAPPER.createArrayNode();
        if (requestBody.isBlank()) {
            return results.toString();
        }
        try {
            for (JsonNode object : Json.MAPPER.readTree(requestBody).path("objects")) {
                ObjectNode result = results.addObject();
                result.put("class", object.path("class").asText());
                result.put("id", object.path("id").asText());
                result.set("properties", object.path("properties"));
                ObjectNode outcome = result.putObject("result");
                if (error != null && results.size() == 1) {
                    outcome.putObject("errors").putArray("error").addObject().put("message", error);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return results.toString();
    }

    // ---- lookups on a replicated class ----------------------------------------------------------------

    /**
     * A record written, then changed while some replicas lag behind the writes, then looked up: at every
     * write consistency level the lookup reads enough replicas (r + w > n) to see the change, never the hash
     * before it. The fake answers a query with a lower level from the lagging replicas.
     */
    @ParameterizedTest
    @CsvSource({"ONE,ALL", "QUORUM,QUORUM", "ALL,ONE"})
    void should_read_enough_replicas_to_see_every_acknowledged_write(String writeLevel, String readLevel) {
        String collection = newCollection();
        VectorStore store = store(
                new IndexingConfig.Weaviate(
                        server.baseUrl(),
                        new IndexingConfig.WeaviateLayout.SingleClass(collection),
                        "cosine",
                        writeLevel,
                        null,
                        null),
                new FakeRetryTiming().timing());
        store.prepare(3);
        store.upsert(List.of(LookupContract.hashed(STREAM, "r1", 0, 1, 1, "sync-a")));
        fake.lagReplicas(collection);
        ChunkPoint changed = LookupContract.hashed(STREAM, "r1", 0, 1, 2, "sync-b");
        java.util.Map<String, Object> metadata = new java.util.LinkedHashMap<>(changed.metadata());
        metadata.put(ChunkFields.RECORD_HASH, "r-B");
        store.upsert(List.of(new ChunkPoint(changed.id(), changed.vector(), "B", metadata)));

        assertThat(store.lookup(STREAM, List.of("r1")).get("r1"))
                .extracting(KnownChunk::recordHash)
                .containsExactly("r-B");
        server.verify(postRequestedFor(urlPathEqualTo("/v1/graphql"))
                .withRequestBody(
                        com.github.tomakehurst.wiremock.client.WireMock.containing("consistencyLevel: " + readLevel)));
    }

    @Test
    void should_page_a_lookup_within_the_query_maximum_results() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        List<ChunkPoint> points = new java.util.ArrayList<>();
        List<String> ids = new java.util.ArrayList<>();
        for (int r = 0; r < 250; r++) {
            ids.add("big" + r);
            points.addAll(LookupContract.hashedRecord(STREAM, "big" + r, 45));
        }
        store.upsert(points);

        assertThat(store.lookup(STREAM, ids).values().stream()
                        .mapToInt(List::size)
                        .sum())
                .isEqualTo(250 * 45);
    }

    // ---- merges in a class with a vectorizer module ---------------------------------------------------

    /**
     * A class with a vectorizer module (made with a server's default module, or by a tool that lets
     * Weaviate vectorize): Weaviate's merge vectorizes the object again when a text property such as
     * {@code _ab_sync_id} changes and the merge carries no vector, so moving chunks to a new generation
     * must send their stored vectors, and the vectors stay vectorsink's.
     */
    @Test
    void should_keep_the_vectors_when_moving_chunks_of_a_class_with_a_vectorizer_module() {
        String collection = newCollection();
        fake.vectorizedClass(collection, "text2vec-openai");
        VectorStore store = newStore(collection, "cosine");
        store.check(3);
        store.prepare(3);
        List<ChunkPoint> points = LookupContract.hashedRecord(STREAM, "r1", 2);
        store.upsert(points);
        store.lookup(STREAM, List.of("r1"));

        store.updateOwnFields(
                STREAM,
                points.stream().map(ChunkPoint::id).toList(),
                java.util.Map.of(ChunkFields.GENERATION_ID, 2L, ChunkFields.SYNC_ID, "sync-2"));

        java.util.Map<String, float[]> stored =
                store.storedVectors(STREAM, points.stream().map(ChunkPoint::id).toList());
        for (ChunkPoint point : points) {
            assertThat(stored.get(point.id()))
                    .containsExactly(point.vector(), org.assertj.core.data.Offset.offset(1e-6f));
        }
        assertThat(store.lookup(STREAM, List.of("r1")).get("r1"))
                .extracting(KnownChunk::syncId)
                .containsOnly("sync-2");
    }

    /** A class with vectorizer {@code none} keeps the vector on a merge: no vector is read or sent. */
    @Test
    void should_merge_without_a_vector_in_a_class_without_a_vectorizer() throws IOException {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        List<ChunkPoint> points = LookupContract.hashedRecord(STREAM, "r1", 1);
        store.upsert(points);
        store.lookup(STREAM, List.of("r1"));

        store.updateOwnFields(STREAM, List.of(points.get(0).id()), java.util.Map.of(ChunkFields.SYNC_ID, "sync-2"));

        List<LoggedRequest> merges = server.findAll(RequestPatternBuilder.newRequestPattern(
                com.github.tomakehurst.wiremock.http.RequestMethod.PATCH,
                urlPathEqualTo("/v1/objects/" + collection + "/" + points.get(0).id())));
        assertThat(merges).hasSize(1);
        assertThat(Json.MAPPER.readTree(merges.get(0).getBody()).has("vector")).isFalse();
    }

    // ---- the text property --------------------------------------------------------------------------

    /** A class whose texts are in {@code content} (LangChain's text_key, LlamaIndex's text_key). */
    @Test
    void should_name_text_field_for_a_class_with_its_text_elsewhere_then_write_there() {
        String collection = newCollection();
        fake.userClass(collection, true, "content", "source");
        IndexingConfig.Weaviate defaults = config(server.baseUrl(), collection, "cosine", null);

        assertThatThrownBy(() -> store(defaults, new FakeRetryTiming().timing()).check(3))
                .isInstanceOf(io.vectorsink.error.ConfigException.class)
                .hasMessageContaining("set indexing.text_field to one of them")
                .hasMessageContaining("content, source");
        VectorStore store = store(
                new IndexingConfig.Weaviate(
                        server.baseUrl(),
                        new IndexingConfig.WeaviateLayout.SingleClass(collection),
                        "cosine",
                        null,
                        null,
                        null,
                        "content"),
                new FakeRetryTiming().timing());
        store.check(3);
        store.prepare(3);
        store.upsert(LookupContract.hashedRecord(STREAM, "r1", 2));

        assertThat(fake.objects(collection, "content"))
                .extracting(StoredChunk::document)
                .containsExactlyInAnyOrder("r1 chunk 0", "r1 chunk 1");
        assertThat(fake.property(collection, "text")).isNull();
        assertThat(store.query(new float[] {1, 0, 0}, 1, STREAM).get(0).document())
                .startsWith("r1 chunk");
        assertThat(store.lookup(STREAM, List.of("r1")).get("r1")).hasSize(2);
    }

    @Test
    void should_refuse_a_text_field_that_is_not_a_weaviate_property_name() {
        assertThatThrownBy(() -> new IndexingConfig.Weaviate(
                        "http://127.0.0.1:1",
                        new IndexingConfig.WeaviateLayout.SingleClass("A"),
                        null,
                        null,
                        null,
                        null,
                        "_ab_record_id"))
                .isInstanceOf(io.vectorsink.error.ConfigException.class)
                .hasMessageContaining("text_field");
    }
}
