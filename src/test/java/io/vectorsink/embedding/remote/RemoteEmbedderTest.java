package io.vectorsink.embedding.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.chunking.TokenCounter;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.EmbeddingConfig;
import io.vectorsink.embedding.openai.OpenAiApi;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.ConnectorException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.HttpStatus;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.testing.FakeEmbeddingServer;
import io.vectorsink.testing.FakeRetryTiming;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

/** Request sizing, concurrency and reassembly, independent of any one provider. */
class RemoteEmbedderTest {
    private final FakeRetryTiming clock = new FakeRetryTiming();

    /** Words are tokens; at most 3 texts and 10 tokens per request, 6 tokens per text. */
    private RemoteEmbedder sized() {
        return new RemoteEmbedder(
                new SizingOnlyApi(new RequestLimits(3, 10, 6, 5)), ProviderFixtures.service("X", clock));
    }

    private static List<Integer> sizes(List<List<String>> requests) {
        List<Integer> sizes = new ArrayList<>();
        requests.forEach(request -> sizes.add(request.size()));
        return sizes;
    }

    @Test
    void should_pack_texts_in_order_within_the_inputs_per_request() {
        try (RemoteEmbedder embedder = sized()) {
            List<List<String>> requests = embedder.split(List.of("a", "b", "c", "d", "e", "f", "g"));

            // The fewest requests (3 of at most 3 inputs), filled evenly.
            assertThat(sizes(requests)).containsExactly(3, 2, 2);
            assertThat(requests.get(2)).containsExactly("f", "g");
        }
    }

    @Test
    void should_start_a_new_request_when_the_tokens_per_request_would_be_exceeded() {
        try (RemoteEmbedder embedder = sized()) {
            List<List<String>> requests =
                    embedder.split(List.of("one two three four", "five six seven eight", "nine ten eleven"));

            // 3 inputs fit one request by count, but 4 + 4 = 8 tokens fit and + 3 = 11 passes 10.
            assertThat(sizes(requests)).containsExactly(2, 1);
        }
    }

    @Test
    void should_refuse_a_text_over_the_per_input_limit_and_send_nothing() {
        try (RemoteEmbedder embedder = sized()) {
            assertThatThrownBy(() -> embedder.split(List.of("ok", "a b c d e f g")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("a chunk of 7 tokens is longer than the 6 tokens sizing-only takes in one input;"
                            + " lower processing.chunk_size");
        }
    }

    @Test
    void should_split_at_openais_300k_tokens_per_request_counting_exactly_where_bytes_do_not_settle_it() {
        EmbeddingConfig.OpenAi config =
                new EmbeddingConfig.OpenAi("sk-split-test", "text-embedding-3-small", java.util.OptionalInt.empty());
        String eightThousandTokens = "token ".repeat(7999);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            texts.add(eightThousandTokens);
        }

        try (RemoteEmbedder embedder =
                new RemoteEmbedder(OpenAiApi.openAi(config), ProviderFixtures.service("OpenAI", clock))) {
            assertThat(Cl100kTokenCounter.instance().count(eightThousandTokens)).isEqualTo(8000);
            // 37 x 8000 = 296,000 tokens fit in one request; the 38th would pass 300,000.
            assertThat(sizes(embedder.split(texts))).containsExactly(37, 3);
            // Short texts are settled by their byte count alone: all 2048 go in one request.
            assertThat(sizes(embedder.split(java.util.Collections.nCopies(2048, "short text"))))
                    .containsExactly(2048);
            // One more needs two requests, which carry half each.
            assertThat(sizes(embedder.split(java.util.Collections.nCopies(2049, "short text"))))
                    .containsExactly(1025, 1024);
        } finally {
            io.vectorsink.error.Secrets.clear();
        }
    }

    @Test
    void should_bound_tokens_by_utf8_bytes() {
        assertThat(RemoteEmbedder.utf8Length("abc")).isEqualTo(3);
        assertThat(RemoteEmbedder.utf8Length("é世🌍")).isEqualTo(2 + 3 + 4);
        for (String text : List.of("héllo wörld", "世界和平", "🌍🌍 emoji", "plain ascii text")) {
            assertThat(Cl100kTokenCounter.instance().count(text)).isLessThanOrEqualTo(RemoteEmbedder.utf8Length(text));
        }
    }

    @Test
    void should_declare_the_limits_of_its_api() {
        try (RemoteEmbedder embedder = sized()) {
            assertThat(embedder.maxInputTokens()).isEqualTo(5);
            assertThat(embedder.maxBatchSize()).isEqualTo(3);
            assertThat(embedder.embed(List.of())).isEmpty();
        }
    }

    @Test
    void should_run_the_requests_of_one_call_concurrently_and_reassemble_them() throws IOException {
        // The server's latency is real (it is another process's time), but nothing here is timed.
        try (FakeEmbeddingServer server = FakeEmbeddingServer.start(8, Duration.ofMillis(100));
                RemoteEmbedder embedder = compatible(server, 1, 4)) {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                texts.add("text number " + i);
            }

            List<float[]> together = embedder.embed(texts);
            List<float[]> alone = new ArrayList<>();
            for (String text : texts) {
                alone.add(embedder.embed(List.of(text)).get(0));
            }

            assertThat(together).containsExactlyElementsOf(alone);
            assertThat(server.maxInFlight()).isBetween(2, 4);
            assertThat(embedder.limiter().inFlight()).isZero();
        }
    }

    @Test
    void should_fail_the_whole_call_with_the_first_failure_of_its_requests() throws IOException {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        try (RemoteEmbedder embedder = compatible("http://127.0.0.1:" + closedPort + "/v1", 1, 4)) {
            assertThatThrownBy(() -> embedder.embed(List.of("a", "b", "c")))
                    .isInstanceOf(TransientException.class)
                    .hasMessageContaining("connection refused");
            // The other requests were cancelled; their threads give their permits back as they stop.
            // A liveness check with a generous bound, not a timing assertion.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (embedder.limiter().inFlight() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(embedder.limiter().inFlight()).isZero();
        }
    }

    @Test
    void should_size_its_concurrency_from_the_advanced_settings() {
        AdvancedConfig advanced =
                new AdvancedConfig(128, 3, 2, Duration.ofSeconds(60), 4096, Duration.ofMinutes(5), false);
        EmbeddingConfig.OpenAiCompatible config =
                new EmbeddingConfig.OpenAiCompatible("http://127.0.0.1:1/v1", "", "m", 8, 512);

        try (RemoteEmbedder embedder = RemoteEmbedder.create(
                OpenAiApi.compatible(config, false), advanced, HttpClients.shared(), RetryTiming.system())) {
            // 3 batches in flight, each of 128 texts in 4 requests of 32.
            assertThat(embedder.limiter().ceiling()).isEqualTo(12);
        }
    }

    private RemoteEmbedder compatible(FakeEmbeddingServer server, int inputsPerRequest, int concurrency) {
        return compatible(server.baseUrl(), inputsPerRequest, concurrency);
    }

    private RemoteEmbedder compatible(String baseUrl, int inputsPerRequest, int concurrency) {
        EmbeddingConfig.OpenAiCompatible config = new EmbeddingConfig.OpenAiCompatible(baseUrl, "", "fake", 8, 512);
        return new RemoteEmbedder(
                OpenAiApi.compatible(config, false).withMaxInputsPerRequest(inputsPerRequest),
                new io.vectorsink.http.AdaptiveHttpService(
                        HttpClients.shared(),
                        new io.vectorsink.http.RetrySettings(
                                "OpenAI-compatible server",
                                2,
                                Duration.ofMillis(500),
                                Duration.ofSeconds(1),
                                Duration.ofMinutes(1)),
                        clock.timing(),
                        new io.vectorsink.http.AdaptiveLimiter(concurrency, 0.5, clock.timing())));
    }

    /** An API that only sizes: words are tokens, and no request is ever sent. */
    private static final class SizingOnlyApi implements EmbeddingApi {
        private final RequestLimits limits;

        SizingOnlyApi(RequestLimits limits) {
            this.limits = limits;
        }

        @Override
        public String service() {
            return "X";
        }

        @Override
        public String description() {
            return "sizing-only";
        }

        @Override
        public int dimensions() {
            return 2;
        }

        @Override
        public io.vectorsink.embedding.EmbeddingModel embeddingModel() {
            return io.vectorsink.embedding.EmbeddingModel.of("sizing-only", "words", 2);
        }

        @Override
        public String dimensionsOrigin() {
            return "test";
        }

        @Override
        public TokenCounter tokenCounter() {
            return text -> text.isBlank() ? 0 : text.strip().split("\\s+").length;
        }

        @Override
        public RequestLimits limits() {
            return limits;
        }

        @Override
        public Request request(List<String> texts) {
            throw new AssertionError("no request expected");
        }

        @Override
        public List<float[]> vectors(JsonNode body, int inputs) {
            throw new AssertionError("no answer expected");
        }

        @Override
        public ConnectorException rejected(HttpStatus status) {
            throw new AssertionError("no answer expected");
        }
    }
}
