package io.vectorsink.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Embedder} promises, as {@code default} tests: implement {@link #embedder()} once per
 * embedder (the instance may be shared by the test class).
 */
public interface EmbedderContract {
    Embedder embedder();

    @Test
    default void should_return_one_vector_of_the_declared_length_per_text_in_order() {
        List<String> texts =
                List.of("first text about rivers", "second text about mountains", "first text about rivers");

        List<float[]> vectors = embedder().embed(texts);

        assertThat(vectors).hasSize(3).allSatisfy(v -> assertThat(v)
                .hasSize(embedder().dimensions()));
        assertThat(vectors.get(0)).containsExactly(vectors.get(2));
        assertThat(vectors.get(0)).isNotEqualTo(vectors.get(1));
    }

    @Test
    default void should_give_the_same_vector_alone_and_in_a_batch() {
        float[] alone = embedder().embed(List.of("a lighthouse on the cliff")).get(0);
        float[] batched = embedder()
                .embed(List.of("something else first", "a lighthouse on the cliff"))
                .get(1);

        assertThat(batched).containsExactly(alone);
    }

    @Test
    default void should_return_unit_vectors() {
        for (float[] vector : embedder().embed(List.of("unit length please", "x"))) {
            assertThat(Vectors.norm(vector)).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    default void should_return_nothing_for_no_texts() {
        assertThat(embedder().embed(List.of())).isEmpty();
    }

    @Test
    default void should_declare_sane_limits() {
        assertThat(embedder().dimensions()).isPositive();
        assertThat(embedder().maxInputTokens()).isPositive();
        assertThat(embedder().maxBatchSize()).isPositive();
        assertThat(embedder().description()).contains(String.valueOf(embedder().dimensions()));
    }

    @Test
    default void should_count_more_tokens_for_longer_text() {
        int one = embedder().tokenCounter().count("harbour");
        int three = embedder().tokenCounter().count("harbour harbour harbour");

        assertThat(one).isPositive();
        assertThat(three).isEqualTo(3 * one);
    }
}
