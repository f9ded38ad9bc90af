package io.vectorsink.embedding.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vectorsink.embedding.Embedder;
import io.vectorsink.embedding.EmbedderContract;
import io.vectorsink.embedding.Vectors;
import io.vectorsink.error.ConfigException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FakeEmbedderTest implements EmbedderContract {
    /** The fake vector of "hello world" at 4 dimensions; a change here changes every stored fake vector. */
    private static final float[] GOLDEN_HELLO_WORLD = {0.72554797f, -0.009982123f, -0.6126975f, -0.31318092f};

    private final FakeEmbedder embedder = new FakeEmbedder(16);

    @Override
    public Embedder embedder() {
        return embedder;
    }

    @Test
    void should_give_fixed_values_for_a_known_text_in_every_jvm() {
        float[] vector = new FakeEmbedder(4).embed(List.of("hello world")).get(0);

        assertThat(vector).containsExactly(GOLDEN_HELLO_WORLD);
    }

    @Test
    void should_give_the_same_vector_from_separate_instances() {
        float[] first = new FakeEmbedder(384).embed(List.of("Grüße, 世界 🌍")).get(0);
        float[] second = new FakeEmbedder(384).embed(List.of("Grüße, 世界 🌍")).get(0);

        assertThat(first).containsExactly(second);
    }

    @Test
    void should_give_distinct_vectors_to_distinct_texts() {
        List<String> texts = new ArrayList<>();
        IntStream.range(0, 2_000).forEach(i -> texts.add("record " + i));
        texts.add("");
        texts.add(" ");

        Set<List<Float>> distinct = new HashSet<>();
        for (float[] vector : embedder.embed(texts)) {
            List<Float> boxed = new ArrayList<>();
            for (float component : vector) {
                boxed.add(component);
            }
            distinct.add(boxed);
        }

        assertThat(distinct).hasSize(texts.size());
    }

    @Test
    void should_spread_vectors_of_similar_texts() {
        List<float[]> vectors = new FakeEmbedder(384).embed(List.of("the cat", "the cat."));

        assertThat(Math.abs(Vectors.cosine(vectors.get(0), vectors.get(1)))).isLessThan(0.3);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 1536, FakeEmbedder.MAX_DIMENSIONS})
    void should_return_unit_vectors_of_any_allowed_length(int dimensions) {
        float[] vector =
                new FakeEmbedder(dimensions).embed(List.of("some text")).get(0);

        assertThat(vector).hasSize(dimensions);
        assertThat(Vectors.norm(vector)).isCloseTo(1.0, within(1e-5));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, FakeEmbedder.MAX_DIMENSIONS + 1})
    void should_reject_dimensions_out_of_range(int dimensions) {
        assertThatThrownBy(() -> new FakeEmbedder(dimensions))
                .isInstanceOf(ConfigException.class)
                .hasMessage("embedding.dimensions for mode fake must be 1 to 4096, got " + dimensions);
    }

    @Test
    void should_count_whitespace_separated_words() {
        assertThat(embedder.tokenCounter().count("")).isZero();
        assertThat(embedder.tokenCounter().count(" \t\n ")).isZero();
        assertThat(embedder.tokenCounter().count("one")).isEqualTo(1);
        assertThat(embedder.tokenCounter().count("  two\twords\n")).isEqualTo(2);
        assertThat(embedder.tokenCounter().count("don't split-on punctuation, 世界"))
                .isEqualTo(4);
        assertThat(embedder.tokenCounter().count("a\u2003b")).isEqualTo(2); // em space is whitespace
    }

    @Test
    void should_describe_itself_without_content() {
        assertThat(embedder.description()).isEqualTo("fake (16 dims)");
        assertThat(embedder.maxInputTokens()).isEqualTo(8192);
    }
}
