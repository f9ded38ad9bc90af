package io.vectorsink.embedding.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.vectorsink.embedding.remote.ProviderFixtures.openAiAnswer;
import static io.vectorsink.embedding.remote.ProviderFixtures.service;
import static io.vectorsink.embedding.remote.ProviderFixtures.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.util.List;
import java.util.OptionalInt;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** OpenAI's embeddings API as its reference documents it, played by WireMock. */
class OpenAiEmbedderTest {
    static final String KEY = "sk-proj-T3stKey0123456789abcdefXYZ";
    private static final String PATH = "/v1/embeddings";

    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    /** Every failure of this class is collected here and scanned for the key at the end. */
    private static final SecretScan SCAN = new SecretScan();

    private final FakeRetryTiming clock = new FakeRetryTiming();

    @AfterEach
    void forgetSecrets() {
        Secrets.clear();
    }

    @AfterAll
    static void should_never_show_the_key_in_any_message_trace_or_log() {
        SCAN.close();
        SCAN.assertFreeOf(KEY, KEY.substring(0, 12), KEY.substring(KEY.length() - 8));
    }

    private static EmbeddingConfig.OpenAi config(String model, OptionalInt dimensions) {
        return new EmbeddingConfig.OpenAi(KEY, model, dimensions);
    }

    private RemoteEmbedder embedder(EmbeddingConfig.OpenAi config) {
        return embedder(OpenAiApi.openAi(config, HttpUrl.get(server.baseUrl() + "/v1")), HttpClients.shared());
    }

    private RemoteEmbedder embedder(OpenAiApi api, OkHttpClient client) {
        return new RemoteEmbedder(api, service("OpenAI", clock, client));
    }

    /** text-embedding-3-small shortened to 4 dimensions: a real request shape with short vectors. */
    private RemoteEmbedder small4() {
        return embedder(config("text-embedding-3-small", OptionalInt.of(4)));
    }

    private static <T extends Throwable> T scanned(T failure) {
        SCAN.add(failure);
        return failure;
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

    private static ResponseDefinitionBuilder ok(List<float[]> vectors, int... order) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-ratelimit-limit-tokens", "1000000")
                .withHeader("x-ratelimit-remaining-tokens", "999992")
                .withBody(openAiAnswer("text-embedding-3-small", vectors, order));
    }

    private static ResponseDefinitionBuilder error(int status, String type, String code, String message) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\": {\"message\": \"" + message + "\", \"type\": \"" + type + "\", \"param\": null,"
                        + " \"code\": " + (code == null ? "null" : "\"" + code + "\"") + "}}");
    }

    @Test
    void should_send_the_documented_request_and_reassemble_the_answer_by_index() {
        List<float[]> vectors = List.of(vector(1, 4), vector(2, 4));
        server.stubFor(post(PATH).willReturn(ok(vectors, 1, 0)));

        List<float[]> result;
        try (RemoteEmbedder embedder = small4()) {
            result = embedder.embed(List.of("first chunk", "second chunk"));
        }

        assertThat(result).containsExactly(vectors.get(0), vectors.get(1));
        server.verify(
                postRequestedFor(urlEqualTo(PATH))
                        .withHeader("Authorization", equalTo("Bearer " + KEY))
                        .withHeader("Content-Type", equalTo("application/json"))
                        .withRequestBody(
                                equalToJson(
                                        "{\"input\": [\"first chunk\", \"second chunk\"],"
                                                + " \"model\": \"text-embedding-3-small\", \"encoding_format\": \"float\", \"dimensions\": 4}")));
    }

    @Test
    void should_leave_dimensions_out_when_the_model_gives_its_full_length() {
        server.stubFor(post(PATH).willReturn(ok(List.of(vector(1, 1536)))));

        try (RemoteEmbedder embedder = embedder(config("text-embedding-ada-002", OptionalInt.empty()))) {
            assertThat(embedder.embed(List.of("x")).get(0)).hasSize(1536);
            assertThat(embedder.description()).isEqualTo("openai text-embedding-ada-002 (1536 dims)");
            assertThat(embedder.maxInputTokens()).isEqualTo(8191);
            assertThat(embedder.maxBatchSize()).isEqualTo(2048);
        }
        server.verify(
                postRequestedFor(urlEqualTo(PATH))
                        .withRequestBody(
                                equalToJson(
                                        "{\"input\": [\"x\"], \"model\": \"text-embedding-ada-002\", \"encoding_format\": \"float\"}")));
    }

    @Test
    void should_wait_for_retry_after_when_rate_limited_then_succeed() {
        sequence(
                error(429, "requests", "rate_limit_exceeded", "Rate limit reached for requests")
                        .withHeader("Retry-After", "2")
                        .withHeader("x-ratelimit-reset-requests", "2.5s"),
                ok(List.of(vector(1, 4))));

        try (RemoteEmbedder embedder = small4()) {
            assertThat(embedder.embed(List.of("a"))).hasSize(1);
            assertThat(embedder.limiter().limit()).isEqualTo(2);
        }

        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(2));
        server.verify(2, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_back_off_when_5xx_then_succeed() {
        sequence(
                error(500, "server_error", null, "The server had an error while processing your request."),
                aResponse().withStatus(503),
                ok(List.of(vector(1, 4))));

        try (RemoteEmbedder embedder = small4()) {
            assertThat(embedder.embed(List.of("a"))).hasSize(1);
        }

        assertThat(clock.sleeps()).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500));
    }

    @Test
    void should_retry_when_an_answer_times_out() {
        // Waits for real: a read timeout needs a server that is slow for real (150 ms).
        sequence(ok(List.of(vector(9, 4))).withFixedDelay(1500), ok(List.of(vector(1, 4))));
        OkHttpClient impatient = HttpClients.shared()
                .newBuilder()
                .readTimeout(Duration.ofMillis(150))
                .build();
        OpenAiApi api = OpenAiApi.openAi(
                config("text-embedding-3-small", OptionalInt.of(4)), HttpUrl.get(server.baseUrl() + "/v1"));

        try (RemoteEmbedder embedder = embedder(api, impatient)) {
            assertThat(embedder.embed(List.of("a"))).containsExactly(vector(1, 4));
        }

        assertThat(clock.sleeps()).hasSize(1);
    }

    @Test
    void should_fail_transient_when_the_provider_stays_unavailable() {
        server.stubFor(post(PATH).willReturn(aResponse().withStatus(503)));

        Throwable thrown;
        try (RemoteEmbedder embedder = small4()) {
            thrown = scanned(catchThrowable(() -> embedder.embed(List.of("a"))));
        }

        assertThat(thrown)
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("OpenAI did not answer successfully after 4 attempts");
    }

    @Test
    void should_fail_system_when_the_answer_is_not_json() {
        server.stubFor(post(PATH).willReturn(aResponse().withStatus(200).withBody("oops {")));

        try (RemoteEmbedder embedder = small4()) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(SystemException.class)
                    .hasMessage("OpenAI sent an answer that is not JSON");
        }
    }

    /** A web page instead of the API (a proxy's or a login page) is for the user to fix: it was a system error. */
    @Test
    void should_fail_config_when_the_answer_is_a_web_page() {
        server.stubFor(post(PATH)
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "text/html")
                        .withBody("<html>oops</html>")));

        try (RemoteEmbedder embedder = small4()) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("OpenAI answered POST " + server.baseUrl() + PATH
                            + " with a web page (HTML), not the JSON of an embeddings API: check the URL and its port,"
                            + " or a proxy in between");
        }
    }

    @Test
    void should_fail_system_when_the_answer_has_no_data_or_a_vector_of_strings() {
        server.stubFor(post(PATH).willReturn(aResponse().withStatus(200).withBody("{\"object\": \"list\"}")));
        try (RemoteEmbedder embedder = small4()) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(SystemException.class)
                    .hasMessageContaining("malformed")
                    .hasMessageContaining("no data list");
        }

        server.stubFor(post(PATH)
                .willReturn(aResponse()
                        .withStatus(200)
                        .withBody("{\"data\": [{\"index\": 0, \"embedding\": [\"a\", \"b\", \"c\", \"d\"]}]}")));
        try (RemoteEmbedder embedder = small4()) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(SystemException.class)
                    .hasMessageContaining("not a number");
        }
    }

    @Test
    void should_fail_system_when_the_answer_has_the_wrong_count_of_embeddings() {
        server.stubFor(post(PATH).willReturn(ok(List.of(vector(1, 4)))));

        try (RemoteEmbedder embedder = small4()) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a", "b")))))
                    .isInstanceOf(SystemException.class)
                    .hasMessage("OpenAI returned 1 embeddings for 2 inputs; every input must get exactly one");
        }
    }

    @Test
    void should_fail_system_when_two_embeddings_claim_the_same_index() {
        server.stubFor(post(PATH).willReturn(ok(List.of(vector(1, 4), vector(2, 4)), 0, 0)));

        try (RemoteEmbedder embedder = small4()) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a", "b")))))
                    .isInstanceOf(SystemException.class)
                    .hasMessageContaining("two embeddings have index 0");
        }
    }

    @Test
    void should_fail_config_naming_both_lengths_when_the_dimension_is_wrong() {
        server.stubFor(post(PATH).willReturn(ok(List.of(vector(1, 3)))));

        try (RemoteEmbedder embedder = small4()) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("OpenAI returned vectors of 3 dimensions, but the config expects 4"
                            + " (embedding.dimensions)");
        }
    }

    @Test
    void should_fail_config_without_echoing_the_key_when_it_is_rejected() {
        // OpenAI's 401 quotes the start and end of the key it refused.
        server.stubFor(post(PATH)
                .willReturn(error(
                        401,
                        "invalid_request_error",
                        "invalid_api_key",
                        "Incorrect API key provided: sk-proj-T3st***************cXYZ. You can find your API key at"
                                + " https://platform.openai.com/account/api-keys.")));

        try (RemoteEmbedder embedder = small4()) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("the OpenAI API key was rejected (HTTP 401); check embedding.openai_key");
        }
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_fail_config_when_the_model_is_unknown() {
        server.stubFor(post(PATH)
                .willReturn(error(
                        404,
                        "invalid_request_error",
                        "model_not_found",
                        "The model `text-embedding-3-small` does not exist or you do not have access to it.")));

        try (RemoteEmbedder embedder = small4()) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("OpenAI does not know the model text-embedding-3-small or this key may"
                            + " not use it (HTTP 404: The model `text-embedding-3-small` does not exist");
        }
    }

    @Test
    void should_fail_config_at_once_when_the_quota_is_exhausted() {
        server.stubFor(post(PATH)
                .willReturn(error(
                        429,
                        "insufficient_quota",
                        "insufficient_quota",
                        "You exceeded your current quota, please check your plan and billing details.")));

        try (RemoteEmbedder embedder = small4()) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("no quota left");
        }
        server.verify(1, postRequestedFor(urlEqualTo(PATH)));
        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void should_split_a_large_call_into_requests_and_keep_the_order() {
        for (int first = 0; first < 5; first += 2) {
            int count = Math.min(2, 5 - first);
            List<float[]> vectors =
                    count == 2 ? List.of(vector(first, 4), vector(first + 1, 4)) : List.of(vector(first, 4));
            server.stubFor(post(PATH)
                    .withRequestBody(matchingJsonPath("$.input[0]", equalTo("t" + first)))
                    .willReturn(ok(vectors)));
        }
        OpenAiApi api = OpenAiApi.openAi(
                        config("text-embedding-3-small", OptionalInt.of(4)), HttpUrl.get(server.baseUrl() + "/v1"))
                .withMaxInputsPerRequest(2);

        List<float[]> result;
        try (RemoteEmbedder embedder = embedder(api, HttpClients.shared())) {
            result = embedder.embed(List.of("t0", "t1", "t2", "t3", "t4"));
        }

        assertThat(result).containsExactly(vector(0, 4), vector(1, 4), vector(2, 4), vector(3, 4), vector(4, 4));
        server.verify(3, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_refuse_a_text_longer_than_the_model_takes_before_sending_anything() {
        String tooLong = "token ".repeat(8200);

        try (RemoteEmbedder embedder = small4()) {
            assertThatThrownBy(() -> embedder.embed(List.of("short", tooLong)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("a chunk of 8201 tokens is longer than the 8191 tokens openai text-embedding-3-small"
                            + " takes in one input; lower processing.chunk_size");
        }
        server.verify(0, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_send_an_empty_text_as_a_space_because_openai_refuses_empty_strings() {
        server.stubFor(post(PATH).willReturn(ok(List.of(vector(1, 4)))));

        try (RemoteEmbedder embedder = small4()) {
            embedder.embed(List.of(""));
        }

        server.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(matchingJsonPath("$.input[0]", equalTo(" "))));
    }

    @Test
    void should_check_with_one_minimal_call() {
        server.stubFor(post(PATH).willReturn(ok(List.of(vector(1, 4)))));

        try (RemoteEmbedder embedder = small4()) {
            embedder.check();
        }

        server.verify(
                1,
                postRequestedFor(urlEqualTo(PATH)).withRequestBody(matchingJsonPath("$.input.length()", equalTo("1"))));
    }

    @Test
    void should_fail_check_with_config_when_the_dimension_is_wrong() {
        server.stubFor(post(PATH).willReturn(ok(List.of(vector(1, 1536)))));

        try (RemoteEmbedder embedder = small4()) {
            assertThat(scanned(catchThrowable(embedder::check)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("1536")
                    .hasMessageContaining("expects 4");
        }
    }

    @Test
    void should_give_up_check_after_a_few_attempts() {
        server.stubFor(post(PATH).willReturn(aResponse().withStatus(502)));

        try (RemoteEmbedder embedder = small4()) {
            assertThat(scanned(catchThrowable(embedder::check)))
                    .isInstanceOf(TransientException.class)
                    .hasMessageContaining("after 3 attempts");
        }
        server.verify(3, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_count_tokens_with_cl100k_base() {
        try (RemoteEmbedder embedder = small4()) {
            assertThat(embedder.tokenCounter().count("hello world")).isEqualTo(2);
            assertThat(embedder.tokenCounter().count("<|endoftext|>")).isGreaterThan(1);
        }
        server.verify(0, postRequestedFor(urlEqualTo(PATH)).withHeader("Authorization", absent()));
    }
}
