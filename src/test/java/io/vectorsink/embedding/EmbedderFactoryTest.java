package io.vectorsink.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.config.EmbeddingConfig;
import io.vectorsink.embedding.fake.FakeEmbedder;
import io.vectorsink.embedding.local.LocalModel;
import io.vectorsink.embedding.local.LocalOnnxEmbedder;
import io.vectorsink.error.ConfigException;
import org.junit.jupiter.api.Test;

class EmbedderFactoryTest {
    @Test
    void should_build_a_fake_embedder_of_the_configured_dimensions() {
        try (Embedder embedder = EmbedderFactory.create(new EmbeddingConfig.Fake(12))) {
            assertThat(embedder).isInstanceOf(FakeEmbedder.class);
            assertThat(embedder.dimensions()).isEqualTo(12);
        }
    }

    @Test
    void should_build_the_named_local_model() {
        try (Embedder embedder = EmbedderFactory.create(new EmbeddingConfig.Local(EmbeddingConfig.Local.BGE_SMALL))) {
            assertThat(embedder).isInstanceOf(LocalOnnxEmbedder.class);
            assertThat(((LocalOnnxEmbedder) embedder).model()).isEqualTo(LocalModel.BGE_SMALL_EN_V15_Q);
        }
    }

    @Test
    void should_reject_an_unknown_local_model_before_loading_anything() {
        assertThatThrownBy(() -> EmbedderFactory.create(new EmbeddingConfig.Local("gpt-embed-9")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("model must be one of all-minilm-l6-v2-q, bge-small-en-v1.5-q");
    }

    @Test
    void should_reject_fake_dimensions_out_of_range() {
        assertThatThrownBy(() -> EmbedderFactory.create(new EmbeddingConfig.Fake(0)))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void should_know_every_model_name_of_the_config() {
        assertThat(LocalModel.fromName(EmbeddingConfig.Local.MINILM)).isEqualTo(LocalModel.ALL_MINILM_L6_V2_Q);
        assertThat(LocalModel.fromName(EmbeddingConfig.Local.BGE_SMALL)).isEqualTo(LocalModel.BGE_SMALL_EN_V15_Q);
        assertThat(LocalModel.fromName(" ALL-MiniLM-L6-v2-q ")).isEqualTo(LocalModel.ALL_MINILM_L6_V2_Q);
        assertThat(LocalModel.fromName(null)).isEqualTo(LocalModel.ALL_MINILM_L6_V2_Q);
        assertThat(LocalModel.fromName("")).isEqualTo(LocalModel.ALL_MINILM_L6_V2_Q);
    }
}
