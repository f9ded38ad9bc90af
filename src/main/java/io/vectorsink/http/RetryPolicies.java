package io.vectorsink.http;

import java.io.IOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import okhttp3.Response;

/**
 * The rules of retrying shared by every remote call: which outcomes are worth another attempt (408, 429
 * and 5xx other than 501, which will not change on a retry, and {@link IOException}s such as timeouts and
 * refused or reset connections unless the thread was interrupted; {@link HttpService} stops at once on a
 * failure no retry changes, such as an untrusted certificate, {@link HttpErrors#isPermanent}), exponential backoff with "equal
 * jitter" (half fixed, half random, so no two clients march in step and none retries at once), and the
 * reading of {@code Retry-After} (delta-seconds or HTTP-date, RFC 9110 §10.2.3), whose wait is only ever
 * lengthened by jitter: the server knows better when it will recover. {@link RetryBudget} applies them.
 */
public final class RetryPolicies {
    private RetryPolicies() {}

    /** Whether a status is worth another attempt. */
    public static boolean isRetryableStatus(int code) {
        return code == 408 || code == 429 || (code >= 500 && code <= 599 && code != 501);
    }

    static boolean shouldRetry(Response response, Throwable failure) {
        if (failure != null) {
            // OkHttp reports an interrupted thread as an InterruptedIOException; that is a request to
            // stop, not an outage. Timeouts are InterruptedIOExceptions too, but leave the flag clear.
            return failure instanceof IOException && !Thread.currentThread().isInterrupted();
        }
        return response != null && isRetryableStatus(response.code());
    }

    /**
     * Exponential backoff with equal jitter: {@code d/2 + random * d/2} where {@code d = min(max,
     * initial * 2^(attempt-1))}.
     */
    static Duration backoff(int attempt, RetrySettings settings, double random) {
        long initial = settings.initialDelay().toMillis();
        long max = settings.maxDelay().toMillis();
        int doublings = Math.max(0, Math.min(attempt - 1, 30));
        long full = Math.min(max, initial << doublings);
        if (full < 0) {
            full = max;
        }
        long half = full / 2;
        return Duration.ofMillis(half + (long) (random * (full - half)));
    }

    /**
     * A {@code Retry-After} wait plus up to 10 % (at most 1 s) more, never less: clients told the same
     * moment should not all come back in the same millisecond.
     */
    static Duration withUpwardJitter(Duration asked, double random) {
        long extra = Math.min(1000, asked.toMillis() / 10);
        return asked.plusMillis((long) (random * extra));
    }

    /**
     * The wait a {@code Retry-After} value asks for: delta-seconds or an HTTP-date (a date in the past
     * means "now"); empty when the header is absent or malformed.
     */
    public static Optional<Duration> retryAfter(String header, Clock clock) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.strip();
        if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
            } catch (NumberFormatException e) {
                // More digits than a long holds: far beyond any retry bound, treat as "do not retry soon".
                return Optional.of(Duration.ofSeconds(Long.MAX_VALUE / 1_000_000_000L));
            }
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            Duration wait = Duration.between(clock.instant(), at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
