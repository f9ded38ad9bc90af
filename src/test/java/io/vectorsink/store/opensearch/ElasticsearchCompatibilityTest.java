package io.vectorsink.store.opensearch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
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

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.QueryHit;
import io.vectorsink.testing.FakeRetryTiming;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The same store behind an Elasticsearch URL, for the versions the real test node (8.19, see
 * ElasticsearchContractIT and ElasticsearchIndexIT) is not: WireMock answers as the 8.x and 9.x reference
 * documents the root, index, mapping and search APIs: how the engine and its version are recognised, the
 * {@code dense_vector} mapping, its verification, and the {@code knn} search.
 */
class ElasticsearchCompatibilityTest {
    private static final String INDEX = "docs";

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private final FakeRetryTiming clock = new FakeRetryTiming();

    /** The root answer of Elasticsearch: no {@code distribution} in {@code version}. */
    static String root(String version) {
        return "{\"name\":\"es-1\",\"cluster_name\":\"c\",\"cluster_uuid\":\"u\",\"version\":{\"number\":\""
                + version + "\",\"build_flavor\":\"default\",\"build_type\":\"docker\",\"lucene_version\":\"9.11.1\","
                + "\"minimum_wire_compatibility_version\":\"7.17.0\"},\"tagline\":\"You Know, for Search\"}";
    }

    static String indexDescription(int dims, String similarity) {
        return indexDescription(INDEX, dims, similarity, "int8_hnsw");
    }

    /** {@code GET /{index}} of an index with a {@code dense_vector} whose {@code index_options} type is given. */
    static String indexDescription(String index, int dims, String similarity, String indexType) {
        return "{\"" + index + "\":{\"aliases\":{},\"mappings\":{\"properties\":{"
                + "\"vector_field\":{\"type\":\"dense_vector\",\"dims\":" + dims + ",\"index\":true,"
                + "\"similarity\":\"" + similarity
                + "\",\"index_options\":{\"type\":\"" + indexType + "\",\"m\":16,\"ef_construction\":100}},"
                + "\"text\":{\"type\":\"text\"},"
                + "\"metadata\":{\"properties\":{\"_ab_stream\":{\"type\":\"keyword\"}}}}},"
                + "\"settings\":{\"index\":{\"number_of_shards\":\"1\"}}}}";
    }

    private OpenSearchVectorStore store(String metric) {
        return new OpenSearchVectorStore(
                new IndexingConfig.OpenSearch(server.baseUrl(), INDEX, metric, "wait_for", null),
                AdvancedConfig.defaults(),
                HttpClients.shared(),
                clock.timing(),
                RetrySettings.forService("OpenSearch", AdvancedConfig.defaults()));
    }

    /**
     * Stubs an index that is missing until a {@code PUT} creates it, then described as {@code description};
     * the mapping update that follows is acknowledged.
     */
    static void missingIndexThenCreated(WireMockExtension server, String index, String description) {
        server.stubFor(get("/" + index)
                .inScenario("create")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse()
                        .withStatus(404)
                        .withBody("{\"error\":{\"type\":\"index_not_found_exception\"},\"status\":404}")));
        server.stubFor(put("/" + index)
                .inScenario("create")
                .willReturn(okJson("{\"acknowledged\":true,\"shards_acknowledged\":true,\"index\":\"" + index + "\"}"))
                .willSetStateTo("created"));
        server.stubFor(get("/" + index)
                .inScenario("create")
                .whenScenarioStateIs("created")
                .willReturn(okJson(description)));
        server.stubFor(put("/" + index + "/_mapping").willReturn(okJson("{\"acknowledged\":true}")));
    }

    @Test
    void should_create_an_indexed_dense_vector_with_the_similarity_of_the_metric_and_no_knn_setting() {
        String[][] metrics = {{"cosine", "cosine"}, {"l2", "l2_norm"}, {"ip", "max_inner_product"}};
        for (String[] metric : metrics) {
            server.resetAll();
            server.stubFor(get("/").willReturn(okJson(root("8.15.0"))));
            missingIndexThenCreated(server, INDEX, indexDescription(3, metric[1]));

            store(metric[0]).prepare(3);

            server.verify(putRequestedFor(urlEqualTo("/" + INDEX))
                    .withRequestBody(matchingJsonPath("$.mappings.properties.vector.type", equalTo("dense_vector")))
                    .withRequestBody(matchingJsonPath("$.mappings.properties.vector.dims", equalTo("3")))
                    .withRequestBody(matchingJsonPath("$.mappings.properties.vector.index", equalTo("true")))
                    .withRequestBody(matchingJsonPath("$.mappings.properties.vector.similarity", equalTo(metric[1])))
                    .withRequestBody(matchingJsonPath(
                            "$.mappings.properties.metadata.properties._ab_record_id.type", equalTo("keyword")))
                    // index.knn is OpenSearch's setting: Elasticsearch refuses unknown settings.
                    .withRequestBody(matchingJsonPath("$.settings.index.knn", absent())));
        }
    }

    @Test
    void should_fail_check_naming_dimensions_and_similarity_when_an_elasticsearch_index_differs() {
        server.stubFor(get("/").willReturn(okJson(root("8.15.0"))));
        server.stubFor(get("/" + INDEX).willReturn(okJson(indexDescription(768, "l2_norm"))));

        assertThatThrownBy(() -> store("cosine").check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Elasticsearch index 'docs' holds vectors of 768 dimensions")
                .hasMessageContaining("embedding model makes 3")
                .hasMessageContaining("uses similarity l2_norm, but distance_metric is cosine")
                .hasMessageContaining("set distance_metric to l2");
    }

    @Test
    void should_pass_check_when_an_elasticsearch_index_matches_and_refuse_one_with_a_knn_vector_field() {
        server.stubFor(get("/").willReturn(okJson(root("9.1.2"))));
        server.stubFor(get("/" + INDEX).willReturn(okJson(indexDescription(3, "max_inner_product"))));
        store("ip").check(3);

        server.stubFor(get("/" + INDEX).willReturn(okJson(OpenSearchContractIT.indexDescription(INDEX, 3, "l2"))));
        assertThatThrownBy(() -> store("l2").check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Elasticsearch index 'docs' exists but has no dense_vector field 'vector'");
    }

    @Test
    void should_refuse_elasticsearch_too_old_for_knn_search_or_for_max_inner_product_in_plain_words() {
        server.stubFor(get("/").willReturn(okJson(root("7.17.25"))));
        assertThatThrownBy(() -> store("cosine").check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("runs Elasticsearch 7.17.25")
                .hasMessageContaining("8.4 or later");

        server.stubFor(get("/").willReturn(okJson(root("8.10.4"))));
        assertThatThrownBy(() -> store("ip").check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("distance_metric ip needs Elasticsearch 8.11 or later");

        server.stubFor(get("/" + INDEX).willReturn(okJson(indexDescription(3, "cosine"))));
        store("cosine").check(3);
    }

    @Test
    void should_refuse_a_root_answer_that_is_neither_engine() {
        server.stubFor(get("/").willReturn(okJson("{\"status\":\"ok\"}")));
        assertThatThrownBy(() -> store("cosine").check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("does not answer like OpenSearch or Elasticsearch");
    }

    @Test
    void should_search_with_the_knn_option_filtered_by_stream_and_turn_scores_into_distances() {
        server.stubFor(get("/").willReturn(okJson(root("8.15.0"))));
        // A store that did not prepare reads the index's mapping for its vector field first.
        server.stubFor(get("/" + INDEX).willReturn(okJson(indexDescription(3, "cosine"))));
        server.stubFor(post("/" + INDEX + "/_search")
                .willReturn(okJson("{\"took\":2,\"timed_out\":false,\"hits\":{\"total\":{\"value\":2},\"hits\":["
                        + "{\"_index\":\"docs\",\"_id\":\"a\",\"_score\":0.9,\"_source\":{\"text\":\"near\","
                        + "\"metadata\":{\"_ab_stream\":\"docs\",\"_ab_chunk_index\":0}}},"
                        + "{\"_index\":\"docs\",\"_id\":\"b\",\"_score\":0.5,\"_source\":{\"text\":\"far\","
                        + "\"metadata\":{\"_ab_stream\":\"docs\",\"_ab_chunk_index\":1}}}]}}")));

        List<QueryHit> hits = store("cosine").query(new float[] {1, 0, 0}, 5, StreamId.of("docs"));

        assertThat(hits).extracting(QueryHit::id).containsExactly("a", "b");
        assertThat(hits.get(0).distance()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(hits.get(1).distance()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(hits.get(0).document()).isEqualTo("near");
        server.verify(postRequestedFor(urlPathEqualTo("/" + INDEX + "/_search"))
                .withRequestBody(matchingJsonPath("$.query", absent()))
                .withRequestBody(matchingJsonPath("$.knn.field", equalTo("vector_field")))
                .withRequestBody(matchingJsonPath("$.knn.k", equalTo("5")))
                .withRequestBody(matchingJsonPath("$.knn.num_candidates", equalTo("100")))
                .withRequestBody(matchingJsonPath("$.knn.query_vector[0]", equalTo("1.0")))
                .withRequestBody(
                        matchingJsonPath("$.knn.filter.bool.filter[0].term['metadata._ab_stream']", equalTo("docs")))
                .withRequestBody(
                        matchingJsonPath("$.knn.filter.bool.filter[1].term['metadata._ab_namespace']", equalTo("")))
                .withRequestBody(matchingJsonPath("$._source.excludes[0]", equalTo("vector_field"))));
    }

    @Test
    void should_give_the_root_the_syncs_retries_when_prepare_asks_which_engine_answers() {
        // Four 503s: more than check's three attempts, within the sync's ten.
        String state = Scenario.STARTED;
        for (int i = 1; i <= 4; i++) {
            server.stubFor(get("/").inScenario("root")
                    .whenScenarioStateIs(state)
                    .willReturn(aResponse().withStatus(503))
                    .willSetStateTo("busy-" + i));
            state = "busy-" + i;
        }
        server.stubFor(get("/").inScenario("root").whenScenarioStateIs(state).willReturn(okJson(root("8.15.0"))));
        missingIndexThenCreated(server, INDEX, indexDescription(3, "cosine"));

        store("cosine").prepare(3);

        server.verify(5, getRequestedFor(urlEqualTo("/")));
    }

    @Test
    void should_fail_prepare_as_transient_not_as_config_when_the_root_does_not_answer() {
        server.stubFor(get("/").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        assertThatThrownBy(() -> store("cosine").prepare(3)).isInstanceOf(TransientException.class);
    }
}
