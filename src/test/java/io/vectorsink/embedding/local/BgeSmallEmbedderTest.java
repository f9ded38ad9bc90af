package io.vectorsink.embedding.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.embedding.Embedder;
import io.vectorsink.embedding.EmbedderContract;
import io.vectorsink.embedding.Vectors;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** bge-small-en-v1.5, run for real. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BgeSmallEmbedderTest implements EmbedderContract {
    private LocalOnnxEmbedder embedder;

    @BeforeAll
    void load() {
        embedder = LocalOnnxEmbedder.load(LocalModel.BGE_SMALL_EN_V15_Q);
    }

    @AfterAll
    void close() {
        embedder.close();
    }

    @Override
    public Embedder embedder() {
        return embedder;
    }

    @Test
    void should_describe_384_dimensions_and_a_510_token_window() {
        assertThat(embedder.dimensions()).isEqualTo(384);
        assertThat(embedder.maxInputTokens()).isEqualTo(510);
        assertThat(embedder.description()).isEqualTo("local bge-small-en-v1.5-q (384 dims, 510-token window)");
    }

    @Test
    void should_embed_every_token_of_a_text_of_exactly_max_input_tokens() {
        String start = LongTexts.ofTokens(embedder.maxInputTokens() - 1, embedder.tokenCounter());

        List<float[]> vectors = embedder.embed(List.of(start + " apple", start + " stone"));

        assertThat(vectors.get(0)).isNotEqualTo(vectors.get(1));
    }

    @Test
    void should_place_related_sentences_closer_than_unrelated_ones() {
        List<float[]> v =
                embedder.embed(List.of("a cat sits on the mat", "a kitten is on the rug", "stock market crashed"));

        assertThat(Vectors.cosine(v.get(0), v.get(1))).isGreaterThan(Vectors.cosine(v.get(0), v.get(2)) + 0.2);
    }
}
