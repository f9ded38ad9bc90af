package io.vectorsink.embedding.cohere;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.vectorsink.embedding.remote.ProviderFixtures.cohereAnswer;
import static io.vectorsink.embedding.remote.ProviderFixtures.service;
import static io.vectorsink.embedding.remote.ProviderFixtures.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.vectorsink.config.EmbeddingConfig;
import io.vectorsink.embedding.remote.RemoteEmbedder;
import io.vectorsink.embedding.remote.SecretScan;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.Secrets;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.testing.FakeRetryTiming;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cohere's Embed API v2 as its reference documents it, played by WireMock. */
class CohereEmbedderTest {
    private static final String KEY = "co-Q2xhc3NpY0tleUZvclRlc3Rz1234";
    private static final String PATH = "/v2/embed";
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

    private RemoteEmbedder embedder(String model, OptionalInt dimensions) {
        return embedder(model, dimensions, HttpClients.shared());
    }

    private RemoteEmbedder embedder(String model, OptionalInt dimensions, OkHttpClient client) {
        CohereApi api = CohereApi.of(new EmbeddingConfig.Cohere(KEY, model, dimensions), HttpUrl.get(server.baseUrl()));
        return new RemoteEmbedder(api, service("Cohere", clock, client));
    }

    /** embed-v4.0 shortened to 256: the shortest vectors Cohere offers, for readable stubs. */
    private RemoteEmbedder v4() {
        return embedder("embed-v4.0", OptionalInt.of(256));
    }

    private static Throwable scanned(Throwable failure) {
        SCAN.add(failure);
        return failure;
    }

    private static ResponseDefinitionBuilder ok(List<String> texts, List<float[]> vectors) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(cohereAnswer(texts, vectors));
    }

    private void sequence(ResponseDefinitionBuilder... responses) {
        String state = Scenario.STARTED;
        for (int i = 0; i < responses.length; i++) {
            String next = i == responses.length - 1 ? state : "step" + (i + 1);
            server.stubFor(post(PATH)
                    .inScenario("sequence")
                    .whenScenarioStateIs(state)
                    .willReturn(responses[i])
                    .willSetStateTo(next));
            state = next;
        }
    }

    @Test
    void should_send_the_documented_v2_request_for_documents() {
        List<String> texts = List.of("harbour walls", "lighthouse");
        server.stubFor(post(PATH).willReturn(ok(texts, List.of(vector(1, 384), vector(2, 384)))));

        try (RemoteEmbedder embedder = embedder("embed-english-light-v3.0", OptionalInt.empty())) {
            assertThat(embedder.embed(texts)).containsExactly(vector(1, 384), vector(2, 384));
            assertThat(embedder.description()).isEqualTo("cohere embed-english-light-v3.0 (384 dims)");
            assertThat(embedder.maxInputTokens()).isEqualTo(409);
            assertThat(embedder.maxBatchSize()).isEqualTo(96);
        }

        server.verify(postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"model\": \"embed-english-light-v3.0\", \"texts\": [\"harbour walls\","
                        + " \"lighthouse\"], \"input_type\": \"search_document\", \"embedding_types\": [\"float\"],"
                        + " \"truncate\": \"NONE\"}")));
    }

    @Test
    void should_ask_embed_v4_for_the_configured_output_dimension() {
        server.stubFor(post(PATH).willReturn(ok(List.of("a"), List.of(vector(1, 256)))));

        try (RemoteEmbedder embedder = v4()) {
            embedder.embed(List.of("a"));
        }

        server.verify(postRequestedFor(urlEqualTo(PATH))
                .withRequestBody(matchingJsonPath("$.output_dimension", equalTo("256")))
                .withRequestBody(matchingJsonPath("$.model", equalTo("embed-v4.0"))));
    }

    @Test
    void should_split_more_than_96_texts_into_requests_in_order() {
        List<String> texts = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            texts.add("t" + i);
            vectors.add(vector(i, 256));
        }
        // 100 texts over Cohere's 96 per request: the fewest requests (2), evenly filled (50 + 50).
        server.stubFor(post(PATH)
                .withRequestBody(matchingJsonPath("$.texts[0]", equalTo("t0")))
                .willReturn(ok(texts.subList(0, 50), vectors.subList(0, 50))));
        server.stubFor(post(PATH)
                .withRequestBody(matchingJsonPath("$.texts[0]", equalTo("t50")))
                .willReturn(ok(texts.subList(50, 100), vectors.subList(50, 100))));

        List<float[]> result;
        try (RemoteEmbedder embedder = v4()) {
            result = embedder.embed(texts);
        }

        assertThat(result).containsExactlyElementsOf(vectors);
        server.verify(2, postRequestedFor(urlEqualTo(PATH)));
        server.verify(
                2,
                postRequestedFor(urlEqualTo(PATH))
                        .withRequestBody(matchingJsonPath("$.texts.length()", equalTo("50"))));
    }

    @Test
    void should_retry_when_rate_limited_then_succeed() {
        sequence(
                aResponse()
                        .withStatus(429)
                        .withHeader("Retry-After", "3")
                        .withBody("{\"id\": \"x\", \"message\": \"You are using a Trial key, which is limited to 100"
                                + " API calls / minute.\"}"),
                ok(List.of("a"), List.of(vector(1, 256))));

        try (RemoteEmbedder embedder = v4()) {
            assertThat(embedder.embed(List.of("a"))).hasSize(1);
        }

        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void should_back_off_when_5xx_then_succeed() {
        sequence(
                aResponse().withStatus(500).withBody("{\"message\": \"internal server error\"}"),
                ok(List.of("a"), List.of(vector(1, 256))));

        try (RemoteEmbedder embedder = v4()) {
            assertThat(embedder.embed(List.of("a"))).hasSize(1);
        }

        assertThat(clock.sleeps()).containsExactly(Duration.ofMillis(250));
    }

    @Test
    void should_fail_transient_when_every_answer_times_out() {
        // Waits for real: a read timeout needs a server that is slow for real (4 x 150 ms).
        server.stubFor(
                post(PATH).willReturn(ok(List.of("a"), List.of(vector(1, 256))).withFixedDelay(1500)));
        OkHttpClient impatient = HttpClients.shared()
                .newBuilder()
                .readTimeout(Duration.ofMillis(150))
                .build();

        try (RemoteEmbedder embedder = embedder("embed-v4.0", OptionalInt.of(256), impatient)) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(TransientException.class)
                    .hasMessageContaining("Cohere did not answer successfully after 4 attempts")
                    .hasMessageContaining("timed out");
        }
    }

    @Test
    void should_fail_system_when_the_answer_is_malformed() {
        server.stubFor(post(PATH)
                .willReturn(aResponse()
                        .withStatus(200)
                        .withBody("{\"id\": \"x\", \"embeddings\": [[1,"
                                + " 2]], \"response_type\": \"embeddings_floats\"}")));

        try (RemoteEmbedder embedder = v4()) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(SystemException.class)
                    .hasMessageContaining("no embeddings.float list");
        }
    }

    @Test
    void should_fail_system_when_the_answer_has_the_wrong_count() {
        server.stubFor(post(PATH).willReturn(ok(List.of("a"), List.of(vector(1, 256), vector(2, 256)))));

        try (RemoteEmbedder embedder = v4()) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(SystemException.class)
                    .hasMessage("Cohere returned 2 embeddings for 1 inputs; every input must get exactly one");
        }
    }

    @Test
    void should_fail_config_when_the_vectors_have_another_length() {
        server.stubFor(post(PATH).willReturn(ok(List.of("a"), List.of(vector(1, 1024)))));

        try (RemoteEmbedder embedder = embedder("embed-english-light-v3.0", OptionalInt.empty())) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("Cohere returned vectors of 1024 dimensions, but the config expects 384"
                            + " (embed-english-light-v3.0 gives 384)");
        }
    }

    @Test
    void should_fail_config_when_the_key_is_rejected() {
        server.stubFor(post(PATH)
                .willReturn(aResponse()
                        .withStatus(401)
                        .withBody("{\"id\": \"x\", \"message\":" + " \"invalid api token\"}")));

        try (RemoteEmbedder embedder = v4()) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("the Cohere API key was rejected (HTTP 401); check embedding.cohere_key");
        }
    }

    @Test
    void should_fail_config_when_the_model_is_unknown() {
        server.stubFor(post(PATH)
                .willReturn(aResponse()
                        .withStatus(404)
                        .withBody("{\"id\": \"x\", \"message\":"
                                + " \"model 'embed-v4.0' not found, make sure the correct model ID was used and that you have access"
                                + " to the model.\"}")));

        try (RemoteEmbedder embedder = v4()) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("Cohere does not know the model embed-v4.0 or this key may not use it"
                            + " (HTTP 404: model 'embed-v4.0' not found");
        }
    }

    @Test
    void should_fail_config_telling_to_lower_the_chunk_size_when_an_input_is_too_long() {
        server.stubFor(post(PATH)
                .willReturn(aResponse()
                        .withStatus(400)
                        .withBody("{\"id\": \"x\", \"message\":"
                                + " \"too many tokens: text exceeds the maximum of 512 tokens\"}")));

        try (RemoteEmbedder embedder = v4()) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("HTTP 400: too many tokens")
                    .hasMessageContaining("processing.chunk_size");
        }
    }
}
