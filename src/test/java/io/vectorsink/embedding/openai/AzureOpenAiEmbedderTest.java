package io.vectorsink.embedding.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.vectorsink.embedding.remote.ProviderFixtures.openAiAnswer;
import static io.vectorsink.embedding.remote.ProviderFixtures.service;
import static io.vectorsink.embedding.remote.ProviderFixtures.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.vectorsink.config.EmbeddingConfig;
import io.vectorsink.embedding.remote.RemoteEmbedder;
import io.vectorsink.embedding.remote.SecretScan;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.Secrets;
import io.vectorsink.error.SystemException;
import io.vectorsink.testing.FakeRetryTiming;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An Azure OpenAI deployment as Azure's REST reference documents it, played by WireMock. */
class AzureOpenAiEmbedderTest {
    private static final String KEY = "0123456789abcdef0123456789abcdef";
    private static final String PATH = "/openai/deployments/embed-small/embeddings?api-version=2024-10-21";
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

    private RemoteEmbedder embedder(int dimensions) {
        EmbeddingConfig.AzureOpenAi config =
                new EmbeddingConfig.AzureOpenAi(KEY, server.baseUrl(), "embed-small", "2024-10-21", dimensions);
        return new RemoteEmbedder(OpenAiApi.azure(config, false), service("Azure OpenAI", clock));
    }

    private static Throwable scanned(Throwable failure) {
        SCAN.add(failure);
        return failure;
    }

    @Test
    void should_post_to_the_deployment_with_the_api_key_header() {
        server.stubFor(post(PATH)
                .willReturn(aResponse().withStatus(200).withBody(openAiAnswer("ada", List.of(vector(1, 8))))));

        try (RemoteEmbedder embedder = embedder(8)) {
            assertThat(embedder.embed(List.of("hello"))).containsExactly(vector(1, 8));
            assertThat(embedder.description()).isEqualTo("azure_openai deployment embed-small (8 dims)");
        }

        server.verify(postRequestedFor(urlEqualTo(PATH))
                .withQueryParam("api-version", equalTo("2024-10-21"))
                .withHeader("api-key", equalTo(KEY))
                .withHeader("Authorization", absent())
                .withRequestBody(equalToJson("{\"input\": [\"hello\"]}")));
    }

    @Test
    void should_honour_retry_after_ms_when_rate_limited() {
        server.stubFor(post(PATH)
                .inScenario("s")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse()
                        .withStatus(429)
                        .withHeader("retry-after-ms", "800")
                        .withHeader("Retry-After", "1")
                        .withBody("{\"error\": {\"code\": \"429\", \"message\": \"Requests to the Embeddings_Create"
                                + " Operation have exceeded call rate limit.\"}}"))
                .willSetStateTo("ok"));
        server.stubFor(post(PATH)
                .inScenario("s")
                .whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody(openAiAnswer("ada", List.of(vector(1, 8))))));

        try (RemoteEmbedder embedder = embedder(8)) {
            assertThat(embedder.embed(List.of("a"))).hasSize(1);
        }

        assertThat(clock.sleeps()).containsExactly(Duration.ofMillis(800));
    }

    @Test
    void should_fail_config_naming_the_field_when_the_deployment_does_not_exist() {
        server.stubFor(post(PATH)
                .willReturn(aResponse()
                        .withStatus(404)
                        .withBody("{\"error\": {\"code\": \"DeploymentNotFound\", \"message\": \"The API deployment for"
                                + " this resource does not exist. If you created the deployment within the last 5"
                                + " minutes, please wait a moment and try again.\"}}")));

        try (RemoteEmbedder embedder = embedder(8)) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("Azure OpenAI has no deployment named in embedding.deployment at"
                            + " embedding.api_base (HTTP 404: The API deployment for this resource does not exist.");
        }
    }

    @Test
    void should_fail_config_when_the_url_has_no_azure_api() {
        server.stubFor(post(PATH)
                .willReturn(aResponse()
                        .withStatus(404)
                        .withBody("{\"error\": {\"code\": \"404\"," + " \"message\": \"Resource not found\"}}")));

        try (RemoteEmbedder embedder = embedder(8)) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("there is no Azure OpenAI embeddings API at")
                    .hasMessageContaining("embedding.api_version");
        }
    }

    @Test
    void should_fail_config_when_the_key_is_rejected() {
        server.stubFor(post(PATH)
                .willReturn(aResponse()
                        .withStatus(401)
                        .withBody("{\"error\": {\"code\": \"401\", \"message\": \"Access denied due to invalid"
                                + " subscription key or wrong API endpoint.\"}}")));

        try (RemoteEmbedder embedder = embedder(8)) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("the Azure OpenAI key was rejected (HTTP 401)");
        }
    }

    @Test
    void should_fail_config_when_the_deployment_gives_another_length() {
        server.stubFor(
                post(PATH).willReturn(aResponse().withStatus(200).withBody(openAiAnswer("x", List.of(vector(1, 6))))));

        try (RemoteEmbedder embedder = embedder(8)) {
            assertThat(scanned(catchThrowable(embedder::check)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("Azure OpenAI returned vectors of 6 dimensions, but the config expects 8"
                            + " (embedding.dimensions)");
        }
    }

    @Test
    void should_fail_system_when_the_answer_breaks_the_format() {
        server.stubFor(post(PATH)
                .willReturn(aResponse()
                        .withStatus(200)
                        .withBody("{\"data\": [{\"index\": 5," + " \"embedding\": [1, 2]}]}")));

        try (RemoteEmbedder embedder = embedder(2)) {
            assertThat(scanned(catchThrowable(() -> embedder.embed(List.of("a")))))
                    .isInstanceOf(SystemException.class)
                    .hasMessageContaining("index 5 for 1 inputs");
        }
    }

    @Test
    void should_refuse_plain_http_to_a_remote_endpoint() {
        EmbeddingConfig.AzureOpenAi config =
                new EmbeddingConfig.AzureOpenAi(KEY, "http://my-resource.openai.azure.com", "d", "2024-10-21", 1536);

        assertThatThrownBy(() -> OpenAiApi.azure(config, false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("embedding.api_base must use https");
        server.verify(0, postRequestedFor(urlPathEqualTo("/openai/deployments/d/embeddings")));
    }
}
