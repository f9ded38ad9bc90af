package io.vectorsink.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.embedding.remote.Cl100kTokenCounter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulated provider's latency range and counters, which the benchmark of unchanged records relies on. */
class FakeEmbeddingServerTest {
    private final HttpClient client = HttpClient.newHttpClient();

    private long post(FakeEmbeddingServer server, String inputJson) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/embeddings"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"input\":" + inputJson + "}"))
                .build();
        long start = System.nanoTime();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void should_answer_within_the_latency_range_and_count_calls_inputs_tokens_and_texts() throws Exception {
        try (FakeEmbeddingServer server =
                FakeEmbeddingServer.withLatencyRange(8, Duration.ofMillis(30), Duration.ofMillis(60), 1)) {
            server.recordInputs();
            long first = post(server, "[\"harbour lights\", \"a river\"]");
            long second = post(server, "[\"one more text\"]");

            assertThat(first).isGreaterThanOrEqualTo(30);
            assertThat(second).isGreaterThanOrEqualTo(30);
            assertThat(server.requests()).isEqualTo(2);
            assertThat(server.inputsServed()).isEqualTo(3);
            Cl100kTokenCounter counter = Cl100kTokenCounter.instance();
            assertThat(server.tokensServed())
                    .isEqualTo(counter.count("harbour lights")
                            + counter.count("a river")
                            + counter.count("one more text"));
            assertThat(server.takeInputs()).containsExactly("harbour lights", "a river", "one more text");
            assertThat(server.takeInputs()).isEmpty();
        }
    }

    @Test
    void should_count_no_tokens_and_keep_no_texts_unless_asked() throws Exception {
        try (FakeEmbeddingServer server = FakeEmbeddingServer.start(8, Duration.ZERO)) {
            post(server, "[\"harbour lights\"]");

            assertThat(server.tokensServed()).isZero();
            assertThat(server.takeInputs()).isEqualTo(List.of());
        }
    }
}
