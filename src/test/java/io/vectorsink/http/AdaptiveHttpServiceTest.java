package io.vectorsink.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.vectorsink.error.TransientException;
import io.vectorsink.testing.FakeRetryTiming;
import java.time.Duration;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AdaptiveHttpServiceTest {
    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private final FakeRetryTiming clock = new FakeRetryTiming();
    private final AdaptiveLimiter limiter = new AdaptiveLimiter(8, 0.5, clock.timing());

    private AdaptiveHttpService service(int attempts, Duration maxDuration) {
        RetrySettings settings =
                new RetrySettings("OpenAI", attempts, Duration.ofMillis(500), Duration.ofSeconds(8), maxDuration);
        return new AdaptiveHttpService(HttpClients.shared(), settings, clock.timing(), limiter);
    }

    private Request request() {
        return new Request.Builder().url(server.url("/v1/embeddings")).build();
    }

    private void sequence(ResponseDefinitionBuilder... responses) {
        String state = Scenario.STARTED;
        for (int i = 0; i < responses.length; i++) {
            String next = i == responses.length - 1 ? state : "step" + (i + 1);
            server.stubFor(get("/v1/embeddings")
                    .inScenario("sequence")
                    .whenScenarioStateIs(state)
                    .willReturn(responses[i])
                    .willSetStateTo(next));
            state = next;
        }
    }

    @Test
    void should_pause_for_retry_after_and_cut_the_limit_when_rate_limited() {
        sequence(
                aResponse().withStatus(429).withHeader("Retry-After", "7"),
                aResponse().withStatus(200).withBody("ok"));

        try (Response response = service(5, Duration.ofMinutes(5)).execute(request())) {
            assertThat(response.code()).isEqualTo(200);
        }

        // The retry waits out the pause it set itself; the pause also holds back everyone else.
        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(7));
        assertThat(limiter.limit()).isEqualTo(4);
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void should_pause_other_callers_for_exactly_the_named_wait() {
        FakeRetryTiming jittery = new FakeRetryTiming(0.5);
        AdaptiveLimiter shared = new AdaptiveLimiter(8, 0.5, jittery.timing());
        RetrySettings settings =
                new RetrySettings("OpenAI", 5, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(1));
        server.stubFor(
                get("/v1/embeddings").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")));

        // The request gives up (its 2.1 s jittered wait would pass the 1 s bound), but the pause stays.
        assertThatThrownBy(() -> new AdaptiveHttpService(HttpClients.shared(), settings, jittery.timing(), shared)
                        .execute(request()))
                .isInstanceOf(TransientException.class);
        shared.acquire().succeeded();

        assertThat(jittery.sleeps()).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void should_wait_for_the_openai_reset_header_when_there_is_no_retry_after() {
        sequence(
                aResponse()
                        .withStatus(429)
                        .withHeader("x-ratelimit-remaining-tokens", "0")
                        .withHeader("x-ratelimit-reset-tokens", "350ms")
                        .withHeader("x-ratelimit-reset-requests", "6m0s"),
                aResponse().withStatus(200));

        try (Response response = service(5, Duration.ofMinutes(5)).execute(request())) {
            assertThat(response.code()).isEqualTo(200);
        }

        assertThat(clock.sleeps()).containsExactly(Duration.ofMillis(350));
    }

    @Test
    void should_use_ordinary_backoff_for_a_5xx_after_a_rate_limit_wait() {
        sequence(
                aResponse().withStatus(429).withHeader("retry-after-ms", "1200"),
                aResponse().withStatus(500),
                aResponse().withStatus(200));
        AdaptiveHttpService service = service(5, Duration.ofMinutes(5));

        try (Response response = service.execute(request())) {
            assertThat(response.code()).isEqualTo(200);
        }

        // 1.2 s for the 429, then the second retry's backoff (half of 1 s with no jitter) for the 500.
        assertThat(clock.sleeps()).containsExactly(Duration.ofMillis(1200), Duration.ofMillis(500));
        assertThat(limiter.limit()).isEqualTo(4);
    }

    @Test
    void should_back_off_without_touching_the_limit_when_5xx_then_succeed() {
        sequence(
                aResponse().withStatus(503),
                aResponse().withStatus(502),
                aResponse().withStatus(200));

        try (Response response = service(5, Duration.ofMinutes(5)).execute(request())) {
            assertThat(response.code()).isEqualTo(200);
        }

        assertThat(clock.sleeps()).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500));
        assertThat(limiter.limit()).isEqualTo(8);
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void should_retry_when_the_connection_is_reset() {
        sequence(
                aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
                aResponse().withStatus(200));

        try (Response response = service(5, Duration.ofMinutes(5)).execute(request())) {
            assertThat(response.code()).isEqualTo(200);
        }

        assertThat(clock.sleeps()).hasSize(1);
    }

    @Test
    void should_retry_when_the_answer_breaks_off_after_its_status_line() throws Exception {
        // 200 and headers, then garbage and a closed connection: the caller must never see half an answer.
        sequence(
                aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK),
                aResponse().withStatus(200).withBody("whole"));

        try (Response response = service(5, Duration.ofMinutes(5)).execute(request())) {
            assertThat(response.body().string()).isEqualTo("whole");
        }

        assertThat(clock.sleeps()).hasSize(1);
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void should_not_count_rate_limited_answers_as_failed_attempts() {
        server.stubFor(
                get("/v1/embeddings").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")));

        assertThatThrownBy(() -> service(3, Duration.ofSeconds(10)).execute(request()))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("OpenAI did not answer successfully after 11 attempts in 10.0 s")
                .hasMessageContaining("HTTP 429")
                .hasMessageContaining("would pass the retry limit of 10.0 s");

        // Eleven 429s within the 10 s bound (waits of 1 s after each of the first ten), although only 3 attempts are
        // allowed for other failures.
        server.verify(11, getRequestedFor(urlEqualTo("/v1/embeddings")));
        assertThat(clock.slept()).isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void should_count_other_failures_against_the_attempts() {
        server.stubFor(get("/v1/embeddings").willReturn(aResponse().withStatus(503)));

        assertThatThrownBy(() -> service(3, Duration.ofMinutes(5)).execute(request()))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("after 3 attempts");

        server.verify(3, getRequestedFor(urlEqualTo("/v1/embeddings")));
    }

    @Test
    void should_give_up_at_once_when_the_wait_would_pass_the_total_duration() {
        server.stubFor(
                get("/v1/embeddings").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "90")));

        assertThatThrownBy(() -> service(10, Duration.ofSeconds(60)).execute(request()))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("would pass the retry limit of 60.0 s");

        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void should_return_an_answer_at_once_when_it_is_declared_final() {
        server.stubFor(get("/v1/embeddings")
                .willReturn(aResponse().withStatus(429).withBody("{\"error\": {\"code\": \"insufficient_quota\"}}")));
        AdaptiveHttpService service = service(5, Duration.ofMinutes(5))
                .withFinalAnswers(status -> status.bodySnippet().contains("insufficient_quota"));

        try (Response response = service.execute(request())) {
            assertThat(response.code()).isEqualTo(429);
            assertThat(response.body().string()).contains("insufficient_quota");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }

        assertThat(clock.sleeps()).isEmpty();
        assertThat(limiter.inFlight()).isZero();
    }
}
