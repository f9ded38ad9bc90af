package io.vectorsink.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmbeddingModelTest {
    @Test
    void should_write_parameters_sorted_whatever_order_they_were_added_in() {
        EmbeddingModel a =
                EmbeddingModel.of("cohere", "embed-v4.0", 256).with("z", "1").with("a", "2");
        EmbeddingModel b =
                EmbeddingModel.of("cohere", "embed-v4.0", 256).with("a", "2").with("z", "1");
        assertThat(a.canonical())
                .isEqualTo(b.canonical())
                .isEqualTo("provider=cohere;model=embed-v4.0;dimensions=256;a=2;z=1");
    }

    @Test
    void should_keep_separators_inside_values_from_joining_two_models() {
        EmbeddingModel tricky = EmbeddingModel.of("p", "m;dimensions=3", 4);
        EmbeddingModel plain = EmbeddingModel.of("p", "m", 3);
        assertThat(tricky.canonical()).isNotEqualTo(plain.canonical()).contains("m\\;dimensions\\=3");
    }

    @Test
    void should_tell_models_apart_by_every_part() {
        EmbeddingModel base = EmbeddingModel.of("openai", "text-embedding-3-small", 1536);
        assertThat(base.canonical())
                .isNotEqualTo(EmbeddingModel.of("openai", "text-embedding-3-small", 512)
                        .canonical())
                .isNotEqualTo(EmbeddingModel.of("azure_openai", "text-embedding-3-small", 1536)
                        .canonical())
                .isNotEqualTo(base.with("dimensions", "1536").canonical());
    }
}
