package io.vectorsink.http;

import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounds on sending again the items that a store refused inside a successful answer (an OpenSearch
 * bulk item answered 429, a Weaviate object that failed on a busy shard). The refused items of one write
 * are sent at most {@link RetrySettings#maxAttempts()} times, each send with its own HTTP retries, and all
 * of it within one {@link RetrySettings#maxDuration()}: every send may only use the time the write has
 * left. Without the shared deadline each resend (and each half of a request split for size) would get a
 * whole retry budget of its own, and a store that keeps refusing items would hold the sync far past
 * {@code retry_max_seconds}. The bounds are a {@link RetryBudget}, kept by the same rules as the budget
 * of one call in {@link HttpService}; the loop over refused items stays in the store, which alone knows
 * which items to send again. Not thread-safe: one per write, its sends made one after another.
 */
public final class ItemResends {
    private static final Logger LOG = LoggerFactory.getLogger(ItemResends.class);

    private final HttpService http;
    private final RetryTiming timing;
    private final RetryBudget budget;

    private ItemResends(HttpService http, RetryTiming timing) {
        this.http = Objects.requireNonNull(http, "http");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.budget = new RetryBudget(http.settings(), timing);
    }

    /** Starts the bounds of one write that sends through {@code http}. */
    public static ItemResends start(HttpService http, RetryTiming timing) {
        return new ItemResends(http, timing);
    }

    /** The number of the current send, the first being 1. */
    public int attempt() {
        return budget.attempt();
    }

    /** The write's service, limited to the time the write has left. */
    private HttpService bounded() {
        return http.withSettings(http.settings().withMaxDuration(budget.left()));
    }

    /**
     * The wait before sending the refused items again, or empty when the attempts are used up or the
     * wait would end past the time bound: then the caller fails the write with {@link #summary()}.
     */
    public Optional<Duration> nextWait() {
        // Refused items name no wait, and no gate rides a store's limits: by RetryBudget's rule every
        // refusal uses up a send.
        RetryBudget.Next next = budget.next(true, Optional.empty());
        return next.stop().isPresent() ? Optional.empty() : Optional.of(next.delay());
    }

    /**
     * Makes one send through the write's service, limited to the time the write has left. When a resend
     * fails because the HTTP retries ran out, its error says so with the whole write's count and time,
     * not only that send's.
     */
    public <T> T send(Function<HttpService, T> send) {
        try {
            return send.apply(bounded());
        } catch (TransientException e) {
            if (budget.attempt() == 1) {
                throw e;
            }
            throw new TransientException(
                    e.getMessage() + " (the write's refused items were sent " + summary() + ")", e);
        }
    }

    /** Waits {@code wait} (from {@link #nextWait()}) and counts the next send. */
    public void await(Duration wait, String refused) {
        LOG.warn(
                "{} refused {} (send {} of at most {}); sending them again in {} ms",
                http.name(),
                refused,
                budget.attempt(),
                http.settings().maxAttempts(),
                wait.toMillis());
        try {
            timing.sleeper().sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SystemException("Interrupted while waiting to send again to " + http.name(), e);
        }
        budget.advance(true);
    }

    /** How hard the write tried, for its error: "after 3 sends in 4.2 s". */
    public String summary() {
        int sends = budget.attempt();
        return "after " + (sends == 1 ? "1 send" : sends + " sends") + " in " + RetryBudget.seconds(budget.elapsed());
    }
}
