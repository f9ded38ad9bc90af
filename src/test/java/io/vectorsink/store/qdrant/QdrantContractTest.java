package io.vectorsink.store.qdrant;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.protocol.Json;
import io.vectorsink.store.ChunkFields;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.IndexModelContract;
import io.vectorsink.store.KnownChunk;
import io.vectorsink.store.LookupContract;
import io.vectorsink.store.PointIds;
import io.vectorsink.store.StoredChunk;
import io.vectorsink.store.TypedValuesContract;
import io.vectorsink.store.VectorStore;
import io.vectorsink.store.VectorStore.RecordTrim;
import io.vectorsink.store.VectorStoreContract;
import io.vectorsink.testing.ApiDefinition;
import io.vectorsink.testing.ExchangeCheck;
import io.vectorsink.testing.FakeRetryTiming;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract for Qdrant, which cannot run on this machine: the live backend is {@link QdrantFake}
 * (Qdrant's documented API and filter semantics behind WireMock), the faults are plain WireMock stubs with
 * Qdrant's documented answers. Below the contract: request shapes only Qdrant has.
 */
class QdrantContractTest implements LookupContract, IndexModelContract, TypedValuesContract {
    private static final String KEY = "qdrant-key-7f3a9c";

    /** Qdrant's own OpenAPI definition, which every exchange with the fake and the stubs must match. */
    static final ExchangeCheck API =
            ExchangeCheck.against("Qdrant", ApiDefinition.load("vendor-api/qdrant/openapi-v1.19.json"));

    private static QdrantFake fake;
    private static WireMockServer server;

    @BeforeAll
    static void startFake() {
        fake = new QdrantFake(null);
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

    static QdrantVectorStore store(String url, String apiKey, String collection, String metric, RetryTiming timing) {
        return new QdrantVectorStore(
                new IndexingConfig.Qdrant(url, apiKey, collection, metric),
                AdvancedConfig.defaults(),
                HttpClients.shared(),
                timing,
                RetrySettings.forService("Qdrant", AdvancedConfig.defaults()));
    }

    @Override
    public VectorStore newStore(String collection, String metric) {
        return new QdrantVectorStore(
                new IndexingConfig.Qdrant(server.baseUrl(), null, collection, metric, null, payloadLayout()),
                AdvancedConfig.defaults(),
                HttpClients.shared(),
                new FakeRetryTiming().timing(),
                RetrySettings.forService("Qdrant", AdvancedConfig.defaults()));
    }

    /** The {@code payload_layout} of the live backend's stores: left empty, so a new collection is nested. */
    String payloadLayout() {
        return null;
    }

    /** How the live backend's stores lay payloads out. */
    QdrantLayout layout() {
        return QdrantLayout.of("nested", null);
    }

    @Override
    public List<StoredChunk> readAll(String collection) {
        return fake.points(collection, layout());
    }

    @Override
    public boolean collectionExists(String collection) {
        return fake.exists(collection);
    }

    @Override
    public VectorStore storeAt(String baseUrl, String collection, RetryTiming timing) {
        return store(baseUrl, KEY, collection, "cosine", timing);
    }

    /** {@code GET /collections/{c}} of a collection vectorsink prepared: 3 dimensions, Cosine, its indexes. */
    static String collectionInfo(int size, String distance) {
        return collectionInfo(size, distance, true);
    }

    static String collectionInfo(int size, String distance, boolean withIndexes) {
        StringBuilder schema = new StringBuilder();
        Map<String, String> indexes = withIndexes ? QdrantJson.PAYLOAD_INDEXES : Map.of();
        indexes.forEach((field, type) -> schema.append(schema.length() == 0 ? "" : ",")
                .append("\"")
                .append(field)
                .append("\":{\"data_type\":\"")
                .append(type)
                .append("\",\"points\":0}"));
        return "{\"result\":{\"status\":\"green\",\"optimizer_status\":\"ok\",\"points_count\":0,\"segments_count\":2,"
                + "\"config\":{\"params\":{\"vectors\":{\"size\":" + size + ",\"distance\":\"" + distance + "\"},"
                + "\"shard_number\":1,\"replication_factor\":1,\"on_disk_payload\":true},"
                + "\"hnsw_config\":{\"m\":16,\"ef_construct\":100,\"full_scan_threshold\":10000},"
                + "\"optimizer_config\":{\"deleted_threshold\":0.2,\"vacuum_min_vector_number\":1000,"
                + "\"default_segment_number\":0,\"flush_interval_sec\":5}},"
                + "\"payload_schema\":{" + schema + "}},\"status\":\"ok\",\"time\":0.000021}";
    }

    static final String COMPLETED =
            "{\"result\":{\"operation_id\":7,\"status\":\"completed\"},\"status\":\"ok\",\"time\":0.002}";

    @Override
    public void stubHealthyEmptyCollection(WireMockServer wireMock, String collection) {
        wireMock.stubFor(get("/collections/" + collection).willReturn(okJson(collectionInfo(3, "Cosine"))));
        wireMock.stubFor(upsertStub(collection).willReturn(aResponse().withTransformers(UPSERT_ANSWERS)));
        wireMock.stubFor(post(urlPathEqualTo("/collections/" + collection + "/points/delete"))
                .willReturn(okJson(COMPLETED)));
    }

    @Override
    public MappingBuilder upsertStub(String collection) {
        return put(urlPathEqualTo("/collections/" + collection + "/points"));
    }

    @Override
    public RequestPatternBuilder upsertRequests(String collection) {
        return putRequestedFor(urlPathEqualTo("/collections/" + collection + "/points"));
    }

    @Override
    public int pointsIn(LoggedRequest upsert) {
        try {
            return Json.MAPPER.readTree(upsert.getBody()).path("points").size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int maxPointsPerUpsert() {
        return QdrantVectorStore.MAX_POINTS_PER_UPSERT;
    }

    @Override
    public long maxUpsertBytes() {
        return QdrantVectorStore.MAX_UPSERT_BYTES;
    }

    @Override
    public String successfulUpsertAnswer(String requestBody) {
        return COMPLETED;
    }

    @Override
    public Optional<String> unconfirmedUpsertAnswer(String requestBody) {
        // What Qdrant answers when the update was queued but not applied (no wait, or the wait timed out).
        return Optional.of(
                "{\"result\":{\"operation_id\":8,\"status\":\"acknowledged\"},\"status\":\"ok\",\"time\":0.001}");
    }

    // ---- Qdrant's own request shapes ------------------------------------------------------------

    @Test
    void should_create_nothing_in_check_and_the_collection_with_payload_indexes_in_prepare() {
        withWireMock(wireMock -> {
            String collection = newCollection();
            wireMock.stubFor(get("/collections/" + collection)
                    .inScenario("create")
                    .whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse()
                            .withStatus(404)
                            .withBody("{\"status\":{\"error\":\"Not found: Collection `" + collection
                                    + "` doesn't exist!\"},\"time\":0.0001}")));
            wireMock.stubFor(put("/collections/" + collection)
                    .inScenario("create")
                    .willReturn(okJson("{\"result\":true,\"status\":\"ok\",\"time\":0.1}"))
                    .willSetStateTo("created"));
            wireMock.stubFor(get("/collections/" + collection)
                    .inScenario("create")
                    .whenScenarioStateIs("created")
                    .willReturn(okJson(collectionInfo(3, "Cosine", false))));
            wireMock.stubFor(
                    put(urlPathEqualTo("/collections/" + collection + "/index")).willReturn(okJson(COMPLETED)));
            VectorStore store = storeAt(wireMock.baseUrl(), collection, new FakeRetryTiming().timing());

            store.check(3);
            assertThat(wireMock.findAll(anyRequestedFor(anyUrl())))
                    .extracting(r -> r.getMethod().getName())
                    .containsOnly("GET");

            store.prepare(3);

            wireMock.verify(putRequestedFor(urlEqualTo("/collections/" + collection))
                    .withRequestBody(equalToJson("{\"vectors\":{\"size\":3,\"distance\":\"Cosine\"}}")));
            QdrantJson.PAYLOAD_INDEXES.forEach((field, type) -> wireMock.verify(putRequestedFor(
                            urlEqualTo("/collections/" + collection + "/index?wait=true"))
                    .withRequestBody(equalToJson("{\"field_name\":\""
                            + QdrantLayout.of("nested", null).path(field) + "\",\"field_schema\":\"" + type + "\"}"))));
            assertThat(wireMock.findAll(anyRequestedFor(anyUrl())))
                    .allSatisfy(r -> assertThat(r.getHeader("api-key")).isEqualTo(KEY));
        });
    }

    @Test
    void should_upsert_uuid_points_with_wait_and_the_text_in_the_payload() {
        withWireMock(wireMock -> {
            String collection = newCollection();
            stubHealthyEmptyCollection(wireMock, collection);
            VectorStore store = storeAt(wireMock.baseUrl(), collection, new FakeRetryTiming().timing());
            store.prepare(3);
            ChunkPoint point = VectorStoreContract.chunk(STREAM, "r1", 0, 1, SYNC, 1, 0, 0);

            store.upsert(List.of(point));

            wireMock.verify(putRequestedFor(urlEqualTo("/collections/" + collection + "/points?wait=true"))
                    .withHeader("api-key", equalTo(KEY))
                    .withRequestBody(equalToJson("{\"points\":[{\"id\":\"" + point.id() + "\",\"vector\":[1.0,0.0,0.0],"
                            + "\"payload\":{\"_ab_stream\":\"docs\",\"_ab_namespace\":\"\",\"_ab_record_id\":\"r1\","
                            + "\"_ab_chunk_index\":0,\"_ab_generation_id\":1,\"_ab_sync_id\":\"sync-1\","
                            + "\"text\":\"r1 chunk 0\"}}]}")));
        });
    }

    @Test
    void should_keep_the_chunk_text_when_the_metadata_has_a_text_field() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        ChunkPoint base = VectorStoreContract.chunk(STREAM, "r1", 0, 1, SYNC, 1, 0, 0);
        Map<String, Object> metadata = new LinkedHashMap<>(base.metadata());
        metadata.put("text", "the whole record's text");

        store.upsert(List.of(new ChunkPoint(base.id(), base.vector(), "the chunk", metadata)));

        assertThat(readAll(collection)).singleElement().satisfies(stored -> {
            assertThat(stored.document()).isEqualTo("the chunk");
            // Flat, the text key is the chunk text's; nested, the metadata object holds its own "text".
            assertThat(stored.metadata()).isEqualTo(layout().nested() ? metadata : base.metadata());
        });
    }

    @Test
    void should_size_trims_and_upserts_to_the_collections_strict_mode_limits() {
        String collection = newCollection();
        newStore(collection, "cosine").prepare(3);
        fake.strictMode(collection, 100, 64);
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        List<ChunkPoint> points = new ArrayList<>();
        List<RecordTrim> trims = new ArrayList<>();
        for (int r = 0; r < 300; r++) {
            points.addAll(VectorStoreContract.record("r" + r, 2, "v1"));
            trims.add(new RecordTrim(STREAM, "r" + r, 1));
        }

        store.upsert(points);
        store.deleteChunks(trims);

        assertThat(readAll(collection)).hasSize(300).allSatisfy(chunk -> assertThat(chunk.chunkIndex())
                .isZero());
    }

    @Test
    void should_create_collections_with_qdrants_names_for_each_metric() {
        for (String[] names : new String[][] {{"cosine", "Cosine"}, {"l2", "Euclid"}, {"ip", "Dot"}}) {
            withWireMock(wireMock -> {
                String collection = newCollection();
                wireMock.stubFor(get("/collections/" + collection)
                        .willReturn(aResponse()
                                .withStatus(404)
                                .withBody("{\"status\":{\"error\":\"Not found: " + "Collection `" + collection
                                        + "` doesn't exist!\"}}")));
                wireMock.stubFor(put("/collections/" + collection)
                        .willReturn(aResponse()
                                .withStatus(409)
                                .withBody("{\"status\":{\"error\":\"Wrong input: " + "Collection `" + collection
                                        + "` already exists!\"}}")));
                VectorStore store =
                        store(wireMock.baseUrl(), null, collection, names[0], new FakeRetryTiming().timing());

                assertThatThrownBy(() -> store.prepare(3)).isInstanceOf(ConfigException.class);
                wireMock.verify(putRequestedFor(urlEqualTo("/collections/" + collection))
                        .withRequestBody(equalToJson("{\"vectors\":{\"size\":3,\"distance\":\"" + names[1] + "\"}}")));
            });
        }
    }

    @Test
    void should_say_the_url_is_not_qdrant_when_a_404_is_not_qdrants() {
        withWireMock(wireMock -> {
            String collection = newCollection();
            wireMock.stubFor(get("/collections/" + collection)
                    .willReturn(aResponse().withStatus(404).withBody("<html>nginx</html>")));
            VectorStore store = storeAt(wireMock.baseUrl(), collection, new FakeRetryTiming().timing());

            assertThatThrownBy(() -> store.check(3))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("does not answer like Qdrant");
        });
    }

    @Test
    void should_refuse_a_collection_with_named_vectors() {
        withWireMock(wireMock -> {
            String collection = newCollection();
            wireMock.stubFor(get("/collections/" + collection)
                    .willReturn(okJson(collectionInfo(3, "Cosine")
                            .replace(
                                    "\"vectors\":{\"size\":3,\"distance\":\"Cosine\"}",
                                    "\"vectors\":{\"dense\":{\"size\":3,\"distance\":\"Cosine\"}}"))));
            VectorStore store = storeAt(wireMock.baseUrl(), collection, new FakeRetryTiming().timing());

            assertThatThrownBy(() -> store.check(3))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("named vectors");
        });
    }

    // ---- reads for skipping unchanged records -----------------------------------------------------

    /** {@code chunk} as a newer version of its record wrote it: other chunk and record hashes. */
    static ChunkPoint rewritten(ChunkPoint chunk, String version) {
        Map<String, Object> metadata = new LinkedHashMap<>(chunk.metadata());
        metadata.put(ChunkFields.CHUNK_HASH, metadata.get(ChunkFields.CHUNK_HASH) + "-" + version);
        metadata.put(ChunkFields.RECORD_HASH, metadata.get(ChunkFields.RECORD_HASH) + "-" + version);
        return new ChunkPoint(chunk.id(), chunk.vector(), version + " " + chunk.document(), metadata);
    }

    @Test
    void should_read_for_skipping_from_all_replicas_so_a_lagging_one_cannot_show_an_older_version() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        List<ChunkPoint> a = LookupContract.hashedRecord(STREAM, "r1", 2);
        store.upsert(a); // version A
        fake.lagReplica(collection); // one replica stops applying writes here
        List<ChunkPoint> b = a.stream().map(chunk -> rewritten(chunk, "B")).toList();
        store.upsert(b); // version B, applied by the other replica only
        store.upsert(LookupContract.hashedRecord(STREAM, "new", 1));

        // The next sync brings version A again. Had the lookup read the lagging replica, it would see A's
        // hashes, call the record unchanged and leave B in place.
        Map<String, List<KnownChunk>> known = store.lookup(STREAM, List.of("r1", "new"));

        assertThat(known.get("r1")).extracting(KnownChunk::recordHash).containsOnly((String)
                b.get(0).metadata().get(ChunkFields.RECORD_HASH));
        assertThat(known)
                .as("a point only the current replica holds is not seen: it is embedded again")
                .doesNotContainKey("new");
        assertThat(store.storedVectors(STREAM, List.of(PointIds.forChunk("new", 0))))
                .isEmpty();
        assertThat(server.findAll(
                        postRequestedFor(urlPathMatching("/collections/" + collection + "/points(/scroll)?"))))
                .allSatisfy(
                        read -> assertThat(read.queryParameter("consistency").firstValue())
                                .isEqualTo("all"));

        // What a read with Qdrant's default consistency (one replica) would have shown: the older version.
        JsonNode oneReplica = scroll(
                collection,
                "{\"filter\":{\"must\":[{\"key\":\"" + layout().path(ChunkFields.RECORD_ID) + "\","
                        + "\"match\":{\"value\":\"r1\"}}]},\"with_payload\":true,\"with_vector\":false}");
        assertThat(layout().metadataOf(
                                oneReplica.path("result").path("points").get(0).path("payload"))
                        .path(ChunkFields.RECORD_HASH)
                        .asText())
                .isEqualTo(a.get(0).metadata().get(ChunkFields.RECORD_HASH));
        fake.catchUp(collection);
        assertThat(store.lookup(STREAM, List.of("new"))).containsKey("new");
    }

    @Test
    void should_follow_next_page_offset_and_read_only_the_connectors_fields_without_vectors() {
        String collection = newCollection();
        newStore(collection, "cosine").prepare(3);
        fake.strictMode(collection, 1000, 256);
        fake.maxQueryLimit(collection, 2);
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        store.upsert(LookupContract.hashedRecord(STREAM, "long", 5));
        int before = server.findAll(postRequestedFor(urlPathMatching("/collections/.*/points/scroll")))
                .size();

        Map<String, List<KnownChunk>> known = store.lookup(STREAM, List.of("long"));

        assertThat(known.get("long")).extracting(KnownChunk::chunkIndex).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        List<LoggedRequest> scrolls =
                server.findAll(postRequestedFor(urlPathMatching("/collections/.*/points/scroll")));
        assertThat(scrolls.size() - before).isEqualTo(3);
        JsonNode body = json(scrolls.get(scrolls.size() - 1).getBodyAsString());
        assertThat(body.path("with_vector").asBoolean(true)).isFalse();
        assertThat(body.path("limit").asInt()).isEqualTo(2);
        assertThat(body.path("with_payload")).extracting(JsonNode::asText).doesNotContain(ChunkFields.TEXT, "title");
    }

    @Test
    void should_set_the_connectors_fields_with_wait_and_refuse_other_fields() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        List<ChunkPoint> points = LookupContract.hashedRecord(STREAM, "r1", 1);
        store.upsert(points);

        store.updateOwnFields(STREAM, List.of(points.get(0).id()), Map.of(ChunkFields.SYNC_ID, "sync-9"));

        LoggedRequest update = server.findAll(postRequestedFor(urlPathMatching("/collections/.*/points/payload")))
                .get(0);
        assertThat(update.queryParameter("wait").firstValue()).isEqualTo("true");
        assertThat(layout().metadataOf(
                                fake.payloads(collection).get(points.get(0).id()))
                        .path(ChunkFields.SYNC_ID)
                        .asText())
                .isEqualTo("sync-9");
        assertThatThrownBy(() ->
                        store.updateOwnFields(STREAM, List.of(points.get(0).id()), Map.of("title", "x")))
                .hasMessageContaining("title");
    }

    private static JsonNode scroll(String collection, String body) {
        try {
            var request = java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(server.baseUrl() + "/collections/" + collection + "/points/scroll"))
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                    .build();
            return json(java.net.http.HttpClient.newHttpClient()
                    .send(request, java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
