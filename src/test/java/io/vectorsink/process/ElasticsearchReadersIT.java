package io.vectorsink.process;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.store.embedding.elasticsearch.ElasticsearchEmbeddingStore;
import io.vectorsink.protocol.Json;
import io.vectorsink.testing.ElasticsearchNode;
import java.io.IOException;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * After a real sync into Elasticsearch (security on), LangChain4j's and LangChain.js's Elasticsearch
 * stores read the index as an application would (docs/reading.md). Each hard-codes its vector field, and
 * they differ ({@code vector}, {@code embedding}): each reads an index synced with
 * {@code indexing.vector_field} set to its name. The readers talk to the node itself: the tests' proxy in
 * front of it (for the connector's {@code _delete_by_query}) does not forward the {@code Accept} header
 * their clients send.
 */
class ElasticsearchReadersIT extends ReadersTestSupport {
    /** The vector in {@code embedding}, the boolean {@code featured} included: for LangChain.js. */
    private final String forLangChainJs = freshIndex("readers-es-js");

    /** The vector in {@code vector}, booleans as strings: for LangChain4j. */
    private final String forLangChain4j = freshIndex("readers-es-lc4j");

    private RestClient restClient;

    @Override
    void syncIndexes() {
        sync(indexing(forLangChainJs, "embedding"), ReaderCorpus.Types.NATIVE);
        sync(indexing(forLangChain4j, "vector"), ReaderCorpus.Types.STRINGS_AND_NUMBERS);
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

    private ElasticsearchEmbeddingStore langChain4j() {
        if (restClient == null) {
            restClient = RestClient.builder(
                            HttpHost.create(ElasticsearchNode.shared().nodeUrl()))
                    .setDefaultHeaders(
                            new Header[] {new BasicHeader("Authorization", ElasticsearchNode.ADMIN.header())})
                    .build();
        }
        ElasticsearchClient client =
                new ElasticsearchClient(new RestClientTransport(restClient, new JacksonJsonpMapper()));
        return ElasticsearchEmbeddingStore.builder()
                .client(client)
                .indexName(forLangChain4j)
                .build();
    }

    @Test
    void langchain4j_should_read_text_and_typed_metadata_and_filter_by_numbers() {
        ElasticsearchEmbeddingStore store = langChain4j();

        ReaderHit.assertKittenFound(search(store, null), ReaderCorpus.Types.STRINGS_AND_NUMBERS);
        // Numbers filter on metadata.<key>: narrowed to Bob's two articles (2019 and 2020).
        ReaderHit.assertOnlyBob(search(store, metadataKey("year").isLessThan(2021)));
    }

    @Test
    void langchain4j_string_filters_find_nothing_while_metadata_strings_have_no_keyword_subfield() {
        // It filters a string on metadata.<key>.keyword (Elasticsearch's dynamic mapping gives strings
        // that sub-field); vectorsink maps metadata strings as keyword fields without one. Known gap,
        // in docs/reading.md: until the layout adds the sub-field, string filters need another reader.
        ElasticsearchEmbeddingStore store = langChain4j();

        assertThat(search(store, metadataKey("_ab_stream").isEqualTo("notes"))).isEmpty();
        assertThat(search(store, metadataKey("author").isEqualTo("Bob"))).isEmpty();
    }

    @Test
    void langchain_js_should_read_text_and_typed_metadata_and_filter_by_stream_and_by_a_user_field() {
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.put("store", "elasticsearch")
                .put("url", ElasticsearchNode.shared().nodeUrl())
                .put("index", forLangChainJs);
        request.put("username", ElasticsearchNode.ADMIN.username()).put("password", ElasticsearchNode.ADMIN.password());

        assertLangChainJsReads(request, "{\"_ab_stream\": \"articles\", \"featured\": false}");
    }
}
