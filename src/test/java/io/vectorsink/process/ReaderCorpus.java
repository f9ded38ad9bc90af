package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.record;
import static io.vectorsink.testing.Messages.stream;
import static io.vectorsink.testing.Messages.streamState;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.vectorsink.protocol.Json;
import java.io.IOException;
import java.util.List;

/**
 * What the reader tests sync (two streams of small articles and notes, embedded by the local
 * all-MiniLM-L6-v2) and what an application reading the index must get back: each chunk's text as the
 * page content and its metadata with the types the records gave them.
 */
final class ReaderCorpus {
    private ReaderCorpus() {}

    /** The question every reader asks. */
    static final String QUESTION = "a cat napping indoors";

    /** The page content of the chunk the question is about (articles, id 1, by Ann). */
    static final String KITTEN = "title: Cats\nbody: A kitten sleeps on the warm rug by the fire.";

    /** The nearest of Bob's articles to the question (articles, id 4). */
    static final String PUPPY = "title: Dogs\nbody: A puppy naps curled up beside the sofa.";

    /** The only chunk of the stream {@code notes}. */
    static final String NOTE = "title: Note\nbody: My cat dozes on the windowsill every afternoon.";

    static String syncCatalog() {
        return catalog(
                stream("articles", "append_dedup", List.of("id"), 1, 0),
                stream("notes", "append_dedup", List.of("id"), 1, 0));
    }

    /** Five records, each one chunk: four articles and one note; a state closes each stream. */
    static String messages() {
        return record(
                        "articles",
                        article(1, "Cats", "A kitten sleeps on the warm rug by the fire.", "Ann", 2021, 4.5, true))
                + record(
                        "articles",
                        article(
                                2,
                                "Markets",
                                "Stock prices fell sharply as investors sold shares.",
                                "Bob",
                                2019,
                                3.25,
                                false))
                + record(
                        "articles",
                        article(3, "Space", "The rocket carried astronauts toward the moon.", "Ann", 2023, 4.75, true))
                + record(
                        "articles",
                        article(4, "Dogs", "A puppy naps curled up beside the sofa.", "Bob", 2020, 3.5, false))
                + streamState("articles", "{\"cursor\":4}")
                + record(
                        "notes",
                        article(1, "Note", "My cat dozes on the windowsill every afternoon.", "Cy", 2024, 2.5, false))
                + streamState("notes", "{\"cursor\":1}");
    }

    private static String article(
            int id, String title, String body, String author, int year, double rating, boolean featured) {
        return """
                {"id":%d,"title":"%s","body":"%s","author":"%s","year":%d,"rating":%s,"featured":%s}"""
                .formatted(id, title, body, author, year, rating, featured);
    }

    /** How the sync types metadata values ({@code processing.metadata_types}). */
    enum Types {
        /** The default: numbers, booleans and strings as themselves. */
        NATIVE("native"),
        /** Booleans as the strings "true" and "false": for LangChain4j, whose {@code Metadata} refuses booleans. */
        STRINGS_AND_NUMBERS("strings_and_numbers");

        final String setting;

        Types(String setting) {
            this.setting = setting;
        }

        /** What a reader should hand back for the kitten's {@code featured: true}. */
        Object featuredTrue() {
            return this == NATIVE ? Boolean.TRUE : "true";
        }
    }

    /** A write config with the local model, {@code indexing}, every field as metadata, typed as {@code types}. */
    static String config(String indexing, Types types) {
        return """
                {"processing": {"chunk_size": 128, "chunk_overlap": 0, "text_fields": ["title", "body"],
                                "metadata_fields": ["id", "author", "year", "rating", "featured"],
                                "metadata_types": "%s"},
                 "embedding": {"mode": "local", "model": "all-minilm-l6-v2-q"},
                 "indexing": %s}
                """
                .formatted(types.setting, indexing);
    }

    private static Embedding question;

    /**
     * The question's vector, from LangChain4j's all-MiniLM-L6-v2 (quantized): the model the sync used,
     * packaged for applications. Every reader, Java or Node, searches with it.
     */
    static synchronized Embedding questionVector() {
        if (question == null) {
            question =
                    new AllMiniLmL6V2QuantizedEmbeddingModel().embed(QUESTION).content();
        }
        return question;
    }

    /** One search for {@code tools/readers-js/read.mjs}: the question's vector, 5 hits, a filter in the store's syntax or null. */
    static ObjectNode jsSearch(String filterJson) {
        ObjectNode search = Json.MAPPER.createObjectNode();
        var vector = search.putArray("vector");
        for (float value : ReaderCorpus.questionVector().vector()) {
            vector.add(value);
        }
        search.put("k", 5);
        if (filterJson != null) {
            try {
                search.set("filter", Json.MAPPER.readTree(filterJson));
            } catch (IOException e) {
                throw new IllegalArgumentException(filterJson, e);
            }
        }
        return search;
    }
}
