package io.vectorsink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.embedding.EmbeddingModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The chunk and record hashes: every input changes them, nothing else does, and they never drift. */
class ContentHashesTest {
    private static final EmbeddingModel MODEL =
            EmbeddingModel.of("openai", "text-embedding-3-small", 1536).with("dimensions", "1536");
    private final ContentHashes hashes = ContentHashes.of(MODEL, "");

    private static Map<String, Object> metadata() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("title", "Moon");
        metadata.put("year", 1962L);
        return metadata;
    }

    private String record(ContentHashes with) {
        return with.recordHash(List.of(with.chunkHash("a"), with.chunkHash("b")), metadata(), false, null);
    }

    @Test
    void should_give_the_same_hashes_in_every_run_and_version() {
        // Computed independently (Python hashlib over the documented encoding): a change of encoding would make
        // every stored hash differ and re-embed every index once, so it must be deliberate.
        assertThat(hashes.fingerprint()).isEqualTo("e3db87aae27579dcabdfce6c4af8ea412825999a3fcd686132619fd797d246ed");
        assertThat(hashes.chunkHash("a")).isEqualTo("7389f893670763b2f5ab5d3760cb4fb1685471c11e0e4dbe133d401fe28b9bcf");
        assertThat(record(hashes)).isEqualTo("27568e975a512b245294743f495ae11d0bb17cded58ee340eb0c61d258eb8ee7");
    }

    @Test
    void should_change_the_fingerprint_with_every_part_of_the_model_and_the_salt() {
        List<Supplier<ContentHashes>> variants = List.of(
                () -> ContentHashes.of(MODEL, ""),
                () -> ContentHashes.of(MODEL, "2026-12"),
                () -> ContentHashes.of(
                        EmbeddingModel.of("azure_openai", "text-embedding-3-small", 1536)
                                .with("dimensions", "1536"),
                        ""),
                () -> ContentHashes.of(
                        EmbeddingModel.of("openai", "text-embedding-3-large", 1536)
                                .with("dimensions", "1536"),
                        ""),
                () -> ContentHashes.of(
                        EmbeddingModel.of("openai", "text-embedding-3-small", 512)
                                .with("dimensions", "1536"),
                        ""),
                () -> ContentHashes.of(
                        EmbeddingModel.of("openai", "text-embedding-3-small", 1536)
                                .with("dimensions", "512"),
                        ""),
                () -> ContentHashes.of(EmbeddingModel.of("openai", "text-embedding-3-small", 1536), ""));
        List<String> chunk = new ArrayList<>();
        List<String> recordHashes = new ArrayList<>();
        List<String> fingerprints = new ArrayList<>();
        for (Supplier<ContentHashes> variant : variants) {
            fingerprints.add(variant.get().fingerprint());
            chunk.add(variant.get().chunkHash("a"));
            recordHashes.add(record(variant.get()));
        }
        assertThat(fingerprints).doesNotHaveDuplicates().hasSize(variants.size());
        assertThat(chunk).doesNotHaveDuplicates();
        assertThat(recordHashes).doesNotHaveDuplicates();
        assertThat(ContentHashes.of(MODEL, "").chunkHash("a")).isEqualTo(hashes.chunkHash("a"));
    }

    @Test
    void should_change_the_chunk_hash_with_the_text_only() {
        assertThat(hashes.chunkHash("a")).isEqualTo(hashes.chunkHash("a"));
        assertThat(hashes.chunkHash("a")).isNotEqualTo(hashes.chunkHash("a "));
        assertThat(hashes.chunkHash("")).isNotEqualTo(hashes.chunkHash(" "));
        assertThat(hashes.chunkHash("a")).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void should_change_the_record_hash_with_every_input() {
        String a = hashes.chunkHash("a");
        String b = hashes.chunkHash("b");
        Map<String, Object> otherValue = metadata();
        otherValue.put("title", "Mars");
        Map<String, Object> otherType = metadata();
        otherType.put("year", "1962");
        Map<String, Object> doubleType = metadata();
        doubleType.put("year", 1962.0);
        Map<String, Object> otherKey = new LinkedHashMap<>(Map.of("titles", "Moon", "year", 1962L));
        Map<String, Object> moreKeys = metadata();
        moreKeys.put("_airbyte_meta", "{\"changes\":[]}");
        Map<String, Object> reordered = new LinkedHashMap<>();
        reordered.put("year", 1962L);
        reordered.put("title", "Moon");

        String base = hashes.recordHash(List.of(a, b), metadata(), false, null);
        List<String> variants = List.of(
                base,
                hashes.recordHash(List.of(b, a), metadata(), false, null),
                hashes.recordHash(List.of(a), metadata(), false, null),
                hashes.recordHash(List.of(a, b, b), metadata(), false, null),
                hashes.recordHash(List.of(a, b), otherValue, false, null),
                hashes.recordHash(List.of(a, b), otherType, false, null),
                hashes.recordHash(List.of(a, b), doubleType, false, null),
                hashes.recordHash(List.of(a, b), otherKey, false, null),
                hashes.recordHash(List.of(a, b), moreKeys, false, null),
                hashes.recordHash(List.of(a, b), Map.of(), false, null),
                hashes.recordHash(List.of(a, b), metadata(), true, null),
                hashes.recordHash(List.of(a, b), metadata(), false, new float[] {1f, 0f}),
                hashes.recordHash(List.of(a, b), metadata(), false, new float[] {1f, 0.5f}),
                hashes.recordHash(List.of(a, b), metadata(), false, new float[] {}));
        assertThat(variants).doesNotHaveDuplicates();
        assertThat(hashes.recordHash(List.of(a, b), reordered, false, null)).isEqualTo(base);
    }

    @Test
    void should_not_confuse_parts_that_concatenate_alike() {
        assertThat(hashes.recordHash(List.of("ab", "c"), Map.of(), false, null))
                .isNotEqualTo(hashes.recordHash(List.of("a", "bc"), Map.of(), false, null));
        assertThat(hashes.recordHash(List.of(), Map.of("a", "bc"), false, null))
                .isNotEqualTo(hashes.recordHash(List.of(), Map.of("ab", "c"), false, null));
        assertThat(ContentHashes.of(MODEL, "x").chunkHash("y"))
                .isNotEqualTo(ContentHashes.of(MODEL, "").chunkHash("xy"));
    }
}
