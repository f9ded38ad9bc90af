package io.vectorsink.store.pinecone;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.Secrets;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.protocol.Json;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkFields;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.IndexModelContract;
import io.vectorsink.store.KnownChunk;
import io.vectorsink.store.LookupContract;
import io.vectorsink.store.PointIds;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.StoredChunk;
import io.vectorsink.store.TypedValuesContract;
import io.vectorsink.store.VectorStore;
import io.vectorsink.store.VectorStore.RecordTrim;
import io.vectorsink.store.VectorStoreContract;
import io.vectorsink.testing.ExchangeCheck;
import io.vectorsink.testing.FakeRetryTiming;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract for Pinecone, which cannot run here: the live backend is {@link PineconeFake} (both
 * planes of Pinecone's documented REST API behind WireMock) answering deletes by filter as serverless
 * indexes did before 2025, so every semantic test runs the list-by-prefix fallback; a second fake that
 * accepts filter deletes covers that path. Faults are WireMock stubs with Pinecone's documented answers.
 * Pinecone never creates indexes, so the live backend's {@link #newStore} creates the index in the fake, as
 * its owner would in Pinecone's console.
 */
class PineconeContractTest implements LookupContract, IndexModelContract, TypedValuesContract {
    private static final String KEY = "pcsk_test_5f2a9c";

    /**
     * Pinecone's own OpenAPI definitions, which every exchange with the fakes and the stubs must match: the
     * data plane's under {@code /data/{index}} (where the fakes serve an index's host), the control plane's
     * everywhere else.
     */
    static final ExchangeCheck API = ExchangeCheck.routed("Pinecone", new PineconePlanes()::route);

    private static PineconeFake fake;
    private static WireMockServer server;
    private static PineconeFake filtering;
    private static WireMockServer filteringServer;

    @BeforeAll
    static void startFakes() {
        fake = new PineconeFake(KEY, true);
        server = start(fake);
        filtering = new PineconeFake(KEY, false);
        filteringServer = start(filtering);
    }

    private static WireMockServer start(PineconeFake backend) {
        WireMockServer started = new WireMockServer(
                wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(backend, API));
        started.start();
        backend.setPort(started.port());
        started.stubFor(any(anyUrl()).willReturn(aResponse()));
        return started;
    }

    @AfterAll
    static void stopFakes() {
        server.stop();
        filteringServer.stop();
        System.out.println(API.summary());
    }

    @Override
    public Optional<ExchangeCheck> exchangeCheck() {
        return Optional.of(API);
    }

    static PineconeVectorStore store(
            String controlPlane,
            String index,
            String namespace,
            boolean streamNamespaces,
            String metric,
            RetryTiming t) {
        return new PineconeVectorStore(
                new IndexingConfig.Pinecone(KEY, index, namespace, streamNamespaces, metric),
                AdvancedConfig.defaults(),
                controlPlane,
                HttpClients.shared(),
                t,
                RetrySettings.forService("Pinecone", AdvancedConfig.defaults()));
    }

    static String pineconeMetric(String metric) {
        return switch (metric) {
            case "l2" -> "euclidean";
            case "ip" -> "dotproduct";
            default -> "cosine";
        };
    }

    @Override
    public String newCollection() {
        // Pinecone index names: at most 45 of a-z 0-9 -.
        return "contract-" + UUID.randomUUID();
    }

    @Override
    public VectorStore newStore(String collection, String metric) {
        fake.createIndex(collection, 3, pineconeMetric(metric));
        return store(server.baseUrl(), collection, "", false, metric, new FakeRetryTiming().timing());
    }

    @Override
    public List<StoredChunk> readAll(String collection) {
        // The freshness fence a lookup writes (deleted when the store closes) is connector bookkeeping, no chunk.
        return fake.points(collection).stream()
                .filter(chunk -> !chunk.id().equals(PineconeReads.FENCE_ID))
                .toList();
    }

    @Override
    public boolean collectionExists(String collection) {
        return fake.exists(collection);
    }

    @Override
    public VectorStore storeAt(String baseUrl, String collection, RetryTiming timing) {
        return store(baseUrl, collection, "", false, "cosine", timing);
    }

    static String description(String index, int dimension, String metric, int port) {
        return "{\"name\":\"" + index + "\",\"vector_type\":\"dense\",\"metric\":\"" + metric + "\",\"dimension\":"
                + dimension + ",\"status\":{\"ready\":true,\"state\":\"Ready\"},\"host\":\"127.0.0.1:" + port
                + "\",\"spec\":{\"serverless\":{\"region\":\"us-east-1\",\"cloud\":\"aws\","
                + "\"read_capacity\":{\"mode\":\"OnDemand\",\"status\":{\"state\":\"Ready\"}}}},"
                + "\"deletion_protection\":\"disabled\"}";
    }

    @Override
    public void stubHealthyEmptyCollection(WireMockServer wireMock, String collection) {
        wireMock.stubFor(get("/indexes/" + collection)
                .willReturn(okJson(description(collection, 3, "cosine", wireMock.port()))));
        wireMock.stubFor(upsertStub(collection).willReturn(aResponse().withTransformers(UPSERT_ANSWERS)));
        wireMock.stubFor(post(urlPathEqualTo("/vectors/delete")).willReturn(okJson("{}")));
        // check and prepare read a few vectors for the index's text key: an empty index has none.
        wireMock.stubFor(post(urlPathEqualTo("/query")).willReturn(okJson("{\"matches\":[],\"namespace\":\"\"}")));
    }

    @Override
    public MappingBuilder upsertStub(String collection) {
        return post(urlPathEqualTo("/vectors/upsert"));
    }

    @Override
    public RequestPatternBuilder upsertRequests(String collection) {
        return postRequestedFor(urlPathEqualTo("/vectors/upsert"));
    }

    @Override
    public int pointsIn(LoggedRequest upsert) {
        try {
            return Json.MAPPER.readTree(upsert.getBody()).path("vectors").size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int maxPointsPerUpsert() {
        return PineconeVectorStore.MAX_VECTORS_PER_UPSERT;
    }

    @Override
    public long maxUpsertBytes() {
        return PineconeVectorStore.MAX_UPSERT_BYTES;
    }

    @Override
    public String successfulUpsertAnswer(String requestBody) {
        return "{\"upsertedCount\":" + countIn(requestBody) + "}";
    }

    @Override
    public Optional<String> unconfirmedUpsertAnswer(String requestBody) {
        return Optional.of("{\"upsertedCount\":" + Math.max(0, countIn(requestBody) - 1) + "}");
    }

    private static int countIn(String requestBody) {
        try {
            return requestBody.isEmpty()
                    ? 0
                    : Json.MAPPER.readTree(requestBody).path("vectors").size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the contract where Pinecone differs, said out loud ---------------------------------------

    /** Pinecone indexes are made by their owner: a missing one fails check (and prepare) in plain words. */
    @Test
    @Override
    public void should_pass_check_and_create_nothing_when_the_collection_is_missing() {
        String collection = newCollection();
        VectorStore store = store(server.baseUrl(), collection, "", false, "cosine", new FakeRetryTiming().timing());

        assertThatThrownBy(() -> store.check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'" + collection + "' does not exist")
                .hasMessageContaining("indexing.index");
        assertThatThrownBy(() -> store.prepare(3)).isInstanceOf(ConfigException.class);
        assertThat(collectionExists(collection)).isFalse();
    }

    /** Pinecone keeps numbers as 64-bit floats: integers beyond 2^53 are stored as their exact text. */
    @Test
    @Override
    public void should_round_trip_unicode_text_and_typed_metadata() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        String tricky = "nul\u0000 line\u2028sep para\u2029 emoji 😀 \"quoted\" back\\slash é 中文 <b>&amp;</b>";
        Map<String, Object> metadata = new LinkedHashMap<>(
                VectorStoreContract.chunk(STREAM, "r1", 0, 1, SYNC, 1, 0, 0).metadata());
        metadata.put("title", tricky);
        metadata.put("big", Long.MAX_VALUE);
        metadata.put("small", Long.MIN_VALUE);
        metadata.put("exact", 1L << 53);
        metadata.put("ratio", 0.1);
        metadata.put("flag", false);
        ChunkPoint point = new ChunkPoint(PointIds.forChunk("r1", 0), new float[] {1, 2, 3}, tricky, metadata);

        store.upsert(List.of(point));

        Map<String, Object> expected = new LinkedHashMap<>(metadata);
        expected.put("big", Long.toString(Long.MAX_VALUE));
        expected.put("small", Long.toString(Long.MIN_VALUE));
        assertThat(readAll(collection)).singleElement().satisfies(stored -> {
            assertThat(stored.id()).isEqualTo(point.id());
            assertThat(stored.document()).isEqualTo(tricky);
            assertThat(stored.metadata()).isEqualTo(expected);
        });
    }

    /** Chunk text counts against Pinecone's 40 KB of metadata, so the byte test uses chunks that fit it. */
    @Test
    @Override
    public void should_split_upserts_at_the_byte_limit() {
        withWireMock(wireMock -> {
            String collection = newCollection();
            stubHealthyEmptyCollection(wireMock, collection);
            VectorStore store = storeAt(wireMock.baseUrl(), collection, new FakeRetryTiming().timing());
            store.prepare(3);
            String text = "x".repeat(36 * 1024);
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

    // ---- Pinecone's own request shapes ------------------------------------------------------------

    @Test
    void should_register_the_api_key_so_that_an_echoed_key_is_redacted() {
        store(server.baseUrl(), "docs", "", false, "cosine", new FakeRetryTiming().timing());

        assertThat(Secrets.redact("Api-Key: " + KEY)).isEqualTo("Api-Key: ****");
    }

    @Test
    void should_describe_the_index_with_the_key_and_api_version_and_upsert_prefixed_ids_to_its_host() {
        withWireMock(wireMock -> {
            String collection = newCollection();
            stubHealthyEmptyCollection(wireMock, collection);
            VectorStore store = storeAt(wireMock.baseUrl(), collection, new FakeRetryTiming().timing());
            ChunkPoint base = VectorStoreContract.chunk(STREAM, "r1", 0, 1, SYNC, 1, 0, 0);
            Map<String, Object> metadata = new LinkedHashMap<>(base.metadata());
            metadata.put("missing", null);

            store.check(3);
            assertThat(wireMock.findAll(anyRequestedFor(anyUrl())))
                    .as("check only reads: the description and a query for a few vectors")
                    .allSatisfy(r -> assertThat(r.getMethod().getName() + " " + r.getUrl())
                            .matches("GET .*|POST /query"));
            store.prepare(3);
            store.upsert(List.of(new ChunkPoint(base.id(), base.vector(), "r1 chunk 0", metadata)));

            String id = PineconeIds.recordPrefix("r1") + "0#" + base.id();
            wireMock.verify(postRequestedFor(urlEqualTo("/vectors/upsert"))
                    .withHeader("Api-Key", equalTo(KEY))
                    .withHeader("X-Pinecone-API-Version", equalTo(PineconeVectorStore.API_VERSION))
                    .withRequestBody(equalToJson("{\"vectors\":[{\"id\":\"" + id + "\",\"values\":[1.0,0.0,0.0],"
                            + "\"metadata\":{\"_ab_stream\":\"docs\",\"_ab_namespace\":\"\",\"_ab_record_id\":\"r1\","
                            + "\"_ab_chunk_index\":0,\"_ab_generation_id\":1,\"_ab_sync_id\":\"sync-1\","
                            + "\"text\":\"r1 chunk 0\"}}],\"namespace\":\"__default__\"}")));
            assertThat(wireMock.findAll(anyRequestedFor(anyUrl())))
                    .allSatisfy(r -> assertThat(r.getHeader("Api-Key")).isEqualTo(KEY));
        });
    }

    @Test
    void should_delete_by_metadata_filter_where_the_index_accepts_it() {
        withWireMock(wireMock -> {
            String collection = newCollection();
            stubHealthyEmptyCollection(wireMock, collection);
            VectorStore store = storeAt(wireMock.baseUrl(), collection, new FakeRetryTiming().timing());
            store.prepare(3);

            store.deleteChunks(List.of(new RecordTrim(STREAM, "r1", 2)));
            store.deleteStale(StreamId.of("docs"), new StaleFilter.OlderGeneration(5));

            wireMock.verify(postRequestedFor(urlEqualTo("/vectors/delete"))
                    .withRequestBody(equalToJson("{\"filter\":{\"$and\":[{\"_ab_record_id\":{\"$in\":[\"r1\"]}},"
                            + "{\"_ab_chunk_index\":{\"$gte\":2}}]},\"namespace\":\"__default__\"}")));
            wireMock.verify(postRequestedFor(urlEqualTo("/vectors/delete"))
                    .withRequestBody(equalToJson("{\"filter\":{\"$and\":[{\"_ab_stream\":{\"$eq\":\"docs\"}},"
                            + "{\"_ab_namespace\":{\"$eq\":\"\"}},{\"_ab_generation_id\":{\"$lt\":5}}]},"
                            + "\"namespace\":\"__default__\"}")));
        });
    }

    @Test
    void should_fail_check_and_prepare_naming_the_fields_a_serverless_schema_leaves_unfilterable() {
        String collection = newCollection();
        filtering.createIndex(collection, 3, "cosine", Set.of("_ab_stream", "_ab_namespace", "_ab_chunk_index"));
        VectorStore store =
                store(filteringServer.baseUrl(), collection, "", false, "cosine", new FakeRetryTiming().timing());

        assertThatThrownBy(() -> store.check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("_ab_record_id, _ab_generation_id, _ab_sync_id")
                .hasMessageNotContaining("out _ab_stream");
        assertThatThrownBy(() -> store.prepare(3)).isInstanceOf(ConfigException.class);
    }

    @Test
    void should_pass_check_on_a_serverless_schema_that_makes_every_filtered_field_filterable() {
        String collection = newCollection();
        filtering.createIndex(collection, 3, "cosine", Set.copyOf(PineconeFilterFields.FILTERED));
        VectorStore store =
                store(filteringServer.baseUrl(), collection, "", false, "cosine", new FakeRetryTiming().timing());
        store.check(3);
        store.prepare(3);
        store.upsert(VectorStoreContract.record("r1", 3, "v1"));

        store.deleteChunks(List.of(new RecordTrim(STREAM, "r1", 1)));

        assertThat(filtering.points(collection))
                .extracting(StoredChunk::chunkIndex)
                .containsExactly(0L);
    }

    @Test
    void should_fail_check_naming_the_fields_a_pod_index_leaves_out_of_metadata_config() {
        withWireMock(wireMock -> {
            String collection = newCollection();
            wireMock.stubFor(get("/indexes/" + collection)
                    .willReturn(okJson("{\"name\":\"" + collection + "\",\"vector_type\":\"dense\",\"metric\":"
                            + "\"cosine\",\"dimension\":3,\"status\":{\"ready\":true,\"state\":\"Ready\"},"
                            + "\"host\":\"127.0.0.1:1\",\"spec\":{\"pod\":{\"environment\":\"us-east1-gcp\","
                            + "\"replicas\":1,\"shards\":1,\"pod_type\":\"p1.x1\",\"pods\":1,"
                            + "\"metadata_config\":{\"indexed\":[\"_ab_stream\",\"_ab_namespace\",\"_ab_record_id\","
                            + "\"_ab_chunk_index\",\"_ab_generation_id\",\"title\"]}}},"
                            + "\"deletion_protection\":\"disabled\"}")));
            VectorStore store = storeAt(wireMock.baseUrl(), collection, new FakeRetryTiming().timing());

            assertThatThrownBy(() -> store.check(3))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("leaves out _ab_sync_id,");
        });
    }

    @Test
    void should_trim_and_delete_stale_chunks_by_filter_on_an_index_that_accepts_filters() {
        String collection = newCollection();
        filtering.createIndex(collection, 3, "cosine");
        VectorStore store =
                store(filteringServer.baseUrl(), collection, "", false, "cosine", new FakeRetryTiming().timing());
        store.prepare(3);
        store.upsert(VectorStoreContract.record("r1", 4, "v1"));
        store.upsert(List.of(VectorStoreContract.chunk(STREAM, "old", 0, 0, "sync-0", 0, 1, 0)));

        store.deleteChunks(List.of(new RecordTrim(STREAM, "r1", 2)));
        store.deleteStale(STREAM, new StaleFilter.OtherSync(SYNC));

        assertThat(filtering.points(collection))
                .extracting(c -> c.recordId() + ":" + c.chunkIndex())
                .containsExactlyInAnyOrder("r1:0", "r1:1");
        assertThat(filteringServer.findAll(postRequestedFor(urlPathEqualTo("/data/" + collection + "/vectors/delete"))))
                .allSatisfy(r -> assertThat(r.getBodyAsString()).contains("\"filter\""));
    }

    @Test
    void should_write_each_airbyte_namespace_to_its_pinecone_namespace_when_so_configured() {
        String collection = newCollection();
        fake.createIndex(collection, 3, "cosine");
        VectorStore store = store(server.baseUrl(), collection, "main", true, "cosine", new FakeRetryTiming().timing());
        store.prepare(3);
        StreamId sales = new StreamId("sales", "docs");
        store.upsert(List.of(
                VectorStoreContract.chunk(sales, "s1", 0, 1, SYNC, 1, 0, 0),
                VectorStoreContract.chunk(sales, "s1", 1, 1, SYNC, 1, 0, 0),
                VectorStoreContract.chunk(sales, "s-old", 0, 0, SYNC, 1, 0, 0),
                VectorStoreContract.chunk(STREAM, "m1", 0, 1, SYNC, 0, 1, 0)));

        store.deleteChunks(List.of(new RecordTrim(sales, "s1", 1)));
        store.deleteStale(sales, new StaleFilter.OlderGeneration(1));

        assertThat(fake.ids(collection, "sales"))
                .containsExactly(PineconeIds.recordPrefix("s1") + "0#" + PointIds.forChunk("s1", 0));
        assertThat(fake.ids(collection, "main")).hasSize(1);
        assertThat(store.query(new float[] {1, 0, 0}, 5, sales))
                .extracting(h -> h.id())
                .containsExactly(PointIds.forChunk("s1", 0));
    }

    @Test
    void should_delete_a_record_in_its_streams_namespace_when_this_process_never_wrote_there() {
        String collection = newCollection();
        fake.createIndex(collection, 3, "cosine");
        StreamId sales = new StreamId("sales", "docs");
        VectorStore earlier =
                store(server.baseUrl(), collection, "main", true, "cosine", new FakeRetryTiming().timing());
        earlier.prepare(3);
        earlier.upsert(List.of(
                VectorStoreContract.chunk(sales, "s1", 0, 1, SYNC, 1, 0, 0),
                VectorStoreContract.chunk(sales, "s2", 0, 1, SYNC, 0, 1, 0)));

        // A later sync whose only message for the stream is a CDC delete: nothing is upserted first.
        VectorStore later = store(server.baseUrl(), collection, "main", true, "cosine", new FakeRetryTiming().timing());
        later.prepare(3);
        later.deleteChunks(List.of(new RecordTrim(sales, "s1", 0)));

        assertThat(fake.ids(collection, "sales"))
                .containsExactly(PineconeIds.recordPrefix("s2") + "0#" + PointIds.forChunk("s2", 0));
    }

    @Test
    void should_refuse_a_chunk_whose_text_and_metadata_pass_pinecones_40_kb() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        ChunkPoint base = VectorStoreContract.chunk(STREAM, "r1", 0, 1, SYNC, 1, 0, 0);

        assertThatThrownBy(() -> store.upsert(
                        List.of(new ChunkPoint(base.id(), base.vector(), "y".repeat(41 * 1024), base.metadata()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("chunk_size")
                .hasMessageNotContaining("yyyy");
        assertThat(readAll(collection)).isEmpty();
        assertThat(store.metadataRules().maxMetadataBytes()).isLessThanOrEqualTo(40 * 1024);
    }

    @Test
    void should_page_through_list_results_when_a_record_has_many_chunks() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        store.upsert(VectorStoreContract.record("big", 250, "v1"));

        store.deleteChunks(List.of(new RecordTrim(STREAM, "big", 3)));

        assertThat(readAll(collection)).extracting(StoredChunk::chunkIndex).containsExactlyInAnyOrder(0L, 1L, 2L);
        assertThat(server.findAll(getRequestedFor(urlPathEqualTo("/data/" + collection + "/vectors/list"))
                        .withQueryParam("prefix", equalTo(PineconeIds.recordPrefix("big")))))
                .as("the live backend refuses filter deletes, so ids are listed page by page")
                .hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void should_name_the_control_plane_when_the_key_is_refused() {
        withWireMock(wireMock -> {
            wireMock.stubFor(any(anyUrl())
                    .willReturn(aResponse()
                            .withStatus(401)
                            .withBody("{\"error\":{\"code\":\"UNAUTHENTICATED\",\"message\":\"Invalid API Key\"},"
                                    + "\"status\":401}")));
            VectorStore store = storeAt(wireMock.baseUrl(), newCollection(), new FakeRetryTiming().timing());

            assertThatThrownBy(() -> store.check(3))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("Pinecone")
                    .hasMessageNotContaining(KEY);
        });
    }

    // ---- reads for skipping unchanged records on an eventually consistent index ---------------------

    /** {@code chunk} as a newer version of its record wrote it: other hashes, text and vector. */
    static ChunkPoint rewritten(ChunkPoint chunk, String version) {
        Map<String, Object> metadata = new LinkedHashMap<>(chunk.metadata());
        metadata.put(ChunkFields.CHUNK_HASH, metadata.get(ChunkFields.CHUNK_HASH) + "-" + version);
        metadata.put(ChunkFields.RECORD_HASH, metadata.get(ChunkFields.RECORD_HASH) + "-" + version);
        float[] vector = {chunk.vector()[1], chunk.vector()[0], 0f};
        return new ChunkPoint(chunk.id(), vector, version + " " + chunk.document(), metadata);
    }

    private VectorStore prepared(String collection, FakeRetryTiming timing) {
        fake.createIndex(collection, 3, "cosine");
        VectorStore store = store(server.baseUrl(), collection, "", false, "cosine", timing.timing());
        store.prepare(3);
        return store;
    }

    @Test
    void should_use_only_reads_that_show_its_fence_so_a_stale_read_cannot_hide_a_change() {
        String collection = newCollection();
        VectorStore lastSync = prepared(collection, new FakeRetryTiming());
        List<ChunkPoint> a = LookupContract.hashedRecord(STREAM, "r1", 2);
        lastSync.upsert(a); // sync 1 wrote version A
        fake.lag(collection, -1); // reads lag from here on
        List<ChunkPoint> b = a.stream().map(chunk -> rewritten(chunk, "B")).toList();
        lastSync.upsert(b); // sync 2 wrote version B, acknowledged
        assertThat(lastSync.query(a.get(0).vector(), 1, STREAM).get(0).document())
                .as("a read now still shows version A")
                .isEqualTo(a.get(0).document());

        // Sync 3 brings version A again. A lookup that used the stale read would call A unchanged and keep B.
        fake.lag(collection, 3); // three more stale reads, then the index catches up
        FakeRetryTiming timing = new FakeRetryTiming();
        VectorStore next = store(server.baseUrl(), collection, "", false, "cosine", timing.timing());
        next.prepare(3);
        Map<String, List<KnownChunk>> known = next.lookup(STREAM, List.of("r1"));

        assertThat(known.get("r1")).extracting(KnownChunk::recordHash).containsOnly((String)
                b.get(0).metadata().get(ChunkFields.RECORD_HASH));
        assertThat(timing.sleeps()).as("the stale answers were asked again").isNotEmpty();
        assertThat(fake.ids(collection, PineconeFake.DEFAULT_NAMESPACE)).contains(PineconeReads.FENCE_ID);
        next.close();
        assertThat(fake.ids(collection, PineconeFake.DEFAULT_NAMESPACE))
                .as("the fence is deleted when the store closes")
                .doesNotContain(PineconeReads.FENCE_ID);
    }

    /** The matches of a query a reader sends to the index's host, as Pinecone's clients do. */
    private static JsonNode readerQuery(String collection, String filter) {
        String body = "{\"vector\":[1.0,0.0,0.0],\"topK\":10,\"includeMetadata\":true,\"namespace\":\"\""
                + (filter == null ? "" : ",\"filter\":" + filter) + "}";
        okhttp3.Request request = new okhttp3.Request.Builder()
                .url(server.baseUrl() + "/data/" + collection + "/query")
                .header("Api-Key", KEY)
                .header("X-Pinecone-API-Version", PineconeVectorStore.API_VERSION)
                .post(okhttp3.RequestBody.create(body, okhttp3.MediaType.get("application/json")))
                .build();
        try (okhttp3.Response response = HttpClients.shared().newCall(request).execute()) {
            return json(response.body().string()).path("matches");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void should_keep_the_fence_out_of_readers_that_filter_by_stream_and_delete_it_when_the_sync_ends() {
        String collection = newCollection();
        VectorStore lastSync = prepared(collection, new FakeRetryTiming());
        lastSync.upsert(LookupContract.hashedRecord(STREAM, "r1", 2));
        VectorStore sync = prepared(collection, new FakeRetryTiming());
        sync.lookup(STREAM, List.of("r1")); // writes the fence; the sync goes on
        assertThat(fake.ids(collection, PineconeFake.DEFAULT_NAMESPACE)).contains(PineconeReads.FENCE_ID);

        // The query vector is the fence's own, so it would be the best match of all.
        for (String filter : List.of(
                "{\"_ab_stream\":{\"$eq\":\"" + STREAM.name() + "\"}}",
                "{\"_ab_stream\":{\"$in\":[\"" + STREAM.name() + "\"]}}",
                "{\"_ab_namespace\":{\"$eq\":\"" + STREAM.namespaceOrEmpty() + "\"}}")) {
            assertThat(readerQuery(collection, filter)).as(filter).hasSize(2).noneSatisfy(match -> assertThat(
                            match.path("id").asText())
                    .isEqualTo(PineconeReads.FENCE_ID));
        }
        JsonNode unfiltered = readerQuery(collection, null);
        assertThat(unfiltered.get(0).path("id").asText())
                .as("a reader without a filter meets it during the sync")
                .isEqualTo(PineconeReads.FENCE_ID);
        assertThat(unfiltered.get(0).path("metadata").properties())
                .as("a tag under _ab_record_id and nothing else: no stream, no text")
                .extracting(Map.Entry::getKey)
                .containsExactly(ChunkFields.RECORD_ID);

        sync.close(); // the end of the sync, successful or not
        assertThat(readerQuery(collection, null))
                .noneSatisfy(match -> assertThat(match.path("id").asText()).isEqualTo(PineconeReads.FENCE_ID));
    }

    @Test
    void should_know_nothing_when_no_read_shows_the_fence_within_the_wait() {
        String collection = newCollection();
        VectorStore lastSync = prepared(collection, new FakeRetryTiming());
        lastSync.upsert(LookupContract.hashedRecord(STREAM, "r1", 2));
        fake.lag(collection, -1); // the index never catches up during this sync

        FakeRetryTiming timing = new FakeRetryTiming();
        VectorStore next = store(server.baseUrl(), collection, "", false, "cosine", timing.timing());
        next.prepare(3);

        assertThat(next.lookup(STREAM, List.of("r1")))
                .as("embedded as new: an extra embedding")
                .isEmpty();
        Duration waited = timing.sleeps().stream().reduce(Duration.ZERO, Duration::plus);
        assertThat(waited).isGreaterThanOrEqualTo(PineconeFreshness.MAX_WAIT).isLessThan(Duration.ofSeconds(70));
        int sleeps = timing.sleeps().size();
        assertThat(next.lookup(STREAM, List.of("r1"))).isEmpty();
        assertThat(timing.sleeps())
                .as("a namespace past its wait is not waited for again")
                .hasSize(sleeps);
        fake.catchUp(collection);
    }

    @Test
    void should_fetch_stored_vectors_only_with_its_fence() {
        String collection = newCollection();
        VectorStore lastSync = prepared(collection, new FakeRetryTiming());
        List<ChunkPoint> a = LookupContract.hashedRecord(STREAM, "r1", 1);
        lastSync.upsert(a);
        Object withA = fake.snapshot(collection);
        List<ChunkPoint> b = a.stream().map(chunk -> rewritten(chunk, "B")).toList();
        lastSync.upsert(b);
        VectorStore next = prepared(collection, new FakeRetryTiming());
        assertThat(next.lookup(STREAM, List.of("r1")).get("r1").get(0).recordHash())
                .endsWith("-B");

        fake.serveStale(collection, withA); // a replica behind: it holds A's vector and no fence
        Map<String, float[]> vectors =
                next.storedVectors(STREAM, List.of(a.get(0).id()));
        fake.catchUp(collection);

        assertThat(vectors)
                .as("A's vector must never be handed out for B's hash")
                .isEmpty();
        assertThat(next.storedVectors(STREAM, List.of(a.get(0).id()))
                        .get(a.get(0).id()))
                .containsExactly(b.get(0).vector());
    }

    @Test
    void should_split_record_ids_when_an_answer_may_be_cut_and_list_a_record_too_long_for_one() {
        String collection = newCollection();
        VectorStore store = prepared(collection, new FakeRetryTiming());
        List<String> ids = new ArrayList<>();
        List<ChunkPoint> points = new ArrayList<>();
        for (int r = 0; r < 40; r++) {
            ids.add("r" + r);
            points.addAll(LookupContract.hashedRecord(STREAM, "r" + r, 4));
        }
        points.addAll(LookupContract.hashedRecord(STREAM, "long", PineconeReads.LOOKUP_TOP_K + 10));
        ids.add("long");
        store.upsert(points);

        Map<String, List<KnownChunk>> known = store.lookup(STREAM, ids);

        assertThat(known).hasSize(41);
        ids.stream().filter(id -> !id.equals("long")).forEach(id -> assertThat(known.get(id))
                .hasSize(4));
        assertThat(known.get("long")).hasSize(PineconeReads.LOOKUP_TOP_K + 10);
        for (LoggedRequest query : server.findAll(postRequestedFor(urlPathEqualTo("/data/" + collection + "/query")))) {
            JsonNode body = json(query.getBodyAsString());
            if (!body.has("filter")) {
                continue; // prepare's read of a few vectors for the text key
            }
            assertThat(body.path("includeValues").asBoolean(true)).isFalse();
            assertThat(body.path("topK").asInt()).isEqualTo(PineconeReads.LOOKUP_TOP_K);
        }
    }

    @Test
    void should_split_a_full_answer_without_waiting_for_a_fence_it_may_have_cut() {
        String collection = newCollection();
        fake.createIndex(collection, 3, "dotproduct");
        FakeRetryTiming timing = new FakeRetryTiming();
        VectorStore store = store(server.baseUrl(), collection, "", false, "ip", timing.timing());
        store.prepare(3);
        List<String> ids = new ArrayList<>();
        List<ChunkPoint> points = new ArrayList<>();
        for (int r = 0; r < 30; r++) {
            ids.add("r" + r);
            for (ChunkPoint chunk : LookupContract.hashedRecord(STREAM, "r" + r, 4)) {
                // Unnormalised: every chunk scores above the fence (1.0) for the lookup's query vector.
                float[] vector = {chunk.vector()[0] * 5, chunk.vector()[1] * 5, 0f};
                points.add(new ChunkPoint(chunk.id(), vector, chunk.document(), chunk.metadata()));
            }
        }
        store.upsert(points);

        Map<String, List<KnownChunk>> known = store.lookup(STREAM, ids);

        assertThat(known).hasSize(30).allSatisfy((id, chunks) -> assertThat(chunks)
                .hasSize(4));
        assertThat(timing.sleeps())
                .as("a full answer is split at once, not waited on for the fence")
                .isEmpty();
    }

    /** A refresh (generation 2) that found {@code kept} unchanged and moved it into generation 2 without a write. */
    private VectorStore refreshThatMoved(String collection, List<ChunkPoint> kept, FakeRetryTiming timing, int lag) {
        VectorStore lastSync = prepared(collection, new FakeRetryTiming());
        List<ChunkPoint> points = new ArrayList<>(kept);
        points.add(LookupContract.hashed(STREAM, "gone", 0, 1, 1, SYNC)); // not in the refresh: it goes
        lastSync.upsert(points);
        VectorStore refresh = store(server.baseUrl(), collection, "", false, "cosine", timing.timing());
        refresh.prepare(3);
        assertThat(refresh.lookup(STREAM, List.of("kept"))).containsOnlyKeys("kept");
        Object beforeTheMove = fake.snapshot(collection); // the lookup's fence is in it
        refresh.updateOwnFields(
                STREAM,
                kept.stream().map(ChunkPoint::id).toList(),
                Map.of(ChunkFields.GENERATION_ID, 2L, ChunkFields.SYNC_ID, "sync-2"));
        if (lag < 0) {
            fake.serveStale(collection, beforeTheMove); // reads lag behind the move until told
        } else {
            fake.serveStale(collection, beforeTheMove, lag);
        }
        return refresh;
    }

    @Test
    void should_delete_old_generations_only_by_reads_that_show_a_fence_written_after_the_moves() {
        String collection = newCollection();
        List<ChunkPoint> kept = LookupContract.hashedRecord(STREAM, "kept", 2); // generation 1
        FakeRetryTiming timing = new FakeRetryTiming();
        VectorStore refresh = refreshThatMoved(collection, kept, timing, 4);

        refresh.deleteStale(STREAM, new StaleFilter.OlderGeneration(2));

        assertThat(readAll(collection))
                .as("a read from before the move showed 'kept' in generation 1: it must not have been believed")
                .extracting(StoredChunk::id)
                .containsExactlyInAnyOrderElementsOf(
                        kept.stream().map(ChunkPoint::id).toList());
        assertThat(timing.sleeps()).as("the stale reads were asked again").isNotEmpty();
        assertThat(fake.ids(collection, PineconeFake.DEFAULT_NAMESPACE))
                .as("the cleanup's fence is deleted when it is done")
                .doesNotContain(PineconeReads.FENCE_ID);
        assertThat(refresh.lookup(STREAM, List.of("kept")))
                .as("a later lookup in the namespace writes a fence again")
                .containsOnlyKeys("kept");
    }

    @Test
    void should_fail_the_cleanup_and_delete_nothing_when_no_read_shows_the_new_fence() {
        String collection = newCollection();
        List<ChunkPoint> kept = LookupContract.hashedRecord(STREAM, "kept", 2);
        FakeRetryTiming timing = new FakeRetryTiming();
        VectorStore refresh = refreshThatMoved(collection, kept, timing, -1);

        assertThatThrownBy(() -> refresh.deleteStale(STREAM, new StaleFilter.OlderGeneration(2)))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("earlier generations were not deleted");
        fake.catchUp(collection);
        assertThat(readAll(collection)).hasSize(3);
        Duration waited = timing.sleeps().stream().reduce(Duration.ZERO, Duration::plus);
        assertThat(waited).isGreaterThanOrEqualTo(PineconeFreshness.MAX_WAIT).isLessThan(Duration.ofSeconds(70));
    }

    @Test
    void should_update_each_vector_with_set_metadata() {
        String collection = newCollection();
        VectorStore store = prepared(collection, new FakeRetryTiming());
        List<ChunkPoint> points = LookupContract.hashedRecord(STREAM, "r1", 3);
        store.upsert(points);
        store.lookup(STREAM, List.of("r1"));

        store.updateOwnFields(
                STREAM, points.stream().map(ChunkPoint::id).toList(), Map.of(ChunkFields.GENERATION_ID, 5L));

        List<LoggedRequest> updates =
                server.findAll(postRequestedFor(urlPathEqualTo("/data/" + collection + "/vectors/update")));
        assertThat(updates).hasSize(3).allSatisfy(update -> assertThat(json(update.getBodyAsString())
                        .path("setMetadata")
                        .path(ChunkFields.GENERATION_ID)
                        .asLong())
                .isEqualTo(5L));
        assertThatThrownBy(() ->
                        store.updateOwnFields(STREAM, List.of("never-looked-up"), Map.of(ChunkFields.SYNC_ID, "s")))
                .hasMessageContaining("lookup");
    }

    private static PineconeVectorStore withInFlightChunks(String collection, int maxInFlightChunks) {
        AdvancedConfig defaults = AdvancedConfig.defaults();
        AdvancedConfig advanced = new AdvancedConfig(
                defaults.batchSize(),
                defaults.embeddingConcurrency(),
                defaults.upsertConcurrency(),
                defaults.flushInterval(),
                maxInFlightChunks,
                defaults.retryMaxDuration(),
                defaults.allowInsecureHttp());
        PineconeVectorStore store = new PineconeVectorStore(
                new IndexingConfig.Pinecone(KEY, collection, "main", true, "cosine"),
                advanced,
                server.baseUrl(),
                HttpClients.shared(),
                new FakeRetryTiming().timing(),
                RetrySettings.forService("Pinecone", advanced));
        store.prepare(3);
        return store;
    }

    /**
     * 'kept' is looked up, then other batches look up 52,000 chunks before its update runs: more than a store with
     * the default 4,096 chunks in flight remembers, fewer than 100,000 in flight allow.
     */
    @Test
    void should_remember_the_ids_of_every_chunk_in_flight_when_max_in_flight_chunks_is_large() {
        String collection = newCollection();
        fake.createIndex(collection, 3, "cosine");
        List<ChunkPoint> kept = LookupContract.hashedRecord(STREAM, "kept", 2);
        List<StreamId> others = new ArrayList<>();
        VectorStore writer = withInFlightChunks(collection, 4096);
        writer.upsert(kept);
        for (int n = 0; n < 26; n++) {
            others.add(new StreamId("n" + n, "big")); // each its own Pinecone namespace, to keep the fake quick
            writer.upsert(LookupContract.hashedRecord(others.get(n), "big", 2000));
        }
        List<String> keptIds = kept.stream().map(ChunkPoint::id).toList();

        for (int maxInFlight : List.of(4096, 100_000)) {
            VectorStore store = withInFlightChunks(collection, maxInFlight);
            assertThat(store.lookup(STREAM, List.of("kept"))).containsOnlyKeys("kept");
            for (StreamId other : others) {
                assertThat(store.lookup(other, List.of("big")).get("big")).hasSize(2000);
            }
            Map<String, Object> fields = Map.of(ChunkFields.GENERATION_ID, (long) maxInFlight);
            if (maxInFlight == 4096) {
                assertThatThrownBy(() -> store.updateOwnFields(STREAM, keptIds, fields))
                        .as("forgotten after 50,000 ids: a transient failure, whose retry looks it up again")
                        .isInstanceOf(TransientException.class)
                        .hasMessageContaining("forgotten");
                continue;
            }
            store.updateOwnFields(STREAM, keptIds, fields);
            assertThat(fake.points(collection))
                    .filteredOn(chunk -> "kept".equals(chunk.metadata().get(ChunkFields.RECORD_ID)))
                    .hasSize(2)
                    .allSatisfy(
                            chunk -> assertThat(chunk.metadata()).containsEntry(ChunkFields.GENERATION_ID, 100_000L));
        }
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- text key -------------------------------------------------------------------------------

    private static PineconeVectorStore withTextField(String collection, String textField) {
        return new PineconeVectorStore(
                new IndexingConfig.Pinecone(KEY, collection, "", false, "cosine", textField),
                AdvancedConfig.defaults(),
                server.baseUrl(),
                HttpClients.shared(),
                new FakeRetryTiming().timing(),
                RetrySettings.forService("Pinecone", AdvancedConfig.defaults()));
    }

    @Test
    void should_adopt_the_text_key_of_an_existing_index_when_text_field_is_empty() {
        String collection = newCollection();
        fake.createIndex(collection, 3, "cosine");
        PineconeVectorStore langchain4j = withTextField(collection, "text_segment");
        langchain4j.prepare(3);
        langchain4j.upsert(LookupContract.hashedRecord(STREAM, "r1", 1));

        PineconeVectorStore store = withTextField(collection, null);
        store.check(3);
        assertThat(store.textKey()).isEqualTo("text_segment");
        store.prepare(3);
        store.upsert(LookupContract.hashedRecord(STREAM, "r2", 1));

        assertThat(fake.points(collection))
                .extracting(chunk -> chunk.metadata().get("text_segment"))
                .containsExactlyInAnyOrder("r1 chunk 0", "r2 chunk 0");
        assertThat(store.metadataRules().reservedNames()).containsExactly("text_segment");
    }

    @Test
    void should_refuse_a_text_field_other_than_the_key_an_existing_index_uses() {
        String collection = newCollection();
        VectorStore writer = newStore(collection, "cosine");
        writer.prepare(3);
        writer.upsert(LookupContract.hashedRecord(STREAM, "r1", 1));

        assertThatThrownBy(() -> withTextField(collection, "body").check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("under 'text'")
                .hasMessageContaining("set text_field to text");
    }

    @Test
    void should_write_the_text_under_a_new_indexs_text_field() {
        String collection = newCollection();
        fake.createIndex(collection, 3, "cosine");
        PineconeVectorStore store = withTextField(collection, "body");
        store.prepare(3);
        store.upsert(LookupContract.hashedRecord(STREAM, "r1", 1));

        assertThat(fake.points(collection)).singleElement().satisfies(chunk -> {
            assertThat(chunk.metadata()).containsEntry("body", "r1 chunk 0");
            assertThat(chunk.document()).isNull(); // not under text
        });
        assertThat(store.query(new float[] {1, 0, 0}, 1, STREAM).get(0).document())
                .isEqualTo("r1 chunk 0");
    }
}
