package io.vectorsink.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import io.vectorsink.testing.LangChainJs;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * The reader tests' shape: the corpus synced once per class into the indexes the class names, then
 * readers searching them with the question's vector.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReadersTestSupport extends ProcessTestSupport {
    private boolean synced;

    /** Syncs {@link ReaderCorpus} into each index the class reads ({@link #sync}). */
    abstract void syncIndexes();

    /** Once per class, at the first test: the temporary directory for the configs exists only then. */
    @BeforeEach
    void syncOnce() {
        if (!synced) {
            syncIndexes();
            synced = true;
        }
    }

    /** A whole sync of the corpus with this {@code indexing} section; see {@link ReaderCorpus#config}. */
    void sync(String indexing, ReaderCorpus.Types types) {
        ok(write(ReaderCorpus.config(indexing, types), ReaderCorpus.syncCatalog(), ReaderCorpus.messages()));
    }

    /** A LangChain4j search for the question, 5 hits, with {@code filter} (or none). */
    static List<ReaderHit> search(EmbeddingStore<TextSegment> store, Filter filter) {
        return ReaderHit.fromLangChain4j(store.search(EmbeddingSearchRequest.builder()
                        .queryEmbedding(ReaderCorpus.questionVector())
                        .maxResults(5)
                        .filter(filter)
                        .build())
                .matches());
    }

    /**
     * LangChain.js reading through {@code request} (the store and where it is): the question unfiltered,
     * filtered on {@code _ab_stream = notes}, on {@code author = Bob}, and with {@code articlesNotFeatured}
     * (the store's filter for stream articles and {@code featured = false}, Bob's two).
     */
    static void assertLangChainJsReads(ObjectNode request, String articlesNotFeatured) {
        request.putArray("searches")
                .addAll(List.of(
                        ReaderCorpus.jsSearch(null),
                        ReaderCorpus.jsSearch("{\"_ab_stream\": \"notes\"}"),
                        ReaderCorpus.jsSearch("{\"author\": \"Bob\"}"),
                        ReaderCorpus.jsSearch(articlesNotFeatured)));
        JsonNode answers = LangChainJs.read(request);

        ReaderHit.assertKittenFound(ReaderHit.fromLangChainJs(answers.get(0)), ReaderCorpus.Types.NATIVE);
        ReaderHit.assertOnlyTheNote(ReaderHit.fromLangChainJs(answers.get(1)));
        ReaderHit.assertOnlyBob(ReaderHit.fromLangChainJs(answers.get(2)));
        ReaderHit.assertOnlyBob(ReaderHit.fromLangChainJs(answers.get(3)));
    }
}
