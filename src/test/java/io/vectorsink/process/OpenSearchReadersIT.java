package io.vectorsink.process;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.opensearch.OpenSearchEmbeddingStore;
import io.vectorsink.protocol.Json;
import io.vectorsink.testing.LangChainJs;
import io.vectorsink.testing.OpenSearchNode;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * After a real sync into OpenSearch, LangChain4j's and LangChain.js's OpenSearch stores read the index as
 * an application would (docs/reading.md, "OpenSearch"), each with the settings that page gives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenSearchReadersIT extends ProcessTestSupport {
    /** The connector's default layout, the boolean {@code featured} included: for LangChain.js. */
    private String defaults;

    /** The vector in {@code vector}, no boolean: for LangChain4j (field name fixed, no booleans in Metadata). */
    private String forLangChain4j;

    /** Once for the class (at the first test: the temporary directory for the configs exists only then). */
    @BeforeEach
    void sync() {
        if (defaults != null) {
            return;
        }
        defaults = freshIndex("readers-os-defaults");
        forLangChain4j = freshIndex("readers-os-lc4j");
        ok(write(
                ReaderCorpus.config(indexing(defaults, ""), true),
                ReaderCorpus.syncCatalog(),
                ReaderCorpus.messages()));
        ok(write(
                ReaderCorpus.config(indexing(forLangChain4j, ", \"vector_field\": \"vector\""), false),
                ReaderCorpus.syncCatalog(),
                ReaderCorpus.messages()));
    }

    private static String url() {
        return OpenSearchNode.shared().url();
    }

    private static String indexing(String index, String extra) {
        return "{\"mode\": \"opensearch\", \"url\": \"%s\", \"index\": \"%s\"%s}".formatted(url(), index, extra);
    }

    private static List<ReaderHit> search(OpenSearchEmbeddingStore store, Filter filter) {
        return ReaderHit.fromLangChain4j(store.search(EmbeddingSearchRequest.builder()
                        .queryEmbedding(ReaderCorpus.questionVector())
                        .maxResults(5)
                        .filter(filter)
                        .build())
                .matches());
    }

    @Test
    void langchain4j_should_read_text_and_typed_metadata_but_ignores_every_filter() {
        OpenSearchEmbeddingStore store = OpenSearchEmbeddingStore.builder()
                .serverUrl(url())
                .indexName(forLangChain4j)
                .build();

        List<ReaderHit> all = search(store, null);
        ReaderHit.assertKittenFound(all, false);
        // Its search (langchain4j-opensearch 1.10.0-beta18) sends a match_all script score and never reads
        // the request's filter: filters are the application's to apply on the hits. docs/reading.md says so.
        assertThat(search(store, metadataKey("_ab_stream").isEqualTo("notes"))).isEqualTo(all);
    }

    @Test
    void langchain_js_should_read_text_and_typed_metadata_and_filter_by_stream_and_by_a_user_field() {
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.put("store", "opensearch").put("url", url()).put("index", defaults);
        // Its default vector field is "embedding"; vectorsink's is "vector_field".
        request.put("vectorFieldName", "vector_field");
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
