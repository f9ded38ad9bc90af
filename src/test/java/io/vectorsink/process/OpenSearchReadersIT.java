package io.vectorsink.process;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.store.embedding.opensearch.OpenSearchEmbeddingStore;
import io.vectorsink.protocol.Json;
import io.vectorsink.testing.OpenSearchNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * After a real sync into OpenSearch, LangChain4j's and LangChain.js's OpenSearch stores read the index as
 * an application would (docs/reading.md), each with the settings that page gives.
 */
class OpenSearchReadersIT extends ReadersTestSupport {
    /** The connector's default layout, the boolean {@code featured} included: for LangChain.js. */
    private final String defaults = freshIndex("readers-os-defaults");

    /** The vector in {@code vector}, booleans as strings: for LangChain4j (field name fixed, no booleans in Metadata). */
    private final String forLangChain4j = freshIndex("readers-os-lc4j");

    @Override
    void syncIndexes() {
        sync(indexing(defaults, ""), ReaderCorpus.Types.NATIVE);
        sync(indexing(forLangChain4j, ", \"vector_field\": \"vector\""), ReaderCorpus.Types.STRINGS_AND_NUMBERS);
    }

    private static String url() {
        return OpenSearchNode.shared().url();
    }

    private static String indexing(String index, String extra) {
        return "{\"mode\": \"opensearch\", \"url\": \"%s\", \"index\": \"%s\"%s}".formatted(url(), index, extra);
    }

    @Test
    void langchain4j_should_read_text_and_typed_metadata_but_ignores_every_filter() {
        OpenSearchEmbeddingStore store = OpenSearchEmbeddingStore.builder()
                .serverUrl(url())
                .indexName(forLangChain4j)
                .build();

        List<ReaderHit> all = search(store, null);
        ReaderHit.assertKittenFound(all, ReaderCorpus.Types.STRINGS_AND_NUMBERS);
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

        // It drops a filter entry whose value is falsy (`if (value)`): false goes in a list (a terms query).
        assertLangChainJsReads(request, "{\"_ab_stream\": \"articles\", \"featured\": [false]}");
    }
}
