package io.vectorsink.store.opensearch;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.VectorStoreContract;
import io.vectorsink.testing.FakeRetryTiming;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where chunks go in a document (issue 14's layout options): the defaults of a new index, the text field
 * option, and an existing index laid out for another reader, recognised from its mapping.
 */
class OpenSearchLayoutTest {
    private static final String INDEX = "docs";

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    /** {@code GET /{index}} of an index LlamaIndex's OpenSearch store made: embedding, content, metadata. */
    static final String LLAMA_INDEX = "{\"docs\":{\"mappings\":{\"properties\":{"
            + "\"embedding\":{\"type\":\"knn_vector\",\"dimension\":3,\"method\":{\"engine\":\"lucene\","
            + "\"space_type\":\"cosinesimil\",\"name\":\"hnsw\"}},"
            + "\"content\":{\"type\":\"text\"},\"metadata\":{\"type\":\"object\"}}},"
            + "\"settings\":{\"index\":{\"knn\":\"true\"}}}}";

    @BeforeEach
    void healthyCluster() {
        server.stubFor(get("/").willReturn(okJson(OpenSearchContractIT.ROOT)));
        server.stubFor(put("/" + INDEX + "/_mapping").willReturn(okJson("{\"acknowledged\":true}")));
    }

    private static OpenSearchVectorStore store(String vectorField, String textField) {
        return new OpenSearchVectorStore(
                new IndexingConfig.OpenSearch(
                        server.baseUrl(), INDEX, "cosine", "wait_for", null, vectorField, textField),
                AdvancedConfig.defaults(),
                HttpClients.shared(),
                new FakeRetryTiming().timing(),
                RetrySettings.forService("OpenSearch", AdvancedConfig.defaults()));
    }

    /** Upserts two chunks of one record and returns the source line of the first bulk document. */
    private static JsonNode upsertedSource(OpenSearchVectorStore store) {
        List<ChunkPoint> points = VectorStoreContract.record("r1", 2, "v1");
        server.stubFor(post(urlPathEqualTo("/" + INDEX + "/_bulk"))
                .willReturn(okJson(OpenSearchContractIT.bulkAnswer(
                        points.stream().map(ChunkPoint::id).toList(), -1))));
        store.upsert(points);
        String body = server.findAll(postRequestedFor(urlPathEqualTo("/" + INDEX + "/_bulk")))
                .get(0)
                .getBodyAsString();
        return OpenSearchContractIT.json(body.split("\n")[1]);
    }

    @Test
    void should_create_a_new_index_with_the_vector_in_vector_and_the_text_in_text_on_both_engines() {
        ElasticsearchCompatibilityTest.missingIndexThenCreated(
                server, INDEX, OpenSearchContractIT.indexDescription(INDEX, 3, "cosinesimil"));
        store(null, null).prepare(3);
        server.verify(putRequestedFor(urlEqualTo("/" + INDEX))
                .withRequestBody(matchingJsonPath("$.mappings.properties.vector.type", equalTo("knn_vector")))
                .withRequestBody(matchingJsonPath("$.mappings.properties.text.type", equalTo("text"))));

        server.resetAll();
        healthyCluster();
        server.stubFor(get("/").willReturn(okJson(ElasticsearchCompatibilityTest.root("8.19.21"))));
        ElasticsearchCompatibilityTest.missingIndexThenCreated(
                server, INDEX, ElasticsearchCompatibilityTest.indexDescription(INDEX, 3, "cosine", "hnsw"));
        store(null, null).prepare(3);
        server.verify(putRequestedFor(urlEqualTo("/" + INDEX))
                .withRequestBody(matchingJsonPath("$.mappings.properties.vector.type", equalTo("dense_vector")))
                .withRequestBody(matchingJsonPath("$.mappings.properties.text.type", equalTo("text"))));
    }

    @Test
    void should_create_and_write_the_configured_text_field() {
        ElasticsearchCompatibilityTest.missingIndexThenCreated(
                server,
                INDEX,
                OpenSearchContractIT.indexDescription(INDEX, 3, "cosinesimil").replace("\"text\":", "\"body\":"));
        OpenSearchVectorStore store = store(null, "body");
        store.prepare(3);

        server.verify(putRequestedFor(urlEqualTo("/" + INDEX))
                .withRequestBody(matchingJsonPath("$.mappings.properties.body.type", equalTo("text")))
                .withRequestBody(matchingJsonPath("$.mappings.properties.text", WireMock.absent())));
        JsonNode source = upsertedSource(store);
        assertThat(source.path("body").asText()).isEqualTo("v1 r1 chunk 0");
        assertThat(source.has("text")).isFalse();
    }

    @Test
    void should_refuse_an_index_that_keeps_its_text_in_another_field_naming_the_option_then_write_there() {
        server.stubFor(get("/" + INDEX).willReturn(okJson(LLAMA_INDEX)));

        assertThatThrownBy(() -> store(null, null).check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("has no 'text' field but keeps text in content")
                .hasMessageContaining("set indexing.text_field");

        OpenSearchVectorStore store = store(null, "content");
        store.check(3);
        store.prepare(3);
        JsonNode source = upsertedSource(store);
        assertThat(source.path("content").asText()).isEqualTo("v1 r1 chunk 0");
        assertThat(source.path("embedding").isArray()).isTrue();
        assertThat(source.has("text")).isFalse();
        assertThat(source.has("vector")).isFalse();
    }

    @Test
    void should_refuse_a_text_field_other_than_the_one_an_existing_index_keeps_its_text_in() {
        server.stubFor(
                get("/" + INDEX).willReturn(okJson(OpenSearchContractIT.indexDescription(INDEX, 3, "cosinesimil"))));

        // Unchanged records are never written again: their text would stay in 'text' while changed ones moved.
        assertThatThrownBy(() -> store(null, "body").check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("keeps its text in text, not in 'body'")
                .hasMessageContaining("set indexing.text_field to text");
    }

    @Test
    void should_look_nothing_up_in_an_index_that_leaves_fields_out_of_source() {
        String excluding = OpenSearchContractIT.indexDescription(INDEX, 3, "cosinesimil")
                .replace("\"mappings\":{", "\"mappings\":{\"_source\":{\"excludes\":[\"vector_field\"]},");
        assertThat(excluding).contains("\"_source\":{\"excludes\"");
        server.stubFor(get("/" + INDEX).willReturn(okJson(excluding)));
        OpenSearchVectorStore store = store(null, null);
        store.prepare(3);

        // A partial update would rebuild the chunk from _source, without its vector: nothing is skipped instead.
        assertThat(store.lookup(io.vectorsink.protocol.StreamId.of("docs"), List.of("r1")))
                .isEmpty();
        assertThat(store.checkNotes()).anySatisfy(note -> assertThat(note).contains("leaves fields out of _source"));
        server.verify(0, postRequestedFor(urlPathEqualTo("/" + INDEX + "/_search")));
    }

    @Test
    void should_refuse_an_index_that_maps_the_text_field_as_something_that_holds_no_text() {
        server.stubFor(get("/" + INDEX)
                .willReturn(okJson(OpenSearchContractIT.indexDescription(INDEX, 3, "cosinesimil")
                        .replace("\"text\":{\"type\":\"text\"}", "\"text\":{\"type\":\"long\"}"))));

        assertThatThrownBy(() -> store(null, null).check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("maps 'text' as long")
                .hasMessageContaining("set indexing.text_field");
    }

    @Test
    void should_add_the_text_field_to_an_existing_index_that_lacks_it_and_leave_a_mapped_one_alone() {
        server.stubFor(get("/" + INDEX)
                .willReturn(okJson(OpenSearchContractIT.indexDescription(INDEX, 3, "cosinesimil")
                        .replace("\"text\":{\"type\":\"text\"},", ""))));
        store(null, null).prepare(3);
        server.verify(putRequestedFor(urlEqualTo("/" + INDEX + "/_mapping"))
                .withRequestBody(matchingJsonPath("$.properties.text.type", equalTo("text"))));

        server.resetRequests();
        server.stubFor(
                get("/" + INDEX).willReturn(okJson(OpenSearchContractIT.indexDescription(INDEX, 3, "cosinesimil"))));
        store(null, null).prepare(3);
        server.verify(putRequestedFor(urlEqualTo("/" + INDEX + "/_mapping"))
                .withRequestBody(matchingJsonPath("$.properties.text", WireMock.absent())));
    }
}
