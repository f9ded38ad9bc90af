package io.vectorsink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.EmbeddingConfig;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.embedding.cohere.CohereApi;
import io.vectorsink.embedding.openai.OpenAiApi;
import io.vectorsink.embedding.remote.RemoteEmbedder;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.testing.FakeEmbeddingServer;
import io.vectorsink.testing.Messages;
import io.vectorsink.testing.OneStreamSync;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalInt;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/**
 * With the default advanced settings, a sync keeps as many embedding requests in flight as
 * docs/embedding-providers.md promises: {@code embedding_concurrency} (2) batches of {@code batch_size} (128)
 * chunks, each split into the requests it needs, all at once.
 */
class DefaultEmbeddingConcurrencyTest {
    private static final Duration LATENCY = Duration.ofMillis(300);
    private static final int DIMENSIONS = 384;

    @Test
    void should_keep_8_requests_in_flight_for_an_openai_compatible_server() throws Exception {
        try (FakeEmbeddingServer server = FakeEmbeddingServer.start(DIMENSIONS, LATENCY)) {
            var config = new EmbeddingConfig.OpenAiCompatible(server.baseUrl(), "", "fake-embed", DIMENSIONS, 512);
            sync(RemoteEmbedder.create(
                    OpenAiApi.compatible(config, false),
                    AdvancedConfig.defaults(),
                    HttpClients.shared(),
                    RetryTiming.system()));

            assertThat(server.inputsServed()).isEqualTo(1024);
            assertThat(server.maxInFlight()).isEqualTo(8); // 2 batches × 128 / 32 inputs per request
        }
    }

    @Test
    void should_keep_4_requests_in_flight_for_cohere() throws Exception {
        try (FakeEmbeddingServer server = FakeEmbeddingServer.start(DIMENSIONS, LATENCY)) {
            var config = new EmbeddingConfig.Cohere("test-key", "embed-english-light-v3.0", OptionalInt.empty());
            sync(RemoteEmbedder.create(
                    CohereApi.of(config, HttpUrl.get(server.cohereBaseUrl())),
                    AdvancedConfig.defaults(),
                    HttpClients.shared(),
                    RetryTiming.system()));

            assertThat(server.inputsServed()).isEqualTo(1024);
            assertThat(server.maxInFlight()).isEqualTo(4); // 2 batches × 128 / 96 inputs per request, rounded up
        }
    }

    /** 1,024 one-chunk records through a pipeline with the default advanced settings. */
    private static void sync(Embedder embedder) throws InterruptedException {
        try (embedder) {
            StringBuilder input = new StringBuilder();
            for (int i = 0; i < 1024; i++) {
                input.append(Messages.record("docs", "{\"id\":" + i + ",\"text\":\"note " + i + " on the harbour\"}"));
            }
            OneStreamSync.run(
                    embedder,
                    new RecordingStore(),
                    AdvancedConfig.defaults(),
                    input.toString().getBytes(StandardCharsets.UTF_8));
        }
    }
}
