package io.vectorsink.process;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.elasticsearch.ElasticsearchEmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import io.vectorsink.protocol.Json;
import io.vectorsink.testing.ElasticsearchNode;
import io.vectorsink.testing.LangChainJs;
import java.io.IOException;
import java.util.List;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * After a real sync into Elasticsearch (security on), LangChain4j's and LangChain.js's Elasticsearch
 * stores read the index as an application would (docs/reading.md, "Elasticsearch"). Each hard-codes its
 * vector field, and they differ ({@code vector}, {@code embedding}): each reads an index synced with
 * {@code indexing.vector_field} set to its name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ElasticsearchReadersIT extends ProcessTestSupport {
    /** The vector in {@code embedding}, the boolean {@code featured} included: for LangChain.js. */
    private String forLangChainJs;

    /** The vector in {@code vector}, no boolean: for LangChain4j. */
    private String forLangChain4j;

    private RestClient restClient;

    private ElasticsearchClient client;

    /** Once for the class (at the first test: the temporary directory for the configs exists only then). */
    @BeforeEach
    void sync() {
        if (forLangChainJs != null) {
            return;
        }
        forLangChainJs = freshIndex("readers-es-js");
        forLangChain4j = freshIndex("readers-es-lc4j");
        ok(write(
                ReaderCorpus.config(indexing(forLangChainJs, "embedding"), true),
                ReaderCorpus.syncCatalog(),
                ReaderCorpus.messages()));
        ok(write(
                ReaderCorpus.config(indexing(forLangChain4j, "vector"), false),
                ReaderCorpus.syncCatalog(),
                ReaderCorpus.messages()));
        restClient = RestClient.builder(
                        HttpHost.create(ElasticsearchNode.shared().url()))
                .setDefaultHeaders(new Header[] {new BasicHeader("Authorization", ElasticsearchNode.ADMIN.header())})
                .build();
        client = new ElasticsearchClient(new RestClientTransport(restClient, new JacksonJsonpMapper()));
    }

    @AfterAll
    void closeClient() throws IOException {
        if (restClient != null) {
            restClient.close();
        }
    }

    private static String indexing(String index, String vectorField) {
        return "{\"mode\": \"opensearch\", \"url\": \"%s\", \"index\": \"%s\", \"vector_field\": \"%s\", \"auth\": %s}"
                .formatted(ElasticsearchNode.shared().url(), index, vectorField, ElasticsearchNode.ADMIN.configAuth());
    }

    private static List<ReaderHit> search(ElasticsearchEmbeddingStore store, Filter filter) {
        return ReaderHit.fromLangChain4j(store.search(EmbeddingSearchRequest.builder()
                        .queryEmbedding(ReaderCorpus.questionVector())
                        .maxResults(5)
                        .filter(filter)
                        .build())
                .matches());
    }

    @Test
    void langchain4j_should_read_text_and_typed_metadata_and_filter_by_numbers() {
        ElasticsearchEmbeddingStore store = ElasticsearchEmbeddingStore.builder()
                .client(client)
                .indexName(forLangChain4j)
                .build();

        ReaderHit.assertKittenFound(search(store, null), false);
        // Numbers filter on metadata.<key>: narrowed to Bob's two articles (2019 and 2020).
        ReaderHit.assertOnlyBob(search(store, metadataKey("year").isLessThan(2021)));
    }

    @Test
    void langchain4j_string_filters_find_nothing_while_metadata_strings_have_no_keyword_subfield() {
        // It filters a string on metadata.<key>.keyword (Elasticsearch's dynamic mapping gives strings
        // that sub-field); vectorsink maps metadata strings as keyword fields without one. Known gap,
        // in docs/reading.md: until the layout adds the sub-field, string filters need another reader.
        ElasticsearchEmbeddingStore store = ElasticsearchEmbeddingStore.builder()
                .client(client)
                .indexName(forLangChain4j)
                .build();

        assertThat(search(store, metadataKey("_ab_stream").isEqualTo("notes"))).isEmpty();
        assertThat(search(store, metadataKey("author").isEqualTo("Bob"))).isEmpty();
    }

    @Test
    void langchain_js_should_read_text_and_typed_metadata_and_filter_by_stream_and_by_a_user_field() {
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.put("store", "elasticsearch")
                .put("url", ElasticsearchNode.shared().url())
                .put("index", forLangChainJs);
        request.put("username", ElasticsearchNode.ADMIN.username()).put("password", ElasticsearchNode.ADMIN.password());
        request.putArray("searches")
                .addAll(List.of(
                        ReaderCorpus.jsSearch(null),
                        ReaderCorpus.jsSearch("{\"_ab_stream\": \"notes\"}"),
                        ReaderCorpus.jsSearch("{\"author\": \"Bob\"}"),
                        ReaderCorpus.jsSearch("{\"_ab_stream\": \"articles\", \"featured\": false}")));
        JsonNode answers = LangChainJs.read(request);

        ReaderHit.assertKittenFound(ReaderHit.fromLangChainJs(answers.get(0)), true);
        ReaderHit.assertOnlyTheNote(ReaderHit.fromLangChainJs(answers.get(1)));
        ReaderHit.assertOnlyBob(ReaderHit.fromLangChainJs(answers.get(2)));
        ReaderHit.assertOnlyBob(ReaderHit.fromLangChainJs(answers.get(3)));
    }
}
