package io.vectorsink.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.vectorsink.error.Secrets;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.testing.FakeRetryTiming;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HttpServiceTest {
    @RegisterExtension
    static WireMockExtension server = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private final FakeRetryTiming clock = new FakeRetryTiming();
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();
    private OkHttpClient client;

    @BeforeEach
    void setUp() {
        // Counts every response body that reaches the caller and every close, to prove none leaks.
        client = HttpClients.shared()
                .newBuilder()
                .addNetworkInterceptor(chain -> {
                    Response response = chain.proceed(chain.request());
                    ResponseBody body = response.body();
                    if (body == null) {
                        return response;
                    }
                    opened.incrementAndGet();
                    BufferedSource tracked = Okio.buffer(new ForwardingSource(body.source()) {
                        private boolean done;

                        @Override
                        public void close() throws IOException {
                            if (!done) {
                                done = true;
                                closed.incrementAndGet();
                            }
                            super.close();
                        }
                    });
                    return response.newBuilder()
                            .body(ResponseBody.create(tracked, body.contentType(), body.contentLength()))
                            .build();
                })
                .build();
    }

    @AfterEach
    void tearDown() {
        Secrets.clear();
    }

    private HttpService service(int attempts, Duration maxDuration) {
        RetrySettings settings =
                new RetrySettings("Chroma", attempts, Duration.ofMillis(500), Duration.ofSeconds(8), maxDuration);
        return new HttpService(client, settings, clock.timing());
    }

    private Request request() {
        return new Request.Builder().url(server.url("/thing")).build();
    }

    private void sequence(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder... responses) {
        String state = Scenario.STARTED;
        for (int i = 0; i < responses.length; i++) {
            String next = i == responses.length - 1 ? state : "step" + (i + 1);
            server.stubFor(get("/thing")
                    .inScenario("sequence")
                    .whenScenarioStateIs(state)
                    .willReturn(responses[i])
                    .willSetStateTo(next));
            state = next;
        }
    }

    @Test
    void should_wait_retry_after_seconds_when_429_then_succeed() {
        sequence(
                aResponse().withStatus(429).withHeader("Retry-After", "7"),
                aResponse().withStatus(200).withBody("ok"));

        try (Response response = service(5, Duration.ofMinutes(5)).execute(request())) {
            assertThat(response.code()).isEqualTo(200);
        }

        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(7));
        server.verify(2, getRequestedFor(urlEqualTo("/thing")));
        assertThat(closed.get()).isEqualTo(opened.get());
    }

    @Test
    void should_wait_until_retry_after_http_date_when_503_then_succeed() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                FakeRetryTiming.NOW.plusSeconds(12).atOffset(ZoneOffset.UTC));
        sequence(
                aResponse().withStatus(503).withHeader("Retry-After", date),
                aResponse().withStatus(200).withBody("ok"));

        try (Response response = service(5, Duration.ofMinutes(5)).execute(request())) {
            assertThat(response.code()).isEqualTo(200);
        }

        assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(12));
    }

    @Test
    void should_back_off_exponentially_when_5xx_then_succeed() {
        sequence(
                aResponse().withStatus(500).withBody("boom"),
                aResponse().withStatus(502),
                aResponse().withStatus(504),
                aResponse().withStatus(200).withBody("ok"));

        try (Response response = service(5, Duration.ofMinutes(5)).execute(request())) {
            assertThat(response.code()).isEqualTo(200);
        }

        // Equal jitter with random 0: half of 500 ms, 1 s, 2 s.
        assertThat(clock.sleeps())
                .containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofMillis(1000));
        assertThat(closed.get()).isEqualTo(opened.get());
    }

    @Test
    void should_keep_backoff_within_its_bounds_when_jitter_is_largest() {
        FakeRetryTiming highJitter = new FakeRetryTiming(0.999);
        sequence(
                aResponse().withStatus(503),
                aResponse().withStatus(503),
                aResponse().withStatus(200));
        RetrySettings settings =
                new RetrySettings("Chroma", 5, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofMinutes(5));

        try (Response response = new HttpService(client, settings, highJitter.timing()).execute(request())) {
            assertThat(response.code()).isEqualTo(200);
        }

        assertThat(highJitter.sleeps().get(0)).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
        assertThat(highJitter.sleeps().get(1)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
    }

    @Test
    void should_not_retry_when_status_is_501_or_4xx() {
        server.stubFor(get("/thing").willReturn(aResponse().withStatus(501)));

        try (Response response = service(5, Duration.ofMinutes(5)).execute(request())) {
            assertThat(response.code()).isEqualTo(501);
        }

        server.stubFor(get("/thing").willReturn(aResponse().withStatus(400)));
        try (Response response = service(5, Duration.ofMinutes(5)).execute(request())) {
            assertThat(response.code()).isEqualTo(400);
        }
        server.verify(2, getRequestedFor(urlEqualTo("/thing")));
        assertThat(clock.sleeps()).isEmpty();
    }

    @Test
    void should_throw_transient_naming_service_and_status_when_attempts_are_exhausted() {
        server.stubFor(get("/thing").willReturn(aResponse().withStatus(503).withBody("overloaded")));

        assertThatThrownBy(() -> service(3, Duration.ofMinutes(5)).execute(request()))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("Chroma")
                .hasMessageContaining("3 attempts")
                .hasMessageContaining("HTTP 503: overloaded");

        server.verify(3, getRequestedFor(urlEqualTo("/thing")));
        assertThat(clock.sleeps()).hasSize(2);
        assertThat(closed.get()).isEqualTo(opened.get()).isEqualTo(3);
    }

    @Test
    void should_count_429s_against_the_attempts_when_no_gate_rides_rate_limits() {
        server.stubFor(get("/thing").willReturn(aResponse().withStatus(429)));

        assertThatThrownBy(() -> service(3, Duration.ofMinutes(5)).execute(request()))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("after 3 attempts")
                .hasMessageContaining("HTTP 429");

        server.verify(3, getRequestedFor(urlEqualTo("/thing")));
    }

    @Test
    void should_wait_the_time_a_retry_after_ms_header_names() {
        sequence(
                aResponse().withStatus(503).withHeader("retry-after-ms", "1200"),
                aResponse().withStatus(200));

        try (Response response = service(5, Duration.ofMinutes(5)).execute(request())) {
            assertThat(response.code()).isEqualTo(200);
        }

        assertThat(clock.sleeps()).containsExactly(Duration.ofMillis(1200));
    }

    @Test
    void should_hold_a_pass_of_its_gate_only_while_an_attempt_is_on_the_wire() {
        AdaptiveLimiter limiter = new AdaptiveLimiter(2, 0.5, clock.timing());
        AtomicInteger inFlightDuringCalls = new AtomicInteger(-1);
        OkHttpClient watching = client.newBuilder()
                .addInterceptor(chain -> {
                    inFlightDuringCalls.set(limiter.inFlight());
                    return chain.proceed(chain.request());
                })
                .build();
        sequence(aResponse().withStatus(503), aResponse().withStatus(200));
        RetrySettings settings =
                new RetrySettings("Chroma", 5, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofMinutes(5));

        try (Response response = new HttpService(watching, settings, clock.timing(), limiter).execute(request())) {
            assertThat(response.code()).isEqualTo(200);
        }

        assertThat(inFlightDuringCalls.get()).isEqualTo(1);
        assertThat(limiter.inFlight()).isZero();
        assertThat(clock.sleeps()).hasSize(1);
    }

    @Test
    void should_give_its_pass_back_when_reading_an_answer_fails() {
        AdaptiveLimiter limiter = new AdaptiveLimiter(1, 0.5, clock.timing());
        server.stubFor(get("/thing").willReturn(aResponse().withStatus(429)));
        RetrySettings settings =
                new RetrySettings("OpenAI", 5, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofMinutes(5));
        HttpService service = new HttpService(client, settings, clock.timing(), limiter).withFinalAnswers(status -> {
            throw new IllegalStateException("a provider's reading of its answer failed");
        });

        assertThatThrownBy(() -> service.execute(request())).isInstanceOf(IllegalStateException.class);

        // A pass never given back would leave the gate of one pass shut: the next call would wait forever.
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void should_stop_within_the_total_duration_when_every_attempt_fails() {
        server.stubFor(get("/thing").willReturn(aResponse().withStatus(500)));

        assertThatThrownBy(() -> service(100, Duration.ofSeconds(10)).execute(request()))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("would pass the retry limit of 10.0 s");

        // Waits of 0.25 + 0.5 + 1 + 2 + 4 = 7.75 s; the next (4 s) would end past 10 s and is not started.
        assertThat(clock.slept()).isLessThanOrEqualTo(Duration.ofSeconds(10));
        assertThat(clock.sleeps()).hasSize(5);
    }

    @Test
    void should_give_up_at_once_when_retry_after_is_beyond_the_total_duration() {
        server.stubFor(get("/thing").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")));

        assertThatThrownBy(() -> service(5, Duration.ofMinutes(5)).execute(request()))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("HTTP 429");

        assertThat(clock.sleeps()).isEmpty();
        server.verify(1, getRequestedFor(urlEqualTo("/thing")));
    }

    @Test
    void should_retry_when_the_connection_is_reset() {
        sequence(
                aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER),
                aResponse().withFault(Fault.EMPTY_RESPONSE),
                aResponse().withStatus(200).withBody("ok"));

        try (Response response = service(5, Duration.ofMinutes(5)).execute(request())) {
            assertThat(response.code()).isEqualTo(200);
        }

        assertThat(clock.sleeps()).hasSize(2);
    }

    @Test
    void should_retry_when_the_answer_breaks_off_after_its_status_line() throws IOException {
        // 200 and headers, then garbage and a closed connection: the outcome of the call is unknown.
        sequence(
                aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK),
                aResponse().withStatus(200).withBody("whole"));

        try (Response response = service(5, Duration.ofMinutes(5)).execute(request())) {
            assertThat(response.body().string()).isEqualTo("whole");
        }

        assertThat(clock.sleeps()).hasSize(1);
        assertThat(closed.get()).isEqualTo(opened.get());
    }

    @Test
    void should_retry_when_a_read_times_out() {
        // The only test that waits for real: a read timeout needs a server that is slow for real.
        sequence(
                aResponse().withStatus(200).withFixedDelay(800),
                aResponse().withStatus(200).withBody("ok"));
        OkHttpClient impatient =
                client.newBuilder().readTimeout(Duration.ofMillis(150)).build();
        RetrySettings settings =
                new RetrySettings("Chroma", 3, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofMinutes(5));

        try (Response response = new HttpService(impatient, settings, clock.timing()).execute(request())) {
            assertThat(response.code()).isEqualTo(200);
        }

        assertThat(clock.sleeps()).hasSize(1);
    }

    @Test
    void should_name_the_exception_type_when_the_connection_is_refused() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Request refused = new Request.Builder()
                .url("http://127.0.0.1:" + closedPort + "/")
                .build();

        assertThatThrownBy(() -> service(2, Duration.ofMinutes(5)).execute(refused))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("Chroma")
                .hasMessageContaining("connection refused (ConnectException)")
                .hasCauseInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void should_redact_secrets_from_the_last_answer_when_retries_are_exhausted() {
        Secrets.register("tok-1234567890");
        server.stubFor(
                get("/thing").willReturn(aResponse().withStatus(500).withBody("bad header Bearer tok-1234567890")));

        assertThatThrownBy(() -> service(2, Duration.ofMinutes(5)).execute(request()))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("Bearer ****")
                .hasMessageNotContaining("tok-1234567890");
    }

    @Test
    void should_keep_the_interrupt_flag_when_interrupted_while_waiting() {
        server.stubFor(get("/thing").willReturn(aResponse().withStatus(503)));
        RetryTiming interrupting = new RetryTiming(
                clock.timing().wallClock(),
                clock.timing().nanoTime(),
                duration -> {
                    throw new InterruptedException("stop");
                },
                clock.timing().random());
        RetrySettings settings =
                new RetrySettings("Chroma", 5, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofMinutes(5));

        try {
            assertThatThrownBy(() -> new HttpService(client, settings, interrupting).execute(request()))
                    .isInstanceOf(SystemException.class)
                    .hasMessageContaining("Interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void should_keep_the_body_readable_when_the_answer_is_final() throws IOException {
        server.stubFor(get("/thing").willReturn(aResponse().withStatus(404).withBody("no such thing")));

        try (Response response = service(5, Duration.ofMinutes(5)).execute(request())) {
            Buffer buffer = new Buffer();
            response.body().source().readAll(buffer);
            assertThat(buffer.readUtf8()).isEqualTo("no such thing");
        }
        assertThat(closed.get()).isEqualTo(opened.get());
        assertThat(List.of(opened.get())).containsExactly(1);
    }
}
