package io.vectorsink.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.EmbeddingConfig;
import io.vectorsink.embedding.fake.FakeEmbedder;
import io.vectorsink.embedding.local.LocalModel;
import io.vectorsink.embedding.local.LocalOnnxEmbedder;
import io.vectorsink.embedding.remote.RemoteEmbedder;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.Secrets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EmbedderFactoryTest {
    @AfterEach
    void forgetSecrets() {
        Secrets.clear();
    }

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
    void should_not_start_loading_a_local_model_whose_window_the_caller_refuses() {
        Set<Thread> loadsBefore = loadThreads();
        List<String> checked = new ArrayList<>();

        assertThatThrownBy(() -> EmbedderFactory.start(
                        new EmbeddingConfig.Local(EmbeddingConfig.Local.MINILM),
                        AdvancedConfig.defaults(),
                        (window, description) -> {
                            checked.add(window + " " + description);
                            throw new ConfigException("chunk_size too large");
                        }))
                .isInstanceOf(ConfigException.class)
                .hasMessage("chunk_size too large");
        assertThat(checked).singleElement().asString().startsWith("254 ").contains("all-minilm-l6-v2-q");
        assertThat(loadThreads()).as("load threads started").isEqualTo(loadsBefore);
    }

    @Test
    void should_show_a_ready_embedder_to_the_window_check_before_handing_it_out() {
        List<Integer> windows = new ArrayList<>();
        try (PendingEmbedder pending = EmbedderFactory.start(
                new EmbeddingConfig.Fake(12),
                AdvancedConfig.defaults(),
                (window, description) -> windows.add(window))) {
            assertThat(windows).containsExactly(pending.maxInputTokens());
        }
    }

    /** The threads that load a local model now. */
    private static Set<Thread> loadThreads() {
        Set<Thread> loads = new HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("vectorsink-embedder-load")
                    || thread.getName().equals("vectorsink-model-load")) {
                loads.add(thread);
            }
        }
        return loads;
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

    @Test
    void should_build_remote_embedders_without_calling_them() {
        AdvancedConfig advanced = AdvancedConfig.defaults();
        try (Embedder openAi = EmbedderFactory.create(
                        new EmbeddingConfig.OpenAi("sk-factory-1", "text-embedding-3-large", OptionalInt.of(256)),
                        advanced);
                Embedder azure = EmbedderFactory.create(
                        new EmbeddingConfig.AzureOpenAi(
                                "az-factory-2", "https://r.openai.azure.com", "emb", "2024-10-21", 3072),
                        advanced);
                Embedder cohere = EmbedderFactory.create(
                        new EmbeddingConfig.Cohere("co-factory-3", "embed-multilingual-v3.0", OptionalInt.empty()),
                        advanced);
                Embedder compatible = EmbedderFactory.create(
                        new EmbeddingConfig.OpenAiCompatible("http://localhost:11434/v1", "", "nomic", 768, 8192),
                        advanced)) {
            assertThat(List.of(openAi, azure, cohere, compatible))
                    .allSatisfy(e -> assertThat(e).isInstanceOf(RemoteEmbedder.class));
            assertThat(openAi.description()).isEqualTo("openai text-embedding-3-large (256 dims)");
            assertThat(azure.dimensions()).isEqualTo(3072);
            assertThat(cohere.dimensions()).isEqualTo(1024);
            assertThat(cohere.maxInputTokens()).isEqualTo(409);
            assertThat(compatible.maxInputTokens()).isEqualTo(6553);
        }
    }

    @Test
    void should_refuse_plain_http_to_a_remote_embedding_server_unless_allowed() {
        EmbeddingConfig.OpenAiCompatible remote =
                new EmbeddingConfig.OpenAiCompatible("http://gpu-box:8000/v1", "", "bge", 384, 512);
        AdvancedConfig insecure =
                new AdvancedConfig(128, 2, 2, Duration.ofSeconds(60), 4096, Duration.ofMinutes(5), true);

        assertThatThrownBy(() -> EmbedderFactory.create(remote, AdvancedConfig.defaults()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("embedding.base_url must use https");
        try (Embedder embedder = EmbedderFactory.create(remote, insecure)) {
            assertThat(embedder.dimensions()).isEqualTo(384);
        }
    }
}
