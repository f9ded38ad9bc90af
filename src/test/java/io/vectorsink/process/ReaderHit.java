package io.vectorsink.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One search hit as a reader handed it to the application: the page content and the metadata, each value
 * in the Java type of what the reader gave (a JSON integer becomes a Long, a fraction a Double, a boolean
 * a Boolean, a string a String), so a number a reader turned into text shows as a String and fails.
 */
record ReaderHit(String pageContent, Map<String, Object> metadata) {

    static List<ReaderHit> fromLangChain4j(List<EmbeddingMatch<TextSegment>> matches) {
        return matches.stream()
                .map(match -> {
                    Map<String, Object> metadata = new LinkedHashMap<>();
                    match.embedded().metadata().toMap().forEach((key, value) -> metadata.put(key, widen(value)));
                    return new ReaderHit(match.embedded().text(), metadata);
                })
                .toList();
    }

    /** The hits of one search from {@code tools/readers-js/read.mjs}. */
    static List<ReaderHit> fromLangChainJs(JsonNode hits) {
        List<ReaderHit> result = new ArrayList<>();
        for (JsonNode hit : hits) {
            Map<String, Object> metadata = new LinkedHashMap<>();
            hit.get("metadata")
                    .properties()
                    .forEach(field -> metadata.put(field.getKey(), javaValue(field.getValue())));
            result.add(new ReaderHit(hit.get("pageContent").asText(), metadata));
        }
        return result;
    }

    private static Object widen(Object value) {
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        return value;
    }

    private static Object javaValue(JsonNode value) {
        if (value.isIntegralNumber()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        return value.toString();
    }

    /**
     * The unfiltered search: the kitten article is among the two nearest chunks, with its text and its
     * metadata typed as the record had them, {@code featured} as {@code types} wrote it.
     */
    static void assertKittenFound(List<ReaderHit> hits, ReaderCorpus.Types types) {
        assertThat(hits).hasSizeGreaterThanOrEqualTo(3);
        assertThat(hits.subList(0, 2)).extracting(ReaderHit::pageContent).contains(ReaderCorpus.KITTEN);
        ReaderHit kitten = hits.stream()
                .filter(hit -> hit.pageContent().equals(ReaderCorpus.KITTEN))
                .findFirst()
                .orElseThrow();
        assertThat(kitten.metadata())
                .containsEntry("_ab_stream", "articles")
                .containsEntry("_ab_chunk_index", 0L)
                .containsEntry("id", 1L)
                .containsEntry("author", "Ann")
                .containsEntry("year", 2021L)
                .containsEntry("rating", 4.5)
                .containsEntry("featured", types.featuredTrue());
        // Both streams were found: the filters below must narrow something.
        assertThat(hits).extracting(hit -> hit.metadata().get("_ab_stream")).contains("articles", "notes");
    }

    /** Filtered on {@code _ab_stream = notes}: the one note, nothing from articles. */
    static void assertOnlyTheNote(List<ReaderHit> hits) {
        assertThat(hits).singleElement().satisfies(hit -> {
            assertThat(hit.pageContent()).isEqualTo(ReaderCorpus.NOTE);
            assertThat(hit.metadata()).containsEntry("_ab_stream", "notes").containsEntry("author", "Cy");
        });
    }

    /** Filtered on {@code author = Bob}: Bob's two articles, the puppy first. */
    static void assertOnlyBob(List<ReaderHit> hits) {
        assertThat(hits).hasSize(2);
        assertThat(hits.get(0).pageContent()).isEqualTo(ReaderCorpus.PUPPY);
        assertThat(hits).allSatisfy(hit -> assertThat(hit.metadata()).containsEntry("author", "Bob"));
    }
}
