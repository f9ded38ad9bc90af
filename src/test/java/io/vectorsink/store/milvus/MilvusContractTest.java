package io.vectorsink.store.milvus;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
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
import io.vectorsink.store.VectorStoreContract;
import io.vectorsink.testing.ApiDefinition;
import io.vectorsink.testing.ExchangeCheck;
import io.vectorsink.testing.FakeRetryTiming;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The store contract for Milvus, which cannot run here: the live backend is {@link MilvusFake} (Milvus's
 * documented REST API v2 and filter semantics behind WireMock); faults are WireMock stubs with Milvus's
 * documented answers, including HTTP 200 answers that carry an error code.
 */
class MilvusContractTest implements LookupContract, IndexModelContract, TypedValuesContract {
    /** A collection's description is set when it is created; REST v2 cannot change it later. */
    @Override
    public boolean recordsModelInExistingIndex() {
        return false;
    }

    static final String TOKEN = "root:Milvus-secret-9f";

    /**
     * The definition of the endpoints vectorsink uses, written from Milvus's Go source (Milvus publishes none;
     * files and commits in its header), which every exchange with the fake and the stubs must match.
     */
    static final ExchangeCheck API =
            ExchangeCheck.against("Milvus", ApiDefinition.load("vendor-api/milvus/rest-v2.yaml"));

    static MilvusFake fake;
    static WireMockServer server;

    @BeforeAll
    static void startFake() {
        fake = new MilvusFake(TOKEN);
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

    static MilvusVectorStore store(String url, String collection, String metric, RetryTiming timing) {
        return store(url, collection, metric, timing, new IndexingConfig.MilvusFields(null, null, null, null));
    }

    static MilvusVectorStore store(
            String url, String collection, String metric, RetryTiming timing, IndexingConfig.MilvusFields fields) {
        return new MilvusVectorStore(
                new IndexingConfig.Milvus(
                        url,
                        "default",
                        collection,
                        metric,
                        new IndexingConfig.MilvusAuth.UserPassword("root", "Milvus-secret-9f"),
                        fields),
                AdvancedConfig.defaults(),
                HttpClients.shared(),
                timing,
                RetrySettings.forService("Milvus", AdvancedConfig.defaults()));
    }

    @Override
    public String newCollection() {
        return "contract_" + UUID.randomUUID().toString().replace('-', '_');
    }

    /** The layout the contract runs in: Milvus's defaults here, nested metadata in a subclass. */
    IndexingConfig.MilvusFields fields() {
        return new IndexingConfig.MilvusFields(null, null, null, null);
    }

    @Override
    public VectorStore newStore(String collection, String metric) {
        return store(server.baseUrl(), collection, metric, new FakeRetryTiming().timing(), fields());
    }

    @Override
    public List<StoredChunk> readAll(String collection) {
        return fake.rows("default/" + collection, fields().textField(), fields().metadataField());
    }

    @Override
    public boolean collectionExists(String collection) {
        return fake.exists("default/" + collection);
    }

    @Override
    public VectorStore storeAt(String baseUrl, String collection, RetryTiming timing) {
        return store(baseUrl, collection, "cosine", timing);
    }

    static String description(String collection, int dim, String metric) {
        return "{\"code\":0,\"data\":{\"aliases\":[],\"autoId\":false,\"collectionID\":448707763883002014,"
                + "\"collectionName\":\"" + collection + "\",\"consistencyLevel\":\"Bounded\",\"description\":\"\","
                + "\"enableDynamicField\":true,\"fields\":[{\"autoId\":false,\"description\":\"\",\"id\":100,"
                + "\"name\":\"id\",\"params\":[{\"key\":\"max_length\",\"value\":\"64\"}],\"partitionKey\":false,"
                + "\"primaryKey\":true,\"type\":\"VarChar\"},{\"autoId\":false,\"description\":\"\",\"id\":101,"
                + "\"name\":\"vector\",\"params\":[{\"key\":\"dim\",\"value\":\"" + dim + "\"}],\"partitionKey\":false,"
                + "\"primaryKey\":false,\"type\":\"FloatVector\"}],\"indexes\":[{\"fieldName\":\"vector\","
                + "\"indexName\":\"vector\",\"metricType\":\"" + metric + "\"}],\"load\":\"LoadStateLoaded\","
                + "\"partitionsNum\":1,\"properties\":[],\"shardsNum\":1}}";
    }

    @Override
    public void stubHealthyEmptyCollection(WireMockServer wireMock, String collection) {
        wireMock.stubFor(
                post("/v2/vectordb/collections/describe").willReturn(okJson(description(collection, 3, "COSINE"))));
        wireMock.stubFor(upsertStub(collection).willReturn(aResponse().withTransformers(UPSERT_ANSWERS)));
        wireMock.stubFor(
                post("/v2/vectordb/entities/delete").willReturn(okJson("{\"code\":0,\"cost\":0,\"data\":{}}")));
    }

    @Override
    public MappingBuilder upsertStub(String collection) {
        return post(urlPathEqualTo("/v2/vectordb/entities/upsert"));
    }

    @Override
    public RequestPatternBuilder upsertRequests(String collection) {
        return postRequestedFor(urlPathEqualTo("/v2/vectordb/entities/upsert"));
    }

    @Override
    public int pointsIn(LoggedRequest upsert) {
        return countIn(upsert.getBodyAsString());
    }

    private static int countIn(String body) {
        try {
            return body.isEmpty() ? 0 : Json.MAPPER.readTree(body).path("data").size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int maxPointsPerUpsert() {
        return MilvusVectorStore.MAX_ROWS_PER_UPSERT;
    }

    @Override
    public long maxUpsertBytes() {
        return MilvusVectorStore.MAX_UPSERT_BYTES;
    }

    @Override
    public String successfulUpsertAnswer(String requestBody) {
        return "{\"code\":0,\"cost\":0,\"data\":{\"upsertCount\":" + countIn(requestBody) + ",\"upsertIds\":[]}}";
    }

    @Override
    public Optional<String> unconfirmedUpsertAnswer(String requestBody) {
        return Optional.of("{\"code\":0,\"cost\":0,\"data\":{\"upsertCount\":" + Math.max(0, countIn(requestBody) - 1)
                + ",\"upsertIds\":[]}}");
    }

    /** A row's text and metadata share Milvus's 64 KiB dynamic field, so the byte test uses chunks that fit. */
    @Test
    @Override
    public void should_split_upserts_at_the_byte_limit() {
        withWireMock(wireMock -> {
            String collection = newCollection();
            stubHealthyEmptyCollection(wireMock, collection);
            VectorStore store = storeAt(wireMock.baseUrl(), collection, new FakeRetryTiming().timing());
            store.prepare(3);
            String text = "x".repeat(60 * 1024);
            int count = (int) (2 * maxUpsertBytes() / text.length()) + 1;
            List<ChunkPoint> points = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ChunkPoint base = VectorStoreContract.chunk(STREAM, "r" + i, 0, 1, SYNC, 1, i, 0);
                points.add(new ChunkPoint(base.id(), base.vector(), text, base.metadata()));
            }

            store.upsert(points);

            List<LoggedRequest> upserts = wireMock.findAll(upsertRequests(collection));
            assertThat(upserts).hasSizeGreaterThanOrEqualTo(3);
            assertThat(upserts)
                    .allSatisfy(r -> assertThat((long) r.getBody().length).isLessThanOrEqualTo(maxUpsertBytes()));
            assertThat(upserts.stream().mapToInt(this::pointsIn).sum()).isEqualTo(count);
        });
    }

    // ---- Milvus's own request shapes and answers ----------------------------------------------------

    @Test
    void should_write_trim_and_query_on_a_milvus_2_4_that_answers_success_with_code_200() {
        MilvusFake early = new MilvusFake(TOKEN, 200);
        WireMockServer earlyServer = new WireMockServer(
                wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(early, API));
        earlyServer.start();
        try {
            earlyServer.stubFor(any(anyUrl()).willReturn(aResponse()));
            String collection = newCollection();
            VectorStore store = store(earlyServer.baseUrl(), collection, "cosine", new FakeRetryTiming().timing());
            store.check(3);
            store.prepare(3);

            store.upsert(VectorStoreContract.record("r1", 3, "v1"));
            store.deleteChunks(List.of(new VectorStore.RecordTrim(STREAM, "r1", 1)));

            assertThat(early.rows("default/" + collection)).hasSize(1);
            assertThat(store.query(new float[] {1, 1, 0}, 5, STREAM)).hasSize(1);
        } finally {
            earlyServer.stop();
        }
    }

    @Test
    void should_fail_on_code_200_with_a_message_which_is_partition_not_found() {
        withWireMock(wireMock -> {
            String collection = newCollection();
            stubHealthyEmptyCollection(wireMock, collection);
            wireMock.stubFor(upsertStub(collection)
                    .atPriority(1)
                    .willReturn(okJson("{\"code\":200,\"message\":\"partition not found[partition=_default]\"}")));
            VectorStore store = storeAt(wireMock.baseUrl(), collection, new FakeRetryTiming().timing());
            store.prepare(3);

            assertThatThrownBy(() -> store.upsert(VectorStoreContract.record("r1", 1, "v1")))
                    .isInstanceOf(SystemException.class)
                    .hasMessageContaining("code 200");
        });
    }

    /** The create request of a collection with metric IP, {@code extraFields} after the key and the vector. */
    static String createBody(String collection, String extraFields) {
        return "{\"dbName\":\"default\",\"collectionName\":\"" + collection + "\","
                + "\"schema\":{\"autoID\":false,\"enableDynamicField\":true,\"fields\":["
                + "{\"fieldName\":\"id\",\"dataType\":\"VarChar\",\"isPrimary\":true,"
                + "\"elementTypeParams\":{\"max_length\":64}},"
                + "{\"fieldName\":\"vector\",\"dataType\":\"FloatVector\",\"elementTypeParams\":{\"dim\":3}}"
                + extraFields + "]},"
                + "\"indexParams\":[{\"fieldName\":\"vector\",\"indexName\":\"vector\",\"metricType\":\"IP\","
                + "\"params\":{\"index_type\":\"AUTOINDEX\"}}],\"params\":{\"consistencyLevel\":\"Strong\"}}";
    }

    @Test
    void should_create_a_collection_with_a_varchar_key_a_float_vector_and_dynamic_fields() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "ip");

        store.check(3);
        assertThat(collectionExists(collection)).isFalse();
        store.prepare(3);

        server.verify(postRequestedFor(urlEqualTo("/v2/vectordb/collections/create"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson(createBody(collection, ""))));
    }

    @Test
    void should_delete_by_filter_expressions_with_quoted_literals() {
        withWireMock(wireMock -> {
            String collection = newCollection();
            stubHealthyEmptyCollection(wireMock, collection);
            VectorStore store = storeAt(wireMock.baseUrl(), collection, new FakeRetryTiming().timing());
            store.prepare(3);

            store.deleteChunks(List.of(new VectorStore.RecordTrim(STREAM, "[\"a\\\"b\"]", 2)));

            wireMock.verify(postRequestedFor(urlEqualTo("/v2/vectordb/entities/delete"))
                    .withRequestBody(equalToJson("{\"dbName\":\"default\",\"collectionName\":\"" + collection + "\","
                            + "\"filter\":\"_ab_record_id in [\\\"[\\\\\\\"a\\\\\\\\\\\\\\\"b\\\\\\\"]\\\"] and"
                            + " _ab_chunk_index >= 2\"}")));
        });
    }

    @ParameterizedTest
    @CsvSource({"1400,not authenticated", "1401,privilege not permitted", "1800,user hasn't authenticated"})
    void should_fail_with_a_config_error_when_a_200_answer_carries_an_authentication_code(int code, String message) {
        withWireMock(wireMock -> {
            wireMock.stubFor(
                    any(anyUrl()).willReturn(okJson("{\"code\":" + code + ",\"message\":\"" + message + "\"}")));
            FakeRetryTiming clock = new FakeRetryTiming();
            VectorStore store = storeAt(wireMock.baseUrl(), newCollection(), clock.timing());

            assertThatThrownBy(() -> store.check(3))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("credentials")
                    .hasMessageContaining("code " + code)
                    .hasMessageNotContaining("Milvus-secret-9f");
            assertThat(clock.sleeps()).isEmpty();
        });
    }

    @Test
    void should_fail_at_once_as_a_system_error_when_milvus_refuses_the_request_format() {
        withWireMock(wireMock -> {
            String collection = newCollection();
            stubHealthyEmptyCollection(wireMock, collection);
            wireMock.stubFor(upsertStub(collection)
                    .atPriority(1)
                    .willReturn(okJson("{\"code\":1801,\"message\":\"can only accept json format request\"}")));
            FakeRetryTiming clock = new FakeRetryTiming();
            VectorStore store = storeAt(wireMock.baseUrl(), collection, clock.timing());
            store.prepare(3);

            assertThatThrownBy(() -> store.upsert(VectorStoreContract.record("r1", 2, "v1")))
                    .isInstanceOf(SystemException.class)
                    .hasMessageContaining("code 1801")
                    .hasMessageNotContaining("credentials");
            assertThat(clock.sleeps()).isEmpty();
        });
    }

    @ParameterizedTest
    @CsvSource({
        "1,service not ready",
        "8,rate limit exceeded[rate=0.1]",
        "12,service resource insufficient",
        "1807,request is rejected by limiter"
    })
    void should_retry_a_200_answer_with_a_retriable_code_then_acknowledge(int code, String message) {
        withWireMock(wireMock -> {
            String collection = newCollection();
            stubHealthyEmptyCollection(wireMock, collection);
            wireMock.stubFor(upsertStub(collection)
                    .atPriority(1)
                    .inScenario("limited")
                    .whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(okJson("{\"code\":" + code + ",\"message\":\"" + message + "\"}"))
                    .willSetStateTo("ok"));
            FakeRetryTiming clock = new FakeRetryTiming();
            VectorStore store = storeAt(wireMock.baseUrl(), collection, clock.timing());
            store.prepare(3);

            store.upsert(VectorStoreContract.record("r1", 2, "v1"));

            assertThat(wireMock.findAll(upsertRequests(collection))).hasSize(2);
            assertThat(clock.sleeps()).hasSize(1);
        });
    }

    @Test
    void should_fail_transiently_when_milvus_stays_rate_limited() {
        withWireMock(wireMock -> {
            String collection = newCollection();
            stubHealthyEmptyCollection(wireMock, collection);
            wireMock.stubFor(upsertStub(collection)
                    .atPriority(1)
                    .willReturn(okJson("{\"code\":8,\"message\":\"rate limit exceeded[rate=0.1]\"}")));
            VectorStore store = storeAt(wireMock.baseUrl(), collection, new FakeRetryTiming().timing());
            store.prepare(3);

            assertThatThrownBy(() -> store.upsert(VectorStoreContract.record("r1", 2, "v1")))
                    .isInstanceOf(TransientException.class);
        });
    }

    @Test
    void should_refuse_a_collection_without_dynamic_fields() {
        withWireMock(wireMock -> {
            String collection = newCollection();
            wireMock.stubFor(post("/v2/vectordb/collections/describe")
                    .willReturn(okJson(description(collection, 3, "COSINE")
                            .replace("\"enableDynamicField\":true", "\"enableDynamicField\":false"))));
            VectorStore store = storeAt(wireMock.baseUrl(), collection, new FakeRetryTiming().timing());

            assertThatThrownBy(() -> store.check(3))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("dynamic fields");
        });
    }

    // ---- lookups and consistency ----------------------------------------------------------------------

    /** A record written, then changed, then sent again as first written: the lookup must show the change. */
    @Test
    void should_never_show_a_hash_older_than_the_last_acknowledged_write_when_reads_lag() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        store.upsert(List.of(LookupContract.hashed(STREAM, "r1", 0, 1, 1, "sync-a")));
        fake.lagReads("default/" + collection);
        ChunkPoint changed = LookupContract.hashed(STREAM, "r1", 0, 1, 2, "sync-b");
        java.util.Map<String, Object> metadata = new java.util.LinkedHashMap<>(changed.metadata());
        metadata.put(ChunkFields.RECORD_HASH, "r-B");
        store.upsert(List.of(new ChunkPoint(changed.id(), changed.vector(), "B", metadata)));

        for (boolean honoured : List.of(true, false)) {
            fake.requestLevelHonoured(honoured);
            try {
                assertThat(store.lookup(STREAM, List.of("r1")).get("r1"))
                        .extracting(KnownChunk::recordHash)
                        .containsExactly("r-B");
            } finally {
                fake.requestLevelHonoured(true);
            }
        }
        server.verify(postRequestedFor(urlEqualTo("/v2/vectordb/entities/query"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                        "$.consistencyLevel", equalTo("Strong"))));
    }

    /**
     * A collection another client made with Bounded consistency, on a Milvus that ignores a query's own level:
     * its reads may lag, so the store looks nothing up (everything is embedded) and says so in check.
     */
    @Test
    void should_look_nothing_up_in_a_collection_that_does_not_read_strong() {
        String collection = newCollection();
        com.fasterxml.jackson.databind.node.ObjectNode create = Json.MAPPER.createObjectNode();
        create.put("collectionName", collection);
        com.fasterxml.jackson.databind.node.ObjectNode schema = create.putObject("schema");
        schema.put("enableDynamicField", true);
        com.fasterxml.jackson.databind.node.ArrayNode fields = schema.putArray("fields");
        fields.addObject()
                .put("fieldName", "id")
                .put("dataType", "VarChar")
                .put("isPrimary", true)
                .putObject("elementTypeParams")
                .put("max_length", 64);
        fields.addObject()
                .put("fieldName", "vector")
                .put("dataType", "FloatVector")
                .putObject("elementTypeParams")
                .put("dim", 3);
        create.putArray("indexParams").addObject().put("fieldName", "vector").put("metricType", "COSINE");
        create.putObject("params").put("consistencyLevel", "Bounded");
        fake.create("default", create);
        VectorStore store = store(server.baseUrl(), collection, "cosine", new FakeRetryTiming().timing());
        store.check(3);
        assertThat(store.checkNotes())
                .singleElement()
                .asString()
                .contains("Bounded")
                .contains("embeds every record");
        store.prepare(3);
        store.upsert(List.of(LookupContract.hashed(STREAM, "r1", 0, 1, 1, "sync-a")));
        fake.lagReads("default/" + collection);
        fake.requestLevelHonoured(false);
        try {
            assertThat(store.lookup(STREAM, List.of("r1"))).isEmpty();
        } finally {
            fake.requestLevelHonoured(true);
        }
    }

    @Test
    void should_split_a_lookup_that_would_page_past_milvus_query_window() {
        String collection = newCollection();
        VectorStore store = store(server.baseUrl(), collection, "cosine", new FakeRetryTiming().timing());
        store.prepare(3);
        List<ChunkPoint> points = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int r = 0; r < 450; r++) {
            ids.add("big" + r);
            points.addAll(LookupContract.hashedRecord(STREAM, "big" + r, 40));
        }
        store.upsert(points);

        assertThat(store.lookup(STREAM, ids).values().stream()
                        .mapToInt(List::size)
                        .sum())
                .isEqualTo(450 * 40);
        assertThat(store.checkNotes()).isEmpty();
    }

    // ---- existing collections laid out by the readers ------------------------------------------------

    /** A {@code collections/create} body as a reader's client sends it. */
    static com.fasterxml.jackson.databind.node.ObjectNode readerCollection(
            String collection, String key, String vector, boolean dynamic, String... jsonFields) {
        com.fasterxml.jackson.databind.node.ObjectNode create = Json.MAPPER.createObjectNode();
        create.put("collectionName", collection);
        com.fasterxml.jackson.databind.node.ObjectNode schema = create.putObject("schema");
        schema.put("enableDynamicField", dynamic);
        com.fasterxml.jackson.databind.node.ArrayNode fields = schema.putArray("fields");
        fields.addObject()
                .put("fieldName", key)
                .put("dataType", "VarChar")
                .put("isPrimary", true)
                .putObject("elementTypeParams")
                .put("max_length", 65535);
        fields.addObject()
                .put("fieldName", "text")
                .put("dataType", "VarChar")
                .putObject("elementTypeParams")
                .put("max_length", 65535);
        for (String json : jsonFields) {
            fields.addObject().put("fieldName", json).put("dataType", "JSON");
        }
        fields.addObject()
                .put("fieldName", vector)
                .put("dataType", "FloatVector")
                .putObject("elementTypeParams")
                .put("dim", 3);
        create.putArray("indexParams").addObject().put("fieldName", vector).put("metricType", "COSINE");
        create.putObject("params").put("consistencyLevel", "Strong");
        return create;
    }

    @Test
    void should_refuse_langchains_pk_collection_naming_primary_field_then_write_it_when_set() {
        String collection = newCollection();
        fake.create("default", readerCollection(collection, "pk", "vector", true));

        assertThatThrownBy(() -> store(server.baseUrl(), collection, "cosine", new FakeRetryTiming().timing())
                        .check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("indexing.primary_field to pk");
        VectorStore store = store(
                server.baseUrl(),
                collection,
                "cosine",
                new FakeRetryTiming().timing(),
                new IndexingConfig.MilvusFields(null, null, "pk", null));
        store.check(3);
        store.prepare(3);
        store.upsert(LookupContract.hashedRecord(STREAM, "r1", 2));
        assertThat(store.lookup(STREAM, List.of("r1")).get("r1")).hasSize(2);
        assertThat(fake.rows("default/" + collection)).hasSize(2);
    }

    @Test
    void should_name_vector_field_for_a_llamaindex_collection() {
        String collection = newCollection();
        fake.create("default", readerCollection(collection, "id", "embedding", true));

        assertThatThrownBy(() -> store(server.baseUrl(), collection, "cosine", new FakeRetryTiming().timing())
                        .check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("indexing.vector_field to embedding");
    }

    @Test
    void should_refuse_langchain4js_json_metadata_collection_naming_metadata_field_then_write_nested() {
        String collection = newCollection();
        fake.create("default", readerCollection(collection, "id", "vector", false, "metadata"));

        assertThatThrownBy(() -> store(server.baseUrl(), collection, "cosine", new FakeRetryTiming().timing())
                        .check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("indexing.metadata_field to metadata");
        VectorStore store = store(
                server.baseUrl(),
                collection,
                "cosine",
                new FakeRetryTiming().timing(),
                new IndexingConfig.MilvusFields(null, null, null, "metadata"));
        store.check(3);
        store.prepare(3);
        store.upsert(LookupContract.hashedRecord(STREAM, "r1", 3));
        store.deleteChunks(List.of(new VectorStore.RecordTrim(STREAM, "r1", 2)));

        List<StoredChunk> rows = fake.rows("default/" + collection, "text", "metadata");
        assertThat(rows).hasSize(2).allSatisfy(row -> assertThat(row.metadata())
                .containsEntry(ChunkFields.RECORD_ID, "r1")
                .containsEntry("title", "t r1"));
        assertThat(store.lookup(STREAM, List.of("r1")).get("r1")).hasSize(2);
        assertThat(store.query(new float[] {1, 0, 0}, 5, STREAM))
                .allSatisfy(hit -> assertThat(hit.metadata()).containsEntry(ChunkFields.RECORD_ID, "r1"));
    }
}
