package io.vectorsink.process;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.store.embedding.chroma.ChromaApiVersion;
import dev.langchain4j.store.embedding.chroma.ChromaEmbeddingStore;
import io.vectorsink.protocol.Json;
import org.junit.jupiter.api.Test;

/**
 * After a real sync into Chroma, LangChain4j's and LangChain.js's Chroma stores read the collection as an
 * application would (docs/reading.md, "Chroma"): the chunk text as page content, the metadata typed, and
 * filters on {@code _ab_stream} and on a user field that narrow the result.
 */
class ChromaReadersIT extends ReadersTestSupport {
    /** The whole corpus, the boolean {@code featured} included. */
    private final String typed = freshCollection("readers-typed");

    /** The corpus with booleans as strings ({@code metadata_types: strings_and_numbers}), for LangChain4j. */
    private final String forLangChain4j = freshCollection("readers-lc4j");

    @Override
    void syncIndexes() {
        sync(indexing(typed), ReaderCorpus.Types.NATIVE);
        sync(indexing(forLangChain4j), ReaderCorpus.Types.STRINGS_AND_NUMBERS);
    }

    private static String indexing(String collection) {
        return "{\"mode\": \"chroma\", \"host\": \"%s\", \"collection\": \"%s\"}".formatted(chromaUrl(), collection);
    }

    /** LangChain4j's store as docs/reading.md configures it: API v2, Chroma's default tenant and database. */
    private static ChromaEmbeddingStore langChain4j(String collection) {
        return ChromaEmbeddingStore.builder()
                .baseUrl(chromaUrl())
                .apiVersion(ChromaApiVersion.V2)
                .tenantName("default_tenant")
                .databaseName("default_database")
                .collectionName(collection)
                .build();
    }

    @Test
    void the_collection_should_name_its_metric_in_the_metadata_where_langchain_python_reads_it() {
        // LangChain's Python Chroma store picks its relevance score function from the collection metadata's
        // hnsw:space, l2 when absent: cosine distances scored as l2 give wrong scores, some below 0.
        assertThat(chroma().describe(typed).path("metadata").path("hnsw:space").asText())
                .isEqualTo("cosine");
    }

    @Test
    void langchain4j_should_read_text_and_typed_metadata_and_filter_by_stream_and_by_a_user_field() {
        ChromaEmbeddingStore store = langChain4j(forLangChain4j);

        ReaderHit.assertKittenFound(search(store, null), ReaderCorpus.Types.STRINGS_AND_NUMBERS);
        ReaderHit.assertOnlyTheNote(search(store, metadataKey("_ab_stream").isEqualTo("notes")));
        ReaderHit.assertOnlyBob(search(store, metadataKey("author").isEqualTo("Bob")));
        ReaderHit.assertOnlyBob(search(
                store,
                metadataKey("_ab_stream")
                        .isEqualTo("articles")
                        .and(metadataKey("year").isLessThan(2021))));
    }

    @Test
    void langchain4j_with_its_default_tenant_and_database_should_find_nothing_which_is_why_the_docs_set_them() {
        // Its defaults are tenant "default" and database "default" (Chroma's are default_tenant and
        // default_database); it creates them, and an empty collection there, and answers from it.
        ChromaEmbeddingStore store = ChromaEmbeddingStore.builder()
                .baseUrl(chromaUrl())
                .apiVersion(ChromaApiVersion.V2)
                .collectionName(forLangChain4j)
                .build();

        assertThat(search(store, null)).isEmpty();
    }

    @Test
    void langchain4j_should_refuse_a_boolean_metadata_value() {
        // LangChain4j's Metadata holds strings, UUIDs and numbers only: a chunk whose metadata holds a
        // boolean fails every search that returns it; hence metadata_types strings_and_numbers (docs/reading.md).
        ChromaEmbeddingStore store = langChain4j(typed);

        assertThatThrownBy(() -> search(store, null)).hasMessageContaining("featured");
    }

    @Test
    void langchain_js_should_read_text_and_typed_metadata_and_filter_by_stream_and_by_a_user_field() {
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.put("store", "chroma").put("url", chromaUrl()).put("index", typed);

        // A filter on the boolean, as a boolean: Bob's articles are the ones not featured.
        assertLangChainJsReads(request, "{\"$and\": [{\"_ab_stream\": \"articles\"}, {\"featured\": false}]}");
    }
}
