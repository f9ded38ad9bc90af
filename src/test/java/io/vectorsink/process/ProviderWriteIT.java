package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.record;
import static io.vectorsink.testing.Messages.stream;
import static io.vectorsink.testing.Messages.streamState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.testing.ConnectorProcess;
import io.vectorsink.testing.FakeEmbeddingServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The built jar with a remote, OpenAI-compatible embedding provider (a simulated one on loopback that
 * enforces a tokens-per-minute quota with 429 + Retry-After) and the real Chroma.
 */
class ProviderWriteIT extends ProcessTestSupport {
    private static final String KEY = "sk-provider-" + "7f3a9c21e5";

    private String config(String baseUrl, String collection, int dimensions) {
        return """
                {"processing": {"chunk_size": 64, "text_fields": ["text"]},
                 "embedding": {"mode": "openai_compatible", "base_url": "%s", "api_key": "%s",
                               "model_name": "simulated-embedder", "dimensions": %d},
                 "indexing": {"mode": "chroma", "host": "%s", "collection": "%s"},
                 "advanced": {"batch_size": 16, "retry_max_seconds": 120}}
                """
                .formatted(baseUrl, KEY, dimensions, chromaUrl(), collection);
    }

    @Test
    void should_ride_the_providers_rate_limit_and_write_every_record() throws Exception {
        String collection = freshCollection("provider");
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            input.append(record(
                    "docs",
                    "{\"id\":" + i + ",\"text\":\"record number " + i
                            + " about rate limits, retries and the patience of embedding providers\"}"));
            if (i % 50 == 49) {
                input.append(streamState("docs", "{\"upto\":" + i + "}"));
            }
        }
        try (FakeEmbeddingServer provider =
                FakeEmbeddingServer.withQuota(16, Duration.ofMillis(20), 60_000, 1_000, false)) {
            var result = write(
                    config(provider.baseUrl(), collection, 16),
                    catalog(stream("docs", "append_dedup", List.of("id"), 1, 0)),
                    input.toString());
            assertThat(result.exitCode()).as(result.stderr()).isZero();
            assertThat(result.states())
                    .extracting(
                            s -> s.get("destinationStats").get("recordCount").asDouble())
                    .containsExactly(50.0, 50.0, 50.0, 50.0);
            assertThat(provider.rateLimited())
                    .as("the quota was hit, and ridden")
                    .isPositive();
            assertThat(result.allOutput()).doesNotContain(KEY);
        }
        assertThat(chroma().all(collection)).hasSize(200);
    }

    @Test
    void should_check_the_provider_and_explain_a_dimension_mismatch() throws Exception {
        try (FakeEmbeddingServer provider = FakeEmbeddingServer.start(16, Duration.ZERO)) {
            var ok = ConnectorProcess.run(
                    "",
                    "check",
                    "--config",
                    file("config.json", config(provider.baseUrl(), freshCollection("provider-check"), 16))
                            .toString());
            JsonNode status = ok.messages("CONNECTION_STATUS").get(0).get("connectionStatus");
            assertThat(status.get("status").asText()).as(status.toString()).isEqualTo("SUCCEEDED");

            var wrong = ConnectorProcess.run(
                    "",
                    "check",
                    "--config",
                    file("config.json", config(provider.baseUrl(), freshCollection("provider-check"), 32))
                            .toString());
            JsonNode failed = wrong.messages("CONNECTION_STATUS").get(0).get("connectionStatus");
            assertThat(failed.get("status").asText()).isEqualTo("FAILED");
            assertThat(failed.get("message").asText()).contains("16").contains("32");
            assertThat(ok.allOutput() + wrong.allOutput()).doesNotContain(KEY);
        }
    }
}
