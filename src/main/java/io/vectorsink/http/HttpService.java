package io.vectorsink.http;

import dev.failsafe.Execution;
import dev.failsafe.RetryPolicy;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One remote service: a client, its retry policy, and the loop that applies it. The policy decides
 * what is retried and how long to wait; this class does the waiting through {@link RetryTiming}, so
 * tests observe the waits instead of sleeping, and it closes every discarded response before the next
 * attempt so no connection leaks. Thread-safe.
 */
public final class HttpService {
    private static final Logger LOG = LoggerFactory.getLogger(HttpService.class);

    private final OkHttpClient client;
    private final RetrySettings settings;
    private final RetryTiming timing;
    private final RetryPolicy<Response> policy;

    public HttpService(OkHttpClient client, RetrySettings settings) {
        this(client, settings, RetryTiming.system());
    }

    public HttpService(OkHttpClient client, RetrySettings settings, RetryTiming timing) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.policy = RetryPolicies.forService(settings, timing);
    }

    /** The service name used in messages, e.g. "Chroma". */
    public String name() {
        return settings.service();
    }

    public RetrySettings settings() {
        return settings;
    }

    /** The same service with other retry bounds (e.g. a short bound for {@code check}). */
    public HttpService withSettings(RetrySettings other) {
        return new HttpService(client, other, timing);
    }

    /**
     * Sends {@code request}, retrying per the policy, and returns the first answer that is not worth a
     * retry: a success or a final error such as 400 or 404, its body already read whole (an answer that
     * breaks off is retried). The caller must close it (try-with-resources).
     *
     * @throws TransientException when every attempt failed with a retryable status or an I/O error, or
     *     the next wait would end past {@link RetrySettings#maxDuration()}
     * @throws SystemException when the thread is interrupted
     */
    public Response execute(Request request) {
        Execution<Response> execution = Execution.of(policy);
        long start = timing.nanoTime().getAsLong();
        int attempt = 0;
        while (true) {
            attempt++;
            Response response = null;
            IOException failure = null;
            try {
                response = readWhole(client.newCall(request).execute());
            } catch (IOException e) {
                failure = e;
            }
            execution.record(response, failure);
            if (!RetryPolicies.shouldRetry(response, failure)) {
                if (failure != null) {
                    throw interrupted(failure);
                }
                return response;
            }
            String outcome = describeAndClose(response, failure);
            Duration elapsed = Duration.ofNanos(timing.nanoTime().getAsLong() - start);
            if (execution.isComplete()) {
                throw exhausted(attempt, elapsed, outcome, failure);
            }
            // Failsafe caps its delay at the time left; an uncapped Retry-After shows when the server
            // asks for more than is left, and then giving up now beats retrying before it is ready.
            Duration delay = max(execution.getDelay(), retryAfter(response));
            if (elapsed.plus(delay).compareTo(settings.maxDuration()) > 0) {
                throw exhausted(
                        attempt,
                        elapsed,
                        outcome + " and the next wait (" + seconds(delay) + ") would pass the retry limit of "
                                + seconds(settings.maxDuration()),
                        failure);
            }
            LOG.warn(
                    "{} attempt {} of {} failed ({}); retrying in {}",
                    name(),
                    attempt,
                    settings.maxAttempts(),
                    outcome,
                    seconds(delay));
            try {
                timing.sleeper().sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SystemException("Interrupted while waiting to retry " + name(), e);
            }
        }
    }

    /**
     * The response with its body read into memory. An answer counts only once it has arrived whole: a
     * body that breaks off (a reset, or fewer bytes than its Content-Length) is an I/O failure like a
     * refused connection, and retried as one. Every call made through this class is safe to repeat
     * (Chroma's upsert by id, delete by filter, get, get-or-create; embedding requests), so a retry after
     * a lost answer changes nothing.
     */
    static Response readWhole(Response response) throws IOException {
        ResponseBody body = response.body();
        if (body == null) {
            return response;
        }
        byte[] bytes;
        try {
            bytes = body.bytes();
        } finally {
            response.close();
        }
        return response.newBuilder()
                .body(ResponseBody.create(bytes, body.contentType()))
                .build();
    }

    private String describeAndClose(Response response, IOException failure) {
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

    private SystemException interrupted(IOException failure) {
        return new SystemException("Call to " + name() + " was interrupted", failure);
    }

    private Duration retryAfter(Response response) {
        return response == null
                ? Duration.ZERO
                : RetryPolicies.retryAfter(response.header("Retry-After"), timing.wallClock())
                        .orElse(Duration.ZERO);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** A duration as users read it in messages: "4.2 s". */
    static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
