package io.vectorsink.embedding.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.EmbeddingConfig;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.embedding.EmbedderContract;
import io.vectorsink.embedding.EmbedderFactory;
import io.vectorsink.testing.FakeEmbeddingServer;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedder contract for a remote provider, built by {@link EmbedderFactory} from a config exactly as
 * the connector builds it, against the simulated OpenAI-compatible server on loopback.
 */
class OpenAiCompatibleContractTest implements EmbedderContract {
    private static FakeEmbeddingServer server;
    private static Embedder embedder;

    @BeforeAll
    static void start() throws IOException {
        server = FakeEmbeddingServer.start(32, Duration.ZERO);
        embedder = EmbedderFactory.create(
                new EmbeddingConfig.OpenAiCompatible(server.baseUrl(), "", "fake-embed", 32, 512),
                AdvancedConfig.defaults());
    }

    @AfterAll
    static void stop() {
        embedder.close();
        server.close();
    }

    @Override
    public Embedder embedder() {
        return embedder;
    }

    /**
     * Byte-pair encodings are not additive: "harbour" is two cl100k tokens, " harbour" one, so three
     * words count 4, not 6. The promise that matters is that more text never counts fewer tokens.
     */
    @Override
    @Test
    public void should_count_more_tokens_for_longer_text() {
        int one = embedder.tokenCounter().count("harbour");
        int three = embedder.tokenCounter().count("harbour harbour harbour");

        assertThat(one).isPositive();
        assertThat(three).isGreaterThan(one);
    }

    @Test
    void should_check_with_one_call() {
        long before = server.requests();

        embedder.check();

        assertThat(server.requests()).isEqualTo(before + 1);
    }
}
