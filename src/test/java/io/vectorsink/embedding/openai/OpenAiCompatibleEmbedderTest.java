package io.vectorsink.embedding.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.vectorsink.embedding.remote.ProviderFixtures.openAiAnswer;
import static io.vectorsink.embedding.remote.ProviderFixtures.service;
import static io.vectorsink.embedding.remote.ProviderFixtures.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.vectorsink.config.EmbeddingConfig;
import io.vectorsink.embedding.remote.RemoteEmbedder;
import io.vectorsink.embedding.remote.SecretScan;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.Secrets;
import io.vectorsink.testing.FakeRetryTiming;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** OpenAI-compatible servers (Ollama, vLLM, TEI, ...) as they answer, played by WireMock. */
class OpenAiCompatibleEmbedderTest {
    private static final String KEY = "tgp_v1_compatibleKey_98765";
    private static final String PATH = "/v1/embeddings";
    private static final SecretScan SCAN = new SecretScan();

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private final FakeRetryTiming clock = new FakeRetryTiming();

    @AfterEach
    void forgetSecrets() {
        Secrets.clear();
    }

    @AfterAll
    static void should_never_show_the_key() {
        SCAN.close();
        SCAN.assertFreeOf(KEY);
    }

    private RemoteEmbedder embedder(String key) {
        EmbeddingConfig.OpenAiCompatible config =
                new EmbeddingConfig.OpenAiCompatible(server.baseUrl() + "/v1", key, "nomic-embed-text", 3, 2048);
        return new RemoteEmbedder(OpenAiApi.compatible(config, false), service("OpenAI-compatible server", clock));
    }

    private static Throwable scanned(Throwable failure) {
        SCAN.add(failure);
        return failure;
    }

    @Test
    void should_send_no_authorization_header_when_no_key_is_configured() {
        server.stubFor(
                post(PATH).willReturn(aResponse().withStatus(200).withBody(openAiAnswer("m", List.of(vector(1, 3))))));

        try (RemoteEmbedder embedder = embedder("")) {
            embedder.embed(List.of("a"));
        }

        server.verify(postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", absent())
                .withRequestBody(equalToJson(
                        "{\"input\": [\"a\"], \"model\": \"nomic-embed-text\", \"encoding_format\": \"float\"}")));
    }

    @Test
    void should_send_the_key_as_a_bearer_token_when_configured() {
        server.stubFor(
                post(PATH).willReturn(aResponse().withStatus(200).withBody(openAiAnswer("m", List.of(vector(1, 3))))));

        try (RemoteEmbedder embedder = embedder(KEY)) {
            embedder.embed(List.of("a"));
        }

        server.verify(postRequestedFor(urlEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer " + KEY)));
    }

    @Test
    void should_take_answers_without_an_index_in_order() {
        server.stubFor(post(PATH)
                .willReturn(aResponse()
                        .withStatus(200)
                        .withBody("{\"data\": [{\"embedding\": [1, 2," + " 3]}, {\"embedding\": [4, 5, 6]}]}")));

        try (RemoteEmbedder embedder = embedder("")) {
            assertThat(embedder.embed(List.of("a", "b"))).containsExactly(new float[] {1, 2, 3}, new float[] {4, 5, 6});
        }
    }

    @Test
    void should_read_base64_vectors_when_the_server_sends_them() {
        // [1.0, -2.0, 0.5] as little-endian float32.
        server.stubFor(post(PATH)
                .willReturn(aResponse()
                        .withStatus(200)
                        .withBody("{\"data\": [{\"index\": 0," + " \"embedding\": \"AACAPwAAAMAAAAA/\"}]}")));

        try (RemoteEmbedder embedder = embedder("")) {
            assertThat(embedder.embed(List.of("a"))).containsExactly(new float[] {1f, -2f, 0.5f});
        }
    }

    @Test
    void should_fail_config_asking_for_a_key_when_the_server_requires_one() {
        server.stubFor(
                post(PATH).willReturn(aResponse().withStatus(401).withBody("{\"detail\": \"Not authenticated\"}")));

        try (RemoteEmbedder embedder = embedder("")) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("requires an API key (HTTP 401); set embedding.api_key");
        }
    }

    @Test
    void should_fail_config_when_the_server_has_no_such_model() {
        // Ollama's answer for a model that was never pulled.
        server.stubFor(
                post(PATH)
                        .willReturn(
                                aResponse()
                                        .withStatus(404)
                                        .withBody(
                                                "{\"error\": {\"message\": \"model"
                                                        + " \\\"nomic-embed-text\\\" not found, try pulling it first\", \"type\": \"api_error\"}}")));

        try (RemoteEmbedder embedder = embedder(KEY)) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("has no model 'nomic-embed-text' or no embeddings endpoint")
                    .hasMessageContaining("try pulling it first");
        }
    }

    @Test
    void should_not_echo_the_input_of_a_validation_error() {
        // FastAPI-style 422s quote the offending input, which is record content.
        server.stubFor(post(PATH)
                .willReturn(aResponse()
                        .withStatus(422)
                        .withBody("{\"detail\": [{\"type\":"
                                + " \"string_too_long\", \"loc\": [\"body\", \"input\", 0], \"msg\": \"too long\", \"input\":"
                                + " \"private record text\"}]}")));

        try (RemoteEmbedder embedder = embedder(KEY)) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("private record text")))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("OpenAI-compatible server refused the request (HTTP 422)")
                    .hasMessageNotContaining("private record text");
        }
    }

    @Test
    void should_keep_chunks_within_an_estimate_margin_of_the_context_length() {
        try (RemoteEmbedder embedder = embedder("")) {
            assertThat(embedder.maxInputTokens()).isEqualTo(1638);
            assertThat(embedder.maxBatchSize()).isEqualTo(32);
            assertThat(embedder.description())
                    .isEqualTo("openai_compatible nomic-embed-text at " + server.baseUrl() + "/v1 (3 dims)");
        }
    }
}
