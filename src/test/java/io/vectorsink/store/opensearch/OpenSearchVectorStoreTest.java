package io.vectorsink.store.opensearch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.config.IndexingConfig.OpenSearchAuth;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.Secrets;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.VectorStore.RecordTrim;
import io.vectorsink.store.VectorStoreContract;
import io.vectorsink.testing.FakeRetryTiming;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** OpenSearch request shapes, credentials and item-level acknowledgement, against WireMock. */
class OpenSearchVectorStoreTest {
    private static final StreamId STREAM = StreamId.of("docs");

    private static final String INDEX = "docs";

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private final FakeRetryTiming clock = new FakeRetryTiming();

    @BeforeEach
    void healthyCluster() {
        server.stubFor(get("/").willReturn(okJson(OpenSearchContractIT.ROOT)));
        server.stubFor(
                get("/" + INDEX).willReturn(okJson(OpenSearchContractIT.indexDescription(INDEX, 3, "cosinesimil"))));
        server.stubFor(put("/" + INDEX + "/_mapping").willReturn(okJson("{\"acknowledged\":true}")));
        server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_delete_by_query"))
                .willReturn(okJson("{\"took\":1,\"timed_out\":false,\"deleted\":2,\"failures\":[]}")));
        server.stubFor(post("/" + INDEX + "/_refresh").willReturn(okJson("{\"_shards\":{\"failed\":0}}")));
    }

    @AfterEach
    void forgetSecrets() {
        Secrets.clear();
    }

    private OpenSearchVectorStore store(String metric, String refresh, OpenSearchAuth auth) {
        return new OpenSearchVectorStore(
                new IndexingConfig.OpenSearch(server.baseUrl(), INDEX, metric, refresh, auth),
                AdvancedConfig.defaults(),
                HttpClients.shared(),
                clock.timing(),
                RetrySettings.forService("OpenSearch", AdvancedConfig.defaults()));
    }

    private OpenSearchVectorStore prepared() {
        OpenSearchVectorStore store = store("cosine", "wait_for", null);
        store.prepare(3);
        return store;
    }

    private static List<ChunkPoint> points(int n) {
        return VectorStoreContract.record("r1", n, "v1");
    }

    private static List<String> ids(List<ChunkPoint> points) {
        return points.stream().map(ChunkPoint::id).toList();
    }

    @Test
    void should_create_a_lucene_hnsw_knn_vector_index_with_the_space_type_of_the_metric() {
        String[][] metrics = {{"cosine", "cosinesimil"}, {"l2", "l2"}, {"ip", "innerproduct"}};
        for (String[] metric : metrics) {
            server.resetAll();
            server.stubFor(get("/").willReturn(okJson(OpenSearchContractIT.ROOT)));
            ElasticsearchCompatibilityTest.missingIndexThenCreated(
                    server, INDEX, OpenSearchContractIT.indexDescription(INDEX, 3, metric[1]));

            store(metric[0], "wait_for", null).prepare(3);

            server.verify(putRequestedFor(urlEqualTo("/" + INDEX))
                    .withRequestBody(matchingJsonPath("$.settings.index.knn", equalTo("true")))
                    .withRequestBody(matchingJsonPath("$.mappings.properties.vector.type", equalTo("knn_vector")))
                    .withRequestBody(matchingJsonPath("$.mappings.properties.vector.dimension", equalTo("3")))
                    .withRequestBody(matchingJsonPath("$.mappings.properties.vector.method.engine", equalTo("lucene")))
                    .withRequestBody(matchingJsonPath("$.mappings.properties.vector.method.name", equalTo("hnsw")))
                    .withRequestBody(
                            matchingJsonPath("$.mappings.properties.vector.method.space_type", equalTo(metric[1])))
                    .withRequestBody(matchingJsonPath(
                            "$.mappings.properties.metadata.properties._ab_record_id.type", equalTo("keyword")))
                    .withRequestBody(matchingJsonPath(
                            "$.mappings.properties.metadata.properties._ab_chunk_index.type", equalTo("long"))));
        }
    }

    @Test
    void should_send_basic_credentials_and_api_keys_and_redact_them() {
        store("cosine", "wait_for", new OpenSearchAuth.Basic("admin", "pw-654321"))
                .check(3);
        server.verify(
                getRequestedFor(urlEqualTo("/")).withHeader("Authorization", equalTo("Basic YWRtaW46cHctNjU0MzIx")));

        store("cosine", "wait_for", new OpenSearchAuth.ApiKey("a2V5OnNlY3JldA=="))
                .check(3);
        server.verify(getRequestedFor(urlEqualTo("/")).withHeader("Authorization", equalTo("ApiKey a2V5OnNlY3JldA==")));

        server.stubFor(get("/").willReturn(aResponse().withStatus(401).withBody("bad key a2V5OnNlY3JldA==")));
        assertThatThrownBy(() -> store("cosine", "wait_for", new OpenSearchAuth.ApiKey("a2V5OnNlY3JldA=="))
                        .check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("401")
                .hasMessageNotContaining("a2V5OnNlY3JldA==");
    }

    @Test
    void should_send_the_refresh_policy_with_every_bulk_and_make_deletes_see_every_write() {
        server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_bulk"))
                .willReturn(okJson(OpenSearchContractIT.bulkAnswer(ids(points(1)), -1))));
        for (String refresh : List.of("wait_for", "true", "false")) {
            server.resetRequests();
            OpenSearchVectorStore store = store("cosine", refresh, null);
            store.prepare(3);

            store.upsert(points(1));
            store.deleteChunks(List.of(new RecordTrim(STREAM, "r1", 1)));
            store.deleteStale(StreamId.of("docs"), new StaleFilter.OlderGeneration(2));

            server.verify(postRequestedFor(urlEqualTo("/" + INDEX + "/_bulk?refresh=" + refresh))
                    .withHeader("Content-Type", equalTo("application/x-ndjson")));
            String deleteRefresh = refresh.equals("false") ? "false" : "true";
            server.verify(
                    2,
                    postRequestedFor(urlEqualTo(
                            "/" + INDEX + "/_delete_by_query?refresh=" + deleteRefresh + "&conflicts=proceed")));
            // _delete_by_query sees only searchable documents: without a refresh per write, refresh first.
            server.verify(refresh.equals("false") ? 2 : 0, postRequestedFor(urlEqualTo("/" + INDEX + "/_refresh")));
        }
    }

    @Test
    void should_send_again_only_the_documents_refused_with_429_then_acknowledge() {
        List<ChunkPoint> points = points(3);
        String busy = OpenSearchContractIT.bulkAnswer(ids(points), -1)
                .replaceFirst(
                        "\"_version\":1,\"result\":\"created\",\"status\":201",
                        "\"status\":429,\"error\":{\"type\":\"es_rejected_execution_exception\",\"reason\":\"queue full\"}")
                .replace("\"errors\":false", "\"errors\":true");
        server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_bulk"))
                .inScenario("busy")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(busy))
                .willSetStateTo("retry"));
        server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_bulk"))
                .inScenario("busy")
                .whenScenarioStateIs("retry")
                .willReturn(okJson(
                        OpenSearchContractIT.bulkAnswer(List.of(points.get(0).id()), -1))));
        OpenSearchVectorStore store = prepared();

        store.upsert(points);

        List<LoggedRequest> bulks = server.findAll(postRequestedFor(urlPathEqualTo("/" + INDEX + "/_bulk")));
        assertThat(bulks).hasSize(2);
        assertThat(OpenSearchContractIT.actionIds(bulks.get(1).getBodyAsString()))
                .containsExactly(points.get(0).id());
        assertThat(clock.sleeps()).hasSize(1);
    }

    /** A bulk answer that refuses {@code point}'s document with 429, as a full write queue does. */
    private static String refusedWith429(ChunkPoint point) {
        return "{\"errors\":true,\"items\":[{\"index\":{\"_id\":\"" + point.id()
                + "\",\"status\":429,\"error\":{\"type\":\"es_rejected_execution_exception\"}}}]}";
    }

    @Test
    void should_fail_transiently_naming_sends_and_time_when_documents_stay_refused_with_429() {
        List<ChunkPoint> points = points(1);
        server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_bulk")).willReturn(okJson(refusedWith429(points.get(0)))));
        OpenSearchVectorStore store = prepared();

        assertThatThrownBy(() -> store.upsert(points))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("es_rejected_execution_exception")
                .hasMessageContaining("still refused after 10 sends in "
                        + String.format(Locale.ROOT, "%.1f s", clock.slept().toMillis() / 1000.0));
        assertThat(clock.sleeps()).hasSize(9);
    }

    @Test
    void should_keep_the_halves_of_a_request_too_large_within_the_bound_of_the_whole() {
        List<ChunkPoint> points = points(2);
        String first = points.get(0).id();
        String second = points.get(1).id();
        server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_bulk"))
                .atPriority(1)
                .withRequestBody(containing(first))
                .withRequestBody(containing(second))
                .willReturn(aResponse().withStatus(413)));
        // The first half is refused four times (0.25 + 0.5 + 1 + 2 s of waits), then stored; the second is
        // always refused. Had the second half a budget of its own, it would wait 3.75 s more.
        List<String> states = List.of(Scenario.STARTED, "1", "2", "3", "stored");
        for (int i = 0; i < 4; i++) {
            server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_bulk"))
                    .atPriority(2)
                    .inScenario("first half")
                    .whenScenarioStateIs(states.get(i))
                    .withRequestBody(containing(first))
                    .willReturn(okJson(refusedWith429(points.get(0))))
                    .willSetStateTo(states.get(i + 1)));
        }
        server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_bulk"))
                .atPriority(2)
                .inScenario("first half")
                .whenScenarioStateIs("stored")
                .withRequestBody(containing(first))
                .willReturn(okJson(OpenSearchContractIT.bulkAnswer(List.of(first), -1))));
        server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_bulk"))
                .atPriority(2)
                .withRequestBody(containing(second))
                .willReturn(okJson(refusedWith429(points.get(1)))));
        OpenSearchVectorStore store = fiveSecondStore();

        assertThatThrownBy(() -> store.upsert(points))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("es_rejected_execution_exception")
                .hasMessageContaining(second);
        assertThat(clock.slept()).isLessThanOrEqualTo(Duration.ofSeconds(5));
    }

    private OpenSearchVectorStore fiveSecondStore() {
        RetrySettings fiveSeconds = RetrySettings.forService("OpenSearch", AdvancedConfig.defaults())
                .withMaxDuration(Duration.ofSeconds(5));
        OpenSearchVectorStore store = new OpenSearchVectorStore(
                new IndexingConfig.OpenSearch(server.baseUrl(), INDEX, "cosine", "wait_for", null),
                AdvancedConfig.defaults(),
                HttpClients.shared(),
                clock.timing(),
                fiveSeconds);
        store.prepare(3);
        return store;
    }

    @Test
    void should_keep_resends_and_their_http_retries_within_one_time_bound() {
        // A document refused with 429 three times, then a cluster that answers 503 to everything: without a
        // shared deadline the last resend would start a whole retry budget of its own (1.75 s + 3.75 s).
        List<ChunkPoint> points = points(1);
        String refused = refusedWith429(points.get(0));
        List<String> states = List.of(Scenario.STARTED, "refused twice", "refused thrice", "down");
        for (int i = 0; i < 3; i++) {
            server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_bulk"))
                    .inScenario("failing")
                    .whenScenarioStateIs(states.get(i))
                    .willReturn(okJson(refused))
                    .willSetStateTo(states.get(i + 1)));
        }
        server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_bulk"))
                .inScenario("failing")
                .whenScenarioStateIs("down")
                .willReturn(aResponse().withStatus(503)));
        OpenSearchVectorStore store = fiveSecondStore();

        assertThatThrownBy(() -> store.upsert(points))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("503")
                .hasMessageContaining("the write's refused items were sent after 4 sends in");
        assertThat(clock.slept()).isLessThanOrEqualTo(Duration.ofSeconds(5));
        assertThat(server.findAll(postRequestedFor(urlPathEqualTo("/" + INDEX + "/_bulk"))))
                .hasSizeGreaterThan(4);
    }

    @Test
    void should_name_the_error_type_and_field_but_never_the_content_of_a_refused_document() {
        List<ChunkPoint> points = points(2);
        server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_bulk"))
                .willReturn(okJson(OpenSearchContractIT.bulkAnswer(ids(points), 1))));
        OpenSearchVectorStore store = prepared();

        assertThatThrownBy(() -> store.upsert(points))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("refused 1 of 2 documents")
                .hasMessageContaining("mapper_parsing_exception on field metadata.price")
                .hasMessageNotContaining("secret content");
    }

    @Test
    void should_not_acknowledge_an_answer_whose_items_do_not_match_the_request() {
        List<ChunkPoint> points = points(2);
        OpenSearchVectorStore store = prepared();

        server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_bulk"))
                .willReturn(okJson(OpenSearchContractIT.bulkAnswer(ids(points).subList(0, 1), -1))));
        assertThatThrownBy(() -> store.upsert(points))
                .isInstanceOf(SystemException.class)
                .hasMessageContaining("with 1 items");

        server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_bulk"))
                .willReturn(okJson(OpenSearchContractIT.bulkAnswer(ids(points), -1)
                        .replace("\"errors\":false", "\"errors\":true"))));
        assertThatThrownBy(() -> store.upsert(points))
                .isInstanceOf(SystemException.class)
                .hasMessageContaining("flagged errors");
    }

    @Test
    void should_halve_a_bulk_request_that_is_too_large() {
        List<ChunkPoint> points = points(4);
        server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_bulk"))
                .atPriority(2)
                .willReturn(aResponse().withStatus(413)));
        for (int half = 0; half < 2; half++) {
            server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_bulk"))
                    .atPriority(1)
                    .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing(
                            points.get(2 * half + 1).id()))
                    .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.notContaining(
                            points.get(2 - 2 * half).id()))
                    .willReturn(
                            okJson(OpenSearchContractIT.bulkAnswer(ids(points.subList(2 * half, 2 * half + 2)), -1))));
        }
        OpenSearchVectorStore store = prepared();

        store.upsert(points);

        assertThat(server.findAll(postRequestedFor(urlPathEqualTo("/" + INDEX + "/_bulk"))))
                .hasSize(3);
    }

    @Test
    void should_fail_a_delete_that_reports_failures() {
        server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_delete_by_query"))
                .willReturn(
                        okJson("{\"timed_out\":false,\"deleted\":1,\"failures\":[{\"index\":\"docs\",\"status\":503,"
                                + "\"cause\":{\"type\":\"unavailable_shards_exception\"}}]}")));
        OpenSearchVectorStore store = prepared();

        assertThatThrownBy(() -> store.deleteStale(StreamId.of("docs"), new StaleFilter.OtherSync("s")))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("unavailable_shards_exception");
    }

    @Test
    void should_fail_check_when_the_index_has_no_knn_vector_field_or_mistyped_connector_fields() {
        server.stubFor(get("/" + INDEX)
                .willReturn(okJson("{\"docs\":{\"mappings\":{\"properties\":{\"embedding\":{\"type\":\"float\"}}}}}")));
        assertThatThrownBy(() -> store("cosine", "wait_for", null).check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no knn_vector field 'vector'");

        server.stubFor(get("/" + INDEX)
                .willReturn(okJson(OpenSearchContractIT.indexDescription(INDEX, 3, "cosinesimil")
                        .replace("\"_ab_stream\":{\"type\":\"keyword\"}", "\"_ab_stream\":{\"type\":\"text\"}"))));
        assertThatThrownBy(() -> store("cosine", "wait_for", null).check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("metadata._ab_stream is text, not keyword");
    }

    /**
     * A record with more chunks than a lookup page is read by a scroll; a scroll the engine no longer holds
     * between two pages answers 404 with {@code search_context_missing_exception} (the real node's answer,
     * OpenSearchContractIT), which is a transient lookup failure, not a vanished index.
     */
    @Test
    void should_call_a_scroll_lost_between_pages_a_transient_failure_and_not_a_vanished_index() {
        String page = "{\"_scroll_id\":\"c2Nyb2xs\",\"hits\":{\"total\":{\"value\":3,\"relation\":\"eq\"},"
                + "\"hits\":[{\"_id\":\"a\",\"_seq_no\":0,\"_primary_term\":1,\"_source\":{}}]}}";
        server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_search")).willReturn(okJson(page)));
        server.stubFor(post("/_search/scroll")
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", "application/json")
                        .withBody(OpenSearchContractIT.LOST_SCROLL_ANSWER)));
        OpenSearchVectorStore store = prepared();

        assertThatThrownBy(() -> store.lookup(STREAM, List.of("r1")))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("no longer holds the scroll")
                .hasMessageContaining("index 'docs'")
                .hasMessageContaining("HTTP 404")
                .hasMessageNotContaining("disappeared");
        server.verify(
                postRequestedFor(urlPathEqualTo("/" + INDEX + "/_search")).withQueryParam("scroll", equalTo("1m")));
    }

    @Test
    void should_turn_knn_scores_into_distances_in_chromas_units() {
        assertThat(store("cosine", "wait_for", null).distance(1.0)).isEqualTo(0.0);
        assertThat(store("cosine", "wait_for", null).distance(0.5)).isEqualTo(1.0);
        assertThat(store("l2", "wait_for", null).distance(0.2))
                .isEqualTo(4.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(store("ip", "wait_for", null).distance(1.75))
                .isEqualTo(0.25, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(store("ip", "wait_for", null).distance(0.5))
                .isEqualTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
    }
}
