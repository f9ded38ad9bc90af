package io.vectorsink.http;

import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A remote service whose calls share an {@link AdaptiveLimiter}: the retry loop of {@link HttpService}
 * (same retryable outcomes, backoff with jitter, bounded attempts and total duration, every discarded
 * response closed), with each attempt holding a permit only while it is on the wire. A 429 shrinks the
 * limit and pauses every caller for the wait the provider names ({@link RateLimitHints}); other
 * failures back off privately. Used for providers with quotas, where riding the limit matters more than
 * the latency of one call.
 *
 * <p>A rate-limited answer does not use up one of {@link RetrySettings#maxAttempts()}: under a quota a
 * 429 is the provider saying "not yet", not a fault, and a sync that keeps the quota full meets many of
 * them. Rate-limited retries are bounded by {@link RetrySettings#maxDuration()} alone; every other
 * failure counts against the attempts as in {@link HttpService}. Thread-safe.
 */
public final class AdaptiveHttpService {
    private static final Logger LOG = LoggerFactory.getLogger(AdaptiveHttpService.class);

    private final OkHttpClient client;
    private final RetrySettings settings;
    private final RetryTiming timing;
    private final AdaptiveLimiter limiter;
    private final Predicate<HttpStatus> finalAnswers;

    public AdaptiveHttpService(
            OkHttpClient client, RetrySettings settings, RetryTiming timing, AdaptiveLimiter limiter) {
        this(client, settings, timing, limiter, status -> false);
    }

    private AdaptiveHttpService(
            OkHttpClient client,
            RetrySettings settings,
            RetryTiming timing,
            AdaptiveLimiter limiter,
            Predicate<HttpStatus> finalAnswers) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.finalAnswers = Objects.requireNonNull(finalAnswers, "finalAnswers");
    }

    /** The service name used in messages, e.g. "OpenAI". */
    public String name() {
        return settings.service();
    }

    public RetrySettings settings() {
        return settings;
    }

    public AdaptiveLimiter limiter() {
        return limiter;
    }

    /** The same service and limiter with other retry bounds (a short bound for {@code check}). */
    public AdaptiveHttpService withSettings(RetrySettings other) {
        return new AdaptiveHttpService(client, other, timing, limiter, finalAnswers);
    }

    /**
     * The same service, returning at once the answers {@code test} calls final even though their status
     * is normally retried (e.g. OpenAI's 429 {@code insufficient_quota}, which no wait cures). The test
     * sees the status with the start of the body, which stays readable for the caller.
     */
    public AdaptiveHttpService withFinalAnswers(Predicate<HttpStatus> test) {
        return new AdaptiveHttpService(client, settings, timing, limiter, test);
    }

    /**
     * Sends {@code request}, retrying per the settings, and returns the first answer not worth a retry:
     * a success or a final error such as 400 or 401, its body already read whole (an answer that breaks
     * off is retried). The caller must close it.
     *
     * @throws TransientException when every attempt failed with a retryable status or an I/O error, or
     *     the next wait would end past {@link RetrySettings#maxDuration()}
     * @throws SystemException when the thread is interrupted
     */
    public Response execute(Request request) {
        long start = timing.nanoTime().getAsLong();
        int failures = 0;
        for (int attempt = 1; ; attempt++) {
            AdaptiveLimiter.Permit permit = limiter.acquire();
            Response response = null;
            IOException failure = null;
            try {
                // The body is read here, inside the attempt: an answer that breaks off (a reset or a
                // truncation after the status line) is an I/O failure like a refused connection and is
                // retried, instead of surfacing in the caller as a failed sync.
                response = HttpService.readWhole(client.newCall(request).execute());
            } catch (IOException e) {
                failure = e;
            } catch (RuntimeException | Error e) {
                permit.ignored();
                throw e;
            }
            if (!RetryPolicies.shouldRetry(response, failure)
                    || (response != null && finalAnswers.test(HttpStatus.of(response)))) {
                permit.succeeded();
                if (failure != null) {
                    throw new SystemException("Call to " + name() + " was interrupted", failure);
                }
                return response;
            }
            boolean rateLimited = response != null && response.code() == 429;
            Optional<Duration> hint =
                    response == null ? Optional.empty() : RateLimitHints.waitHint(response, timing.wallClock());
            boolean cut = false;
            if (rateLimited) {
                cut = permit.overloaded();
            } else {
                permit.ignored();
            }
            String outcome = describeAndClose(response, failure);
            double random = timing.random().getAsDouble();
            Duration delay = hint.isPresent()
                    ? RetryPolicies.withUpwardJitter(hint.get(), random)
                    : RetryPolicies.backoff(attempt, settings, random);
            if (cut) {
                // Every caller waits, not only this one: the quota is shared. Only the 429 that cut the
                // limit pauses everyone; 429s of requests already in flight then report the same overload
                // and would only push the pause further out while the provider's budget refills unused. The
                // pause is the wait the provider named, without jitter: jitter keeps separate clients from
                // returning in step, but the callers of one limiter resume together anyway, and every
                // moment past the named time is quota left unused. This request itself waits the jittered
                // delay, so it queues behind callers that were already waiting.
                limiter.pause(hint.orElse(delay));
            }
            Duration elapsed = Duration.ofNanos(timing.nanoTime().getAsLong() - start);
            if (!rateLimited) {
                failures++;
            }
            if (failures >= settings.maxAttempts()) {
                // Only failures other than 429 count here; see the class comment.
                throw exhausted(attempt, elapsed, outcome, failure);
            }
            if (elapsed.plus(delay).compareTo(settings.maxDuration()) > 0) {
                throw exhausted(
                        attempt,
                        elapsed,
                        outcome + " and the next wait (" + seconds(delay) + ") would pass the retry limit of "
                                + seconds(settings.maxDuration()),
                        failure);
            }
            if (cut) {
                LOG.info(
                        "{} is rate limiting (HTTP 429); at most {} requests in flight from now, all paused for {}",
                        name(),
                        limiter.limit(),
                        seconds(delay));
            } else if (!rateLimited) {
                LOG.warn(
                        "{} attempt {} of {} failed ({}); retrying in {}",
                        name(),
                        failures,
                        settings.maxAttempts(),
                        outcome,
                        seconds(delay));
            }
            try {
                timing.sleeper().sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SystemException("Interrupted while waiting to retry " + name(), e);
            }
        }
    }

    private static String describeAndClose(Response response, IOException failure) {
        if (failure != null) {
            return HttpErrors.describe(failure) + " (" + failure.getClass().getSimpleName() + ")";
        }
        try (response) {
            return HttpStatus.of(response).describe();
        }
    }

    private TransientException exhausted(int attempts, Duration elapsed, String outcome, IOException failure) {
        String tries = attempts == 1 ? "1 attempt" : attempts + " attempts";
        return new TransientException(
                name() + " did not answer successfully after " + tries + " in " + seconds(elapsed) + "; last: "
                        + outcome,
                failure);
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
