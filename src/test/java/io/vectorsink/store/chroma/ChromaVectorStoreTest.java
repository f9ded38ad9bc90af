package io.vectorsink.store.chroma;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.config.IndexingConfig.ChromaAuth;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.Secrets;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.protocol.Json;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.testing.FakeRetryTiming;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Request shapes, authentication and error classification, against WireMock standing in for Chroma. */
class ChromaVectorStoreTest {
    private static final String COLLECTIONS = "/api/v2/tenants/default_tenant/databases/default_database/collections";
    private static final String ID = "6f1c1a3e-0000-4000-8000-000000000001";
    private static final String TOKEN = "chroma-token-123456";

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private final FakeRetryTiming clock = new FakeRetryTiming();

    @BeforeEach
    void healthyServer() {
        server.stubFor(get("/api/v2/heartbeat").willReturn(okJson("{\"nanosecond heartbeat\":1}")));
        server.stubFor(get("/api/v2/tenants/default_tenant").willReturn(okJson("{\"name\":\"default_tenant\"}")));
        server.stubFor(get("/api/v2/tenants/default_tenant/databases/default_database")
                .willReturn(okJson("{\"name\":\"default_database\"}")));
        server.stubFor(get(COLLECTIONS + "/docs").willReturn(aResponse().withStatus(404)));
        server.stubFor(post(COLLECTIONS).willReturn(okJson(collection(null, "cosine"))));
        server.stubFor(get("/api/v2/pre-flight-checks").willReturn(okJson("{\"max_batch_size\":2}")));
        server.stubFor(post(COLLECTIONS + "/" + ID + "/get").willReturn(okJson("{\"ids\":[],\"metadatas\":[]}")));
        server.stubFor(post(COLLECTIONS + "/" + ID + "/upsert").willReturn(okJson("{}")));
        server.stubFor(post(COLLECTIONS + "/" + ID + "/delete").willReturn(okJson("{}")));
    }

    @AfterEach
    void tearDown() {
        Secrets.clear();
    }

    private static String collection(Integer dimension, String space) {
        return "{\"id\":\"" + ID + "\",\"name\":\"docs\",\"dimension\":" + dimension
                + ",\"configuration_json\":{\"hnsw\":{\"space\":\"" + space + "\"}}}";
    }

    private ChromaVectorStore store(ChromaAuth auth) {
        IndexingConfig.Chroma config = new IndexingConfig.Chroma(
                server.baseUrl(), "default_tenant", "default_database", "docs", "cosine", auth);
        RetrySettings retry =
                new RetrySettings("Chroma", 4, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofMinutes(5));
        return new ChromaVectorStore(config, AdvancedConfig.defaults(), HttpClients.shared(), clock.timing(), retry);
    }

    private static ChunkPoint point(String id, Map<String, Object> metadata) {
        return new ChunkPoint(id, new float[] {0.5f, -1.25f, 3e-7f}, "text of " + id, metadata);
    }

    @Test
    void should_send_a_bearer_token_when_auth_is_an_authorization_token() {
        store(new ChromaAuth.Token(TOKEN, "authorization")).check(3);

        server.verify(getRequestedFor(urlEqualTo("/api/v2/heartbeat"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
        server.verify(getRequestedFor(urlEqualTo(COLLECTIONS + "/docs"))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    }

    @Test
    void should_send_x_chroma_token_when_asked() {
        store(new ChromaAuth.Token(TOKEN, "x_chroma_token")).check(3);

        server.verify(getRequestedFor(urlEqualTo("/api/v2/tenants/default_tenant"))
                .withHeader("X-Chroma-Token", equalTo(TOKEN))
                .withoutHeader("Authorization"));
    }

    @Test
    void should_send_basic_credentials_when_auth_is_basic() {
        store(new ChromaAuth.Basic("admin", "pa55word!")).check(3);

        server.verify(getRequestedFor(urlEqualTo("/api/v2/heartbeat"))
                .withHeader("Authorization", equalTo("Basic YWRtaW46cGE1NXdvcmQh")));
    }

    @Test
    void should_fail_check_with_plain_words_when_chroma_answers_401() {
        server.stubFor(get("/api/v2/tenants/default_tenant")
                .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"bad token " + TOKEN + "\"}")));

        assertThatThrownBy(() ->
                        store(new ChromaAuth.Token(TOKEN, "authorization")).check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Chroma rejected the credentials (HTTP 401)");
        server.verify(1, getRequestedFor(urlEqualTo("/api/v2/tenants/default_tenant")));
    }

    @Test
    void should_fail_check_with_plain_words_when_chroma_answers_403() {
        server.stubFor(get("/api/v2/heartbeat").willReturn(aResponse().withStatus(403)));

        assertThatThrownBy(() ->
                        store(new ChromaAuth.Token(TOKEN, "authorization")).check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Chroma refused access (HTTP 403): check the credentials and that they have the"
                        + " permissions the connector needs");
    }

    @Test
    void should_fail_check_when_the_server_has_no_api_v2() {
        server.stubFor(get("/api/v2/heartbeat").willReturn(aResponse().withStatus(404)));

        assertThatThrownBy(() -> store(null).check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("does not answer Chroma's API v2 heartbeat")
                .hasMessageContaining("Chroma 1.0 or later");
    }

    @Test
    void should_redact_the_token_when_a_refusal_echoes_it() {
        ChromaVectorStore store = store(new ChromaAuth.Token(TOKEN, "authorization"));
        store.prepare(3);
        server.stubFor(post(COLLECTIONS + "/" + ID + "/upsert")
                .willReturn(aResponse().withStatus(422).withBody("header was Bearer " + TOKEN)));

        assertThatThrownBy(() -> store.upsert(List.of(point("p1", Map.of()))))
                .isInstanceOf(SystemException.class)
                .hasMessageContaining("Bearer ****")
                .hasMessageNotContaining(TOKEN);
    }

    @Test
    void should_split_upserts_by_the_published_max_batch_size() {
        ChromaVectorStore store = store(null);
        store.prepare(3);
        List<ChunkPoint> points = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            points.add(point("p" + i, Map.of()));
        }

        store.upsert(points);

        server.verify(3, postRequestedFor(urlEqualTo(COLLECTIONS + "/" + ID + "/upsert")));
    }

    @Test
    void should_write_ids_vectors_documents_and_typed_metadata() throws Exception {
        ChromaVectorStore store = store(null);
        store.prepare(3);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("_ab_stream", "s");
        metadata.put("_ab_chunk_index", 2L);
        metadata.put("score", 0.25);
        metadata.put("ok", true);

        store.upsert(List.of(point("p1", metadata)));

        LoggedRequest request = upsertRequests().get(0);
        JsonNode body = Json.MAPPER.readTree(request.getBodyAsString());
        assertThat(body.get("ids").toString()).isEqualTo("[\"p1\"]");
        assertThat(body.get("embeddings").get(0).size()).isEqualTo(3);
        assertThat(body.get("embeddings").get(0).get(1).asDouble()).isEqualTo(-1.25);
        assertThat(body.get("documents").toString()).isEqualTo("[\"text of p1\"]");
        assertThat(body.get("metadatas").get(0).toString())
                .isEqualTo("{\"_ab_stream\":\"s\",\"_ab_chunk_index\":2,\"score\":0.25,\"ok\":true}");
    }

    @Test
    void should_remove_vanished_metadata_keys_and_documents_of_existing_ids() throws Exception {
        server.stubFor(post(COLLECTIONS + "/" + ID + "/get")
                .willReturn(okJson("{\"ids\":[\"p1\"],\"metadatas\":[{\"author\":\"x\",\"_ab_chunk_index\":0}],"
                        + "\"documents\":[\"old text\"]}")));
        ChromaVectorStore store = store(null);
        store.prepare(3);

        store.upsert(List.of(new ChunkPoint("p1", new float[] {1, 0, 0}, null, Map.of("_ab_chunk_index", 0L))));

        server.verify(postRequestedFor(urlEqualTo(COLLECTIONS + "/" + ID + "/get"))
                .withRequestBody(equalToJson("{\"ids\":[\"p1\"],\"include\":[\"metadatas\",\"documents\"]}")));
        JsonNode body = Json.MAPPER.readTree(upsertRequests().get(0).getBodyAsString());
        assertThat(body.get("metadatas").get(0).toString()).isEqualTo("{\"_ab_chunk_index\":0,\"author\":null}");
        assertThat(body.get("documents").toString()).isEqualTo("[\"\"]");
    }

    @Test
    void should_retry_an_upsert_when_chroma_answers_503_then_ack() {
        String upsert = COLLECTIONS + "/" + ID + "/upsert";
        server.stubFor(post(upsert)
                .inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("recovered"));
        server.stubFor(post(upsert)
                .inScenario("flaky")
                .whenScenarioStateIs("recovered")
                .willReturn(okJson("{}")));
        ChromaVectorStore store = store(null);
        store.prepare(3);

        store.upsert(List.of(point("p1", Map.of())));

        server.verify(2, postRequestedFor(urlEqualTo(upsert)));
        assertThat(clock.sleeps()).hasSize(1);
    }

    @Test
    void should_fail_transiently_when_upserts_keep_failing() {
        server.stubFor(
                post(COLLECTIONS + "/" + ID + "/upsert").willReturn(aResponse().withStatus(500)));
        ChromaVectorStore store = store(null);
        store.prepare(3);

        assertThatThrownBy(() -> store.upsert(List.of(point("p1", Map.of()))))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("Chroma")
                .hasMessageContaining("4 attempts")
                .hasMessageContaining("HTTP 500");
    }

    @Test
    void should_split_a_batch_when_chroma_answers_413() {
        String upsert = COLLECTIONS + "/" + ID + "/upsert";
        server.stubFor(post(upsert)
                .inScenario("too large")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(413))
                .willSetStateTo("small enough"));
        server.stubFor(post(upsert)
                .inScenario("too large")
                .whenScenarioStateIs("small enough")
                .willReturn(okJson("{}")));
        ChromaVectorStore store = store(null);
        store.prepare(3);

        store.upsert(List.of(point("p1", Map.of()), point("p2", Map.of())));

        server.verify(3, postRequestedFor(urlEqualTo(upsert)));
    }

    @Test
    void should_report_a_dimension_refusal_as_a_config_problem() {
        server.stubFor(post(COLLECTIONS + "/" + ID + "/upsert")
                .willReturn(aResponse()
                        .withStatus(400)
                        .withBody("{\"error\":\"InvalidArgumentError\",\"message\":\"Collection expecting embedding"
                                + " with dimension of 768, got 3\"}")));
        ChromaVectorStore store = store(null);
        store.prepare(3);

        assertThatThrownBy(() -> store.upsert(List.of(point("p1", Map.of()))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dimension of 768, got 3");
    }

    @Test
    void should_refuse_writes_before_prepare() {
        assertThatThrownBy(() -> store(null).upsert(List.of(point("p1", Map.of()))))
                .isInstanceOf(SystemException.class)
                .hasMessageContaining("prepared");
    }

    @Test
    void should_send_nothing_when_there_is_nothing_to_delete() {
        ChromaVectorStore store = store(null);
        store.prepare(3);

        store.deleteChunks(List.of());
        store.upsert(List.of());

        server.verify(0, postRequestedFor(urlEqualTo(COLLECTIONS + "/" + ID + "/delete")));
        server.verify(0, postRequestedFor(urlEqualTo(COLLECTIONS + "/" + ID + "/upsert")));
    }

    @Test
    void should_refuse_plain_http_to_a_remote_host_without_any_io() {
        IndexingConfig.Chroma config = new IndexingConfig.Chroma(
                "http://chroma.example.com:8000", null, null, "docs", "cosine", new ChromaAuth.None());

        assertThatThrownBy(() -> new ChromaVectorStore(config, AdvancedConfig.defaults()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .singleElement()
                        .satisfies(p -> assertThat(p).contains("must use https")));
    }

    @Test
    void should_keep_a_path_prefix_when_chroma_is_behind_a_proxy() {
        server.stubFor(get("/chroma/api/v2/heartbeat").willReturn(okJson("{}")));
        server.stubFor(get("/chroma/api/v2/tenants/default_tenant").willReturn(okJson("{}")));
        server.stubFor(get("/chroma/api/v2/tenants/default_tenant/databases/default_database")
                .willReturn(okJson("{}")));
        server.stubFor(
                get("/chroma" + COLLECTIONS + "/docs").willReturn(aResponse().withStatus(404)));
        IndexingConfig.Chroma config = new IndexingConfig.Chroma(
                server.baseUrl() + "/chroma/", "default_tenant", "default_database", "docs", "cosine", null);

        new ChromaVectorStore(config, AdvancedConfig.defaults()).check(3);

        server.verify(getRequestedFor(urlEqualTo("/chroma/api/v2/heartbeat")));
    }

    private static List<LoggedRequest> upsertRequests() {
        return server.findAll(postRequestedFor(urlEqualTo(COLLECTIONS + "/" + ID + "/upsert")));
    }

    private static String page(String... ids) {
        StringBuilder metadatas = new StringBuilder();
        for (String id : ids) {
            metadatas
                    .append(metadatas.length() == 0 ? "" : ",")
                    .append(
                            "{\"_ab_stream\":\"docs\",\"_ab_namespace\":\"\",\"_ab_record_id\":\"r1\",\"_ab_chunk_index\":")
                    .append(id.substring(1))
                    .append(",\"_ab_chunk_count\":5,\"_ab_chunk_hash\":\"h")
                    .append(id)
                    .append("\",\"_ab_record_hash\":\"r\",\"_ab_generation_id\":3,\"_ab_sync_id\":\"s\"}");
        }
        return "{\"ids\":[\"" + String.join("\",\"", ids) + "\"],\"metadatas\":[" + metadatas + "]}";
    }

    @Test
    void should_look_up_page_by_page_with_metadatas_only_until_a_page_comes_back_short() throws Exception {
        String get = COLLECTIONS + "/" + ID + "/get";
        for (int offset : new int[] {0, 2, 4}) {
            String[] ids = offset == 4 ? new String[] {"c4"} : new String[] {"c" + offset, "c" + (offset + 1)};
            server.stubFor(post(get)
                    .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                            "$.offset", equalTo(String.valueOf(offset))))
                    .willReturn(okJson(page(ids))));
        }
        ChromaVectorStore store = store(null);
        store.prepare(3);

        var known = store.lookup(io.vectorsink.protocol.StreamId.of("docs"), List.of("r1"));

        assertThat(known.get("r1"))
                .extracting(io.vectorsink.store.KnownChunk::chunkIndex)
                .containsExactly(0, 1, 2, 3, 4);
        assertThat(known.get("r1").get(2))
                .isEqualTo(new io.vectorsink.store.KnownChunk("c2", "r1", 2, 5, "hc2", "r", 3L, "s"));
        List<LoggedRequest> gets = server.findAll(postRequestedFor(urlEqualTo(get)));
        assertThat(gets).hasSize(3);
        for (LoggedRequest request : gets) {
            JsonNode body = Json.MAPPER.readTree(request.getBodyAsString());
            assertThat(body.get("include").toString()).isEqualTo("[\"metadatas\"]");
            assertThat(body.get("limit").asInt()).isEqualTo(2);
            assertThat(body.has("ids")).isFalse();
            // The record ids alone select the chunks; the stream is checked on the answer (see lookup).
            assertThat(body.get("where").toString())
                    .contains("\"_ab_record_id\":\"r1\"")
                    .doesNotContain("_ab_stream");
        }
    }

    @Test
    void should_say_whether_the_collection_was_empty_when_prepared_and_not_when_the_count_is_unknown() {
        ChromaVectorStore unknown = store(null);
        unknown.prepare(3);
        assertThat(unknown.emptyWhenPrepared()).isFalse(); // no count answer: lookups stay on

        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(COLLECTIONS + "/" + ID + "/count")
                .willReturn(okJson("0")));
        ChromaVectorStore empty = store(null);
        empty.prepare(3);
        assertThat(empty.emptyWhenPrepared()).isTrue();

        server.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(COLLECTIONS + "/" + ID + "/count")
                .willReturn(okJson("17")));
        ChromaVectorStore filled = store(null);
        filled.prepare(3);
        assertThat(filled.emptyWhenPrepared()).isFalse();
    }

    @Test
    void should_leave_out_chunks_of_another_stream_that_share_a_record_id() {
        String sameId = "{\"ids\":[\"a0\",\"b0\"],\"metadatas\":["
                + "{\"_ab_stream\":\"docs\",\"_ab_namespace\":\"\",\"_ab_record_id\":\"r1\",\"_ab_chunk_index\":0},"
                + "{\"_ab_stream\":\"docs\",\"_ab_namespace\":\"ns\",\"_ab_record_id\":\"r1\",\"_ab_chunk_index\":0}]}";
        // The first page holds both chunks; the next one, empty, ends the lookup.
        server.stubFor(post(COLLECTIONS + "/" + ID + "/get")
                .withRequestBody(
                        com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.offset", equalTo("0")))
                .willReturn(okJson(sameId)));
        server.stubFor(post(COLLECTIONS + "/" + ID + "/get")
                .withRequestBody(
                        com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.offset", equalTo("2")))
                .willReturn(okJson("{\"ids\":[],\"metadatas\":[]}")));
        ChromaVectorStore store = store(null);
        store.prepare(3);

        var known = store.lookup(io.vectorsink.protocol.StreamId.of("docs"), List.of("r1"));

        assertThat(known.get("r1"))
                .extracting(io.vectorsink.store.KnownChunk::id)
                .containsExactly("a0");
    }

    @Test
    void should_read_stored_vectors_by_id_with_embeddings_only_in_groups_of_max_batch_size() throws Exception {
        String get = COLLECTIONS + "/" + ID + "/get";
        server.stubFor(post(get).willReturn(okJson("{\"ids\":[\"a\",\"b\"],\"embeddings\":[[1,0,0],null]}")));
        ChromaVectorStore store = store(null);
        store.prepare(3);

        var vectors = store.storedVectors(io.vectorsink.protocol.StreamId.of("docs"), List.of("a", "b", "c"));

        assertThat(vectors).containsOnlyKeys("a");
        assertThat(vectors.get("a")).containsExactly(1f, 0f, 0f);
        List<LoggedRequest> gets = server.findAll(postRequestedFor(urlEqualTo(get)));
        assertThat(gets).hasSize(2);
        JsonNode first = Json.MAPPER.readTree(gets.get(0).getBodyAsString());
        assertThat(first.get("ids").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(first.get("include").toString()).isEqualTo("[\"embeddings\"]");
    }
}
