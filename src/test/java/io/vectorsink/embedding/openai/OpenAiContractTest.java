package io.vectorsink.embedding.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.EmbeddingConfig;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.embedding.EmbedderContract;
import io.vectorsink.embedding.remote.RemoteEmbedder;
import io.vectorsink.error.Secrets;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.testing.FakeEmbeddingServer;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalInt;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The embedder contract for OpenAI mode (text-embedding-3-small at 32 dims), against the simulated server. */
class OpenAiContractTest implements EmbedderContract {
    private static FakeEmbeddingServer server;
    private static Embedder embedder;

    @BeforeAll
    static void start() throws IOException {
        server = FakeEmbeddingServer.start(32, Duration.ZERO);
        EmbeddingConfig.OpenAi config =
                new EmbeddingConfig.OpenAi("sk-contract-key-1", "text-embedding-3-small", OptionalInt.of(32));
        embedder = RemoteEmbedder.create(
                OpenAiApi.openAi(config, HttpUrl.get(server.baseUrl())),
                AdvancedConfig.defaults(),
                HttpClients.shared(),
                RetryTiming.system());
    }

    @AfterAll
    static void stop() {
        embedder.close();
        server.close();
        Secrets.clear();
    }

    @Override
    public Embedder embedder() {
        return embedder;
    }

    /** Byte-pair encodings are not additive ("harbour" is 2 cl100k tokens, " harbour" 1): see the class doc. */
    @Override
    @Test
    public void should_count_more_tokens_for_longer_text() {
        int one = embedder.tokenCounter().count("harbour");
        int three = embedder.tokenCounter().count("harbour harbour harbour");

        assertThat(one).isEqualTo(2);
        assertThat(three).isEqualTo(4);
    }
}
