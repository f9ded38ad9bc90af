package io.vectorsink.http;

import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import java.util.Objects;
import java.util.function.Predicate;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A remote service whose calls share an {@link AdaptiveLimiter}: an {@link HttpService} gated by the
 * limiter, kept together with it so that an embedder can size its threads by the limiter's ceiling and
 * report its limit. The retrying is {@link HttpService}'s: each attempt holds a permit only while it is on
 * the wire, a 429 shrinks the limit and pauses every caller for the wait the provider names ({@link
 * RateLimitHints}), and it does not use up an attempt ({@link RetryBudget}). Thread-safe.
 */
public final class AdaptiveHttpService {
    private final HttpService http;
    private final AdaptiveLimiter limiter;

    public AdaptiveHttpService(
            OkHttpClient client, RetrySettings settings, RetryTiming timing, AdaptiveLimiter limiter) {
        this(new HttpService(client, settings, timing, limiter), limiter);
    }

    private AdaptiveHttpService(HttpService http, AdaptiveLimiter limiter) {
        this.http = Objects.requireNonNull(http, "http");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
    }

    /** The service name used in messages, e.g. "OpenAI". */
    public String name() {
        return http.name();
    }

    public RetrySettings settings() {
        return http.settings();
    }

    public AdaptiveLimiter limiter() {
        return limiter;
    }

    /** The same service and limiter with other retry bounds (a short bound for {@code check}). */
    public AdaptiveHttpService withSettings(RetrySettings other) {
        return new AdaptiveHttpService(http.withSettings(other), limiter);
    }

    /** See {@link HttpService#withFinalAnswers}. */
    public AdaptiveHttpService withFinalAnswers(Predicate<HttpStatus> test) {
        return new AdaptiveHttpService(http.withFinalAnswers(test), limiter);
    }

    /**
     * See {@link HttpService#execute}.
     *
     * @throws TransientException when the retries ran out
     * @throws SystemException when the thread is interrupted
     */
    public Response execute(Request request) {
        return http.execute(request);
    }
}
