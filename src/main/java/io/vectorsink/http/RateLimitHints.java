package io.vectorsink.http;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Response;

/**
 * Reads how long a rate-limited answer asks the client to wait:
 *
 * <ul>
 *   <li>{@code retry-after-ms}: milliseconds, sent by Azure OpenAI and read first by OpenAI's own SDKs;
 *       when present it is the answer;
 *   <li>{@code Retry-After}: delta-seconds or an HTTP-date (RFC 9110 §10.2.3);
 *   <li>OpenAI's {@code x-ratelimit-reset-requests} and {@code x-ratelimit-reset-tokens}: the time until
 *       that budget is full again, as a Go-style duration ({@code 20ms}, {@code 1s}, {@code 6m0s},
 *       {@code 1h2m3.5s}) or plain seconds (Azure sends whole seconds). When the matching
 *       {@code x-ratelimit-remaining-*} header says which budget ran out, that budget's reset is used;
 *       otherwise the later of the two, since either may be the one that is empty.
 * </ul>
 *
 * When both {@code Retry-After} and a reset are given, the earlier wins: each names a moment at which a
 * retry is welcome ({@code Retry-After} by definition, a reset because the budget is full again then),
 * and {@code Retry-After} comes in whole seconds, so a 120 ms reset would otherwise cost a second of an
 * idle quota per 429.
 */
public final class RateLimitHints {
    /** Go's time.Duration format as OpenAI prints it: one or more number+unit pairs. */
    private static final Pattern GO_DURATION = Pattern.compile("((?:\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h))+");

    private static final Pattern GO_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");
    private static final Pattern PLAIN_SECONDS = Pattern.compile("\\d+(?:\\.\\d+)?");

    /** Longer than any retry bound the config allows (1 h); guards the arithmetic against absurd headers. */
    private static final Duration CEILING = Duration.ofDays(1);

    private RateLimitHints() {}

    /** The wait {@code response} asks for, if it names one. */
    public static Optional<Duration> waitHint(Response response, Clock clock) {
        Optional<Duration> millis = millis(response.header("retry-after-ms"));
        if (millis.isPresent()) {
            return millis;
        }
        // Capped as the other hints are: a Retry-After of 10^17 seconds would overflow the milliseconds of
        // the wait (an ArithmeticException from the retry loop instead of "the wait passes the bound").
        Optional<Duration> retryAfter =
                RetryPolicies.retryAfter(response.header("Retry-After"), clock).map(wait -> min(wait, CEILING));
        Optional<Duration> reset = reset(response);
        if (retryAfter.isPresent() && reset.isPresent()) {
            return Optional.of(min(retryAfter.get(), reset.get()));
        }
        return retryAfter.or(() -> reset);
    }

    /** The reset of the budget that ran out, or the later of the two resets. */
    private static Optional<Duration> reset(Response response) {
        Optional<Duration> requests = duration(response.header("x-ratelimit-reset-requests"));
        Optional<Duration> tokens = duration(response.header("x-ratelimit-reset-tokens"));
        boolean requestsEmpty = isZero(response.header("x-ratelimit-remaining-requests"));
        boolean tokensEmpty = isZero(response.header("x-ratelimit-remaining-tokens"));
        if (requestsEmpty != tokensEmpty) {
            return requestsEmpty ? requests.or(() -> tokens) : tokens.or(() -> requests);
        }
        if (requests.isPresent() && tokens.isPresent()) {
            return Optional.of(requests.get().compareTo(tokens.get()) >= 0 ? requests.get() : tokens.get());
        }
        return requests.or(() -> tokens);
    }

    /**
     * A reset header's value: a Go-style duration ({@code 1s}, {@code 6m0s}, {@code 20ms},
     * {@code 1h2m3.5s}) or plain (fractional) seconds; empty when absent, negative or malformed.
     */
    public static Optional<Duration> duration(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.strip().toLowerCase(Locale.ROOT);
        if (PLAIN_SECONDS.matcher(value).matches()) {
            return Optional.of(capped(new BigDecimal(value).movePointRight(9)));
        }
        if (!GO_DURATION.matcher(value).matches()) {
            return Optional.empty();
        }
        BigDecimal nanos = BigDecimal.ZERO;
        Matcher part = GO_PART.matcher(value);
        while (part.find()) {
            nanos = nanos.add(new BigDecimal(part.group(1)).multiply(unitNanos(part.group(2))));
        }
        return Optional.of(capped(nanos));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Optional<Duration> millis(String header) {
        if (header == null || !PLAIN_SECONDS.matcher(header.strip()).matches()) {
            return Optional.empty();
        }
        return Optional.of(capped(new BigDecimal(header.strip()).movePointRight(6)));
    }

    private static boolean isZero(String header) {
        return header != null && header.strip().equals("0");
    }

    private static BigDecimal unitNanos(String unit) {
        switch (unit) {
            case "ns":
                return BigDecimal.ONE;
            case "us":
            case "µs":
                return BigDecimal.valueOf(1_000L);
            case "ms":
                return BigDecimal.valueOf(1_000_000L);
            case "s":
                return BigDecimal.valueOf(1_000_000_000L);
            case "m":
                return BigDecimal.valueOf(60_000_000_000L);
            default: // "h", the only unit left that the pattern admits
                return BigDecimal.valueOf(3_600_000_000_000L);
        }
    }

    private static Duration capped(BigDecimal nanos) {
        if (nanos.compareTo(BigDecimal.valueOf(CEILING.toNanos())) >= 0) {
            return CEILING;
        }
        // Sub-nanosecond fractions are dropped; a wait is never rounded below what was asked by more.
        return Duration.ofNanos(
                nanos.setScale(0, java.math.RoundingMode.CEILING).longValueExact());
    }
}
