package io.vectorsink.http;

import io.vectorsink.error.SystemException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounds on sending again the items that a store refused inside a successful answer (an OpenSearch
 * bulk item answered 429, a Weaviate object that failed on a busy shard). One write, with every resend
 * of its refused items and every HTTP retry of each send, stays within the same bounds as one request:
 * {@link RetrySettings#maxAttempts()} sends and {@link RetrySettings#maxDuration()} in all. Without the
 * shared deadline each resend would get a whole retry budget of its own, and a store that keeps refusing
 * items would hold the sync far past {@code retry_max_seconds}. Not thread-safe: one per write.
 */
public final class ItemResends {
    private static final Logger LOG = LoggerFactory.getLogger(ItemResends.class);

    private final HttpService http;
    private final RetryTiming timing;
    private final long start;
    private int attempt = 1;

    private ItemResends(HttpService http, RetryTiming timing) {
        this.http = Objects.requireNonNull(http, "http");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.start = timing.nanoTime().getAsLong();
    }

    /** Starts the bounds of one write that sends through {@code http}. */
    public static ItemResends start(HttpService http, RetryTiming timing) {
        return new ItemResends(http, timing);
    }

    /** The number of the current send, the first being 1. */
    public int attempt() {
        return attempt;
    }

    /**
     * The service to send through now: the write's own for the first send, and for a resend the same
     * service limited to the time the write has left.
     */
    public HttpService http() {
        if (attempt == 1) {
            return http;
        }
        Duration left = settings().maxDuration().minus(elapsed());
        return http.withSettings(
                settings().withMaxDuration(left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left));
    }

    /**
     * The wait before sending the refused items again, or empty when the attempts are used up or the
     * wait would end past the time bound: then the caller fails the write with {@link #summary()}.
     */
    public Optional<Duration> nextWait() {
        RetrySettings settings = settings();
        if (attempt >= settings.maxAttempts()) {
            return Optional.empty();
        }
        Duration wait = RetryPolicies.backoff(attempt, settings, timing.random().getAsDouble());
        return elapsed().plus(wait).compareTo(settings.maxDuration()) > 0 ? Optional.empty() : Optional.of(wait);
    }

    /** Waits {@code wait} (from {@link #nextWait()}) and counts the next send. */
    public void await(Duration wait, String refused) {
        LOG.warn(
                "{} refused {} (send {} of at most {}); sending them again in {} ms",
                http.name(),
                refused,
                attempt,
                settings().maxAttempts(),
                wait.toMillis());
        try {
            timing.sleeper().sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SystemException("Interrupted while waiting to send again to " + http.name(), e);
        }
        attempt++;
    }

    /** How hard the write tried, for its error: "after 3 sends in 4.2 s". */
    public String summary() {
        return "after " + (attempt == 1 ? "1 send" : attempt + " sends") + " in "
                + String.format(Locale.ROOT, "%.1f s", elapsed().toMillis() / 1000.0);
    }

    private RetrySettings settings() {
        return http.settings();
    }

    private Duration elapsed() {
        return Duration.ofNanos(timing.nanoTime().getAsLong() - start);
    }
}
