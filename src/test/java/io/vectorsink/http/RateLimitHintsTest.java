package io.vectorsink.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimitHintsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

    private static Response answer(String... headers) {
        Response.Builder builder = new Response.Builder()
                .request(new Request.Builder().url("http://127.0.0.1/").build())
                .protocol(Protocol.HTTP_1_1)
                .code(429)
                .message("Too Many Requests");
        for (int i = 0; i < headers.length; i += 2) {
            builder.addHeader(headers[i], headers[i + 1]);
        }
        return builder.build();
    }

    @ParameterizedTest
    @CsvSource({
        "20ms, 20",
        "1s, 1000",
        "6m0s, 360000",
        "1h2m3.5s, 3723500",
        "0.5s, 500",
        "1.25, 1250",
        "0, 0",
        "7, 7000",
        "250us, 1",
        "3ns, 1"
    })
    void should_read_openai_reset_durations(String header, long millis) {
        Duration parsed = RateLimitHints.duration(header).orElseThrow();

        // Sub-millisecond values round up in millis here only to keep the table short.
        assertThat((parsed.toNanos() + 999_999) / 1_000_000).isEqualTo(millis);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "soon", "-1s", "1d", "s", "1.2.3s", "10 s"})
    void should_ignore_reset_durations_it_cannot_read(String header) {
        assertThat(RateLimitHints.duration(header)).isEmpty();
    }

    @Test
    void should_cap_absurd_durations() {
        assertThat(RateLimitHints.duration("99999999999999h")).contains(Duration.ofDays(1));
    }

    @Test
    void should_cap_an_absurd_retry_after_so_that_the_wait_can_be_counted_in_milliseconds() {
        Duration hint = RateLimitHints.waitHint(answer("Retry-After", "99999999999999999"), CLOCK)
                .orElseThrow();

        assertThat(hint).isEqualTo(Duration.ofDays(1));
        // What the retry loop does with the hint (jitter, message) must not overflow.
        assertThat(RetryPolicies.withUpwardJitter(hint, 1.0))
                .isEqualTo(Duration.ofDays(1).plusSeconds(1));
    }

    @Test
    void should_prefer_retry_after_ms_to_anything_else() {
        assertThat(RateLimitHints.waitHint(
                        answer("retry-after-ms", "1500", "Retry-After", "1", "x-ratelimit-reset-tokens", "30ms"),
                        CLOCK))
                .contains(Duration.ofMillis(1500));
    }

    @Test
    void should_take_the_earlier_of_retry_after_and_a_reset() {
        assertThat(RateLimitHints.waitHint(answer("Retry-After", "9", "x-ratelimit-reset-tokens", "30s"), CLOCK))
                .contains(Duration.ofSeconds(9));
        assertThat(RateLimitHints.waitHint(answer("Retry-After", "1", "x-ratelimit-reset-tokens", "120ms"), CLOCK))
                .contains(Duration.ofMillis(120));
        assertThat(RateLimitHints.waitHint(answer("x-ratelimit-reset-tokens", "350ms"), CLOCK))
                .contains(Duration.ofMillis(350));
        assertThat(RateLimitHints.waitHint(answer("Retry-After", "4"), CLOCK)).contains(Duration.ofSeconds(4));
        assertThat(RateLimitHints.waitHint(answer(), CLOCK)).isEmpty();
    }

    @Test
    void should_use_the_reset_of_the_budget_that_ran_out() {
        Response tokensOut = answer(
                "x-ratelimit-remaining-requests", "4999",
                "x-ratelimit-remaining-tokens", "0",
                "x-ratelimit-reset-requests", "12ms",
                "x-ratelimit-reset-tokens", "6m0s");
        Response requestsOut = answer(
                "x-ratelimit-remaining-requests", "0",
                "x-ratelimit-remaining-tokens", "150000",
                "x-ratelimit-reset-requests", "2s",
                "x-ratelimit-reset-tokens", "6m0s");

        assertThat(RateLimitHints.waitHint(tokensOut, CLOCK)).contains(Duration.ofMinutes(6));
        assertThat(RateLimitHints.waitHint(requestsOut, CLOCK)).contains(Duration.ofSeconds(2));
    }

    @Test
    void should_use_the_later_reset_when_it_is_not_said_which_budget_ran_out() {
        Response both = answer("x-ratelimit-reset-requests", "2s", "x-ratelimit-reset-tokens", "120ms");

        assertThat(RateLimitHints.waitHint(both, CLOCK)).contains(Duration.ofSeconds(2));
    }
}
