package io.vectorsink.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryPoliciesTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final RetrySettings SETTINGS =
            new RetrySettings("X", 10, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(5));

    @Test
    void should_parse_retry_after_delta_seconds() {
        assertThat(RetryPolicies.retryAfter("120", CLOCK)).contains(Duration.ofSeconds(120));
        assertThat(RetryPolicies.retryAfter(" 0 ", CLOCK)).contains(Duration.ZERO);
    }

    @Test
    void should_parse_retry_after_http_date_relative_to_the_clock() {
        assertThat(RetryPolicies.retryAfter("Sun, 01 Jun 2025 12:00:30 GMT", CLOCK))
                .contains(Duration.ofSeconds(30));
    }

    @Test
    void should_treat_a_past_http_date_as_no_wait() {
        assertThat(RetryPolicies.retryAfter("Sun, 01 Jun 2025 11:00:00 GMT", CLOCK))
                .contains(Duration.ZERO);
    }

    @Test
    void should_ignore_missing_or_malformed_retry_after() {
        assertThat(RetryPolicies.retryAfter(null, CLOCK)).isEmpty();
        assertThat(RetryPolicies.retryAfter("", CLOCK)).isEmpty();
        assertThat(RetryPolicies.retryAfter("soon", CLOCK)).isEmpty();
        assertThat(RetryPolicies.retryAfter("-5", CLOCK)).isEmpty();
        assertThat(RetryPolicies.retryAfter("1.5", CLOCK)).isEmpty();
    }

    @Test
    void should_treat_an_enormous_retry_after_as_a_very_long_wait() {
        assertThat(RetryPolicies.retryAfter("99999999999999999999999", CLOCK).orElseThrow())
                .isGreaterThan(Duration.ofDays(365));
    }

    @Test
    void should_retry_408_429_and_5xx_except_501() {
        assertThat(RetryPolicies.isRetryableStatus(408)).isTrue();
        assertThat(RetryPolicies.isRetryableStatus(429)).isTrue();
        assertThat(RetryPolicies.isRetryableStatus(500)).isTrue();
        assertThat(RetryPolicies.isRetryableStatus(503)).isTrue();
        assertThat(RetryPolicies.isRetryableStatus(599)).isTrue();
        assertThat(RetryPolicies.isRetryableStatus(501)).isFalse();
        assertThat(RetryPolicies.isRetryableStatus(400)).isFalse();
        assertThat(RetryPolicies.isRetryableStatus(401)).isFalse();
        assertThat(RetryPolicies.isRetryableStatus(404)).isFalse();
        assertThat(RetryPolicies.isRetryableStatus(200)).isFalse();
    }

    @Test
    void should_double_backoff_up_to_the_max_delay_with_equal_jitter() {
        assertThat(RetryPolicies.backoff(1, SETTINGS, 0.0)).isEqualTo(Duration.ofMillis(250));
        assertThat(RetryPolicies.backoff(1, SETTINGS, 0.999)).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
        assertThat(RetryPolicies.backoff(2, SETTINGS, 0.0)).isEqualTo(Duration.ofMillis(500));
        assertThat(RetryPolicies.backoff(7, SETTINGS, 0.0)).isEqualTo(Duration.ofSeconds(15));
        assertThat(RetryPolicies.backoff(50, SETTINGS, 0.999))
                .isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
    }

    @Test
    void should_never_shorten_retry_after_with_jitter() {
        assertThat(RetryPolicies.withUpwardJitter(Duration.ofSeconds(5), 0.0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(RetryPolicies.withUpwardJitter(Duration.ofSeconds(5), 0.999))
                .isBetween(Duration.ofSeconds(5), Duration.ofMillis(5500));
        assertThat(RetryPolicies.withUpwardJitter(Duration.ofSeconds(60), 0.999))
                .isBetween(Duration.ofSeconds(60), Duration.ofSeconds(61));
    }
}
