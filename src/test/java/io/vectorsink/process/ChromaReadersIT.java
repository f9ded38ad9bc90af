package io.vectorsink.process;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.chroma.ChromaApiVersion;
import dev.langchain4j.store.embedding.chroma.ChromaEmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import io.vectorsink.protocol.Json;
import io.vectorsink.testing.LangChainJs;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * After a real sync into Chroma, LangChain4j's and LangChain.js's Chroma stores read the collection as an
 * application would (docs/reading.md, "Chroma"): the chunk text as page content, the metadata typed, and
 * filters on {@code _ab_stream} and on a user field that narrow the result.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChromaReadersIT extends ProcessTestSupport {
    /** The whole corpus, the boolean {@code featured} included. */
    private String typed;

    /** The corpus without the boolean, for LangChain4j (its {@code Metadata} holds no booleans). */
    private String withoutBoolean;

    /** Once for the class (at the first test: the temporary directory for the configs exists only then). */
    @BeforeEach
    void sync() {
        if (typed != null) {
            return;
        }
        typed = freshCollection("readers-typed");
        withoutBoolean = freshCollection("readers-nobool");
        ok(write(ReaderCorpus.config(indexing(typed), true), ReaderCorpus.syncCatalog(), ReaderCorpus.messages()));
        ok(write(
                ReaderCorpus.config(indexing(withoutBoolean), false),
                ReaderCorpus.syncCatalog(),
                ReaderCorpus.messages()));
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

    private static List<ReaderHit> search(ChromaEmbeddingStore store, Filter filter) {
        return ReaderHit.fromLangChain4j(store.search(EmbeddingSearchRequest.builder()
                        .queryEmbedding(ReaderCorpus.questionVector())
                        .maxResults(5)
                        .filter(filter)
                        .build())
                .matches());
    }

    @Test
    void langchain4j_should_read_text_and_typed_metadata_and_filter_by_stream_and_by_a_user_field() {
        ChromaEmbeddingStore store = langChain4j(withoutBoolean);

        ReaderHit.assertKittenFound(search(store, null), false);
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
                .collectionName(withoutBoolean)
                .build();

        assertThat(search(store, null)).isEmpty();
    }

    @Test
    void langchain4j_should_refuse_a_boolean_metadata_value() {
        // LangChain4j's Metadata holds strings, UUIDs and numbers only: a chunk whose metadata holds a
        // boolean fails every search that returns it. docs/reading.md says which fields to leave out.
        ChromaEmbeddingStore store = langChain4j(typed);

        assertThatThrownBy(() -> search(store, null)).hasMessageContaining("featured");
    }

    private static JsonNode langChainJs(String collection, ObjectNode... searches) {
        ObjectNode request = Json.MAPPER.createObjectNode();
        request.put("store", "chroma").put("url", chromaUrl()).put("index", collection);
        request.putArray("searches").addAll(List.of(searches));
        return LangChainJs.read(request);
    }

    @Test
    void langchain_js_should_read_text_and_typed_metadata_and_filter_by_stream_and_by_a_user_field() {
        JsonNode answers = langChainJs(
                typed,
                ReaderCorpus.jsSearch(null),
                ReaderCorpus.jsSearch("{\"_ab_stream\": \"notes\"}"),
                ReaderCorpus.jsSearch("{\"author\": \"Bob\"}"),
                ReaderCorpus.jsSearch("{\"$and\": [{\"_ab_stream\": \"articles\"}, {\"featured\": false}]}"));

        ReaderHit.assertKittenFound(ReaderHit.fromLangChainJs(answers.get(0)), true);
        ReaderHit.assertOnlyTheNote(ReaderHit.fromLangChainJs(answers.get(1)));
        ReaderHit.assertOnlyBob(ReaderHit.fromLangChainJs(answers.get(2)));
        // Bob's articles are the ones not featured: a filter on the boolean, as a boolean.
        ReaderHit.assertOnlyBob(ReaderHit.fromLangChainJs(answers.get(3)));
    }
}
