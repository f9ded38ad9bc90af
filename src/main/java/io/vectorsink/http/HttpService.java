package io.vectorsink.http;

import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One remote service: a client, its retry bounds, a {@link Gate}, and the one retry loop of the
 * connector, used by every store and every embedding provider. Each attempt holds a pass of the gate
 * only while it is on the wire; {@link RetryBudget} says which failures use up an attempt and how long to
 * wait. The waits go through {@link RetryTiming}, so tests observe them instead of sleeping, and every
 * discarded response is closed before the next attempt so no connection leaks. Thread-safe.
 */
public final class HttpService {
    private static final Logger LOG = LoggerFactory.getLogger(HttpService.class);

    private final OkHttpClient client;
    private final RetrySettings settings;
    private final RetryTiming timing;
    private final Gate gate;
    private final Predicate<HttpStatus> finalAnswers;

    /**
     * Whether the service has answered in HTTP once (shared by its copies). Until then a certificate or
     * protocol failure says the URL is wrong ({@link HttpErrors#isPermanent}); after it, the same failure is
     * a fault on the way (a proxy's garbled answer on a reused connection) and retried like any other.
     */
    private final AtomicBoolean answered;

    public HttpService(OkHttpClient client, RetrySettings settings) {
        this(client, settings, RetryTiming.system());
    }

    public HttpService(OkHttpClient client, RetrySettings settings, RetryTiming timing) {
        this(client, settings, timing, Gate.OPEN);
    }

    /** A service whose attempts pass {@code gate} (an {@link AdaptiveLimiter} shared by its callers). */
    public HttpService(OkHttpClient client, RetrySettings settings, RetryTiming timing, Gate gate) {
        this(client, settings, timing, gate, status -> false, new AtomicBoolean());
    }

    private HttpService(
            OkHttpClient client,
            RetrySettings settings,
            RetryTiming timing,
            Gate gate,
            Predicate<HttpStatus> finalAnswers,
            AtomicBoolean answered) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.finalAnswers = Objects.requireNonNull(finalAnswers, "finalAnswers");
        this.answered = answered;
    }

    /** The service name used in messages, e.g. "Chroma". */
    public String name() {
        return settings.service();
    }

    public RetrySettings settings() {
        return settings;
    }

    /** The same service, gate included, with other retry bounds (e.g. a short bound for {@code check}). */
    public HttpService withSettings(RetrySettings other) {
        return new HttpService(client, other, timing, gate, finalAnswers, answered);
    }

    /**
     * The same service, returning at once the answers {@code test} calls final even though their status
     * is normally retried (e.g. OpenAI's 429 {@code insufficient_quota}, which no wait cures). The test
     * sees the status with the start of the body, which stays readable for the caller.
     */
    public HttpService withFinalAnswers(Predicate<HttpStatus> test) {
        return new HttpService(client, settings, timing, gate, test, answered);
    }

    /**
     * Sends {@code request}, retrying per the settings, and returns the first answer that is not worth a
     * retry: a success or a final error such as 400 or 404, its body already read whole (an answer that
     * breaks off is retried). The caller must close it (try-with-resources).
     *
     * @throws TransientException when the attempts ran out on retryable statuses or I/O errors, or the
     *     next wait would end past {@link RetrySettings#maxDuration()}
     * @throws io.vectorsink.error.ConfigException when the endpoint, before it ever answered in HTTP, answers
     *     in a way no retry changes (an untrusted TLS certificate, no TLS behind an https URL, another
     *     protocol than HTTP)
     * @throws SystemException when the thread is interrupted
     */
    public Response execute(Request request) {
        RetryBudget budget = new RetryBudget(settings, timing);
        while (true) {
            Gate.Pass pass = gate.enter();
            Response response = null;
            IOException failure = null;
            try {
                response = readWhole(client.newCall(request).execute());
            } catch (IOException e) {
                failure = e;
            } catch (RuntimeException | Error e) {
                pass.ignored();
                throw e;
            }
            if (response != null) {
                answered.set(true);
            }
            boolean permanent = failure != null && !answered.get() && HttpErrors.isPermanent(failure);
            boolean done;
            try {
                done = permanent
                        || !RetryPolicies.shouldRetry(response, failure)
                        || (response != null && finalAnswers.test(HttpStatus.of(response)));
            } catch (RuntimeException | Error e) {
                // The pass goes back whatever fails here: a pass never returned shrinks the gate for good,
                // and once every pass is lost the next caller waits forever.
                pass.ignored();
                throw e;
            }
            if (done) {
                pass.succeeded();
                if (permanent) {
                    throw HttpErrors.permanent(name(), request.url(), failure);
                }
                if (failure != null) {
                    throw new SystemException("Call to " + name() + " was interrupted", failure);
                }
                return response;
            }
            boolean rateLimited = response != null && response.code() == 429;
            boolean counts = RetryBudget.usesAnAttempt(rateLimited, gate);
            boolean cut = false;
            if (rateLimited) {
                cut = pass.overloaded();
            } else {
                pass.ignored();
            }
            Optional<Duration> hint =
                    response == null ? Optional.empty() : RateLimitHints.waitHint(response, timing.wallClock());
            String outcome = describeAndClose(response, failure);
            RetryBudget.Next next = budget.next(counts, hint);
            if (cut) {
                // Every caller waits, not only this one: the quota is shared. Only the 429 that cut the
                // limit pauses everyone; 429s of requests already in flight then report the same overload
                // and would only push the pause further out while the provider's budget refills unused. The
                // pause is the wait the provider named, without jitter: jitter keeps separate clients from
                // returning in step, but the callers of one gate resume together anyway, and every moment
                // past the named time is quota left unused. This request itself waits the jittered delay,
                // so it queues behind callers that were already waiting.
                gate.pause(hint.orElse(next.delay()));
            }
            if (next.stop().isPresent()) {
                throw exhausted(budget, outcome + next.stop().get(), failure);
            }
            log(budget, counts, cut, outcome, next.delay());
            try {
                timing.sleeper().sleep(next.delay());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SystemException("Interrupted while waiting to retry " + name(), e);
            }
            budget.advance(counts);
        }
    }

    /** One line per failure that uses up an attempt, and one per cut of the limit; other 429s are quiet. */
    private void log(RetryBudget budget, boolean counts, boolean cut, String outcome, Duration delay) {
        if (counts) {
            LOG.warn(
                    "{} attempt {} of {} failed ({}); retrying in {}",
                    name(),
                    budget.failures() + 1,
                    settings.maxAttempts(),
                    outcome,
                    RetryBudget.seconds(delay));
        } else if (cut) {
            LOG.info(
                    "{} is rate limiting (HTTP 429); at most {} requests in flight from now, all paused for {}",
                    name(),
                    gate.limit(),
                    RetryBudget.seconds(delay));
        }
    }

    /**
     * The response with its body read into memory. An answer counts only once it has arrived whole: a
     * body that breaks off (a reset, or fewer bytes than its Content-Length) is an I/O failure like a
     * refused connection, and retried as one. Every call made through this class is safe to repeat
     * (upserts by id, deletes by filter, gets, get-or-create; embedding requests), so a retry after a
     * lost answer changes nothing.
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

    private static String describeAndClose(Response response, IOException failure) {
        if (failure != null) {
            return HttpErrors.describe(failure) + " (" + failure.getClass().getSimpleName() + ")";
        }
        try (response) {
            return HttpStatus.of(response).describe();
        }
    }

    private TransientException exhausted(RetryBudget budget, String outcome, IOException failure) {
        int attempts = budget.attempt();
        String tries = attempts == 1 ? "1 attempt" : attempts + " attempts";
        return new TransientException(
                name() + " did not answer successfully after " + tries + " in " + RetryBudget.seconds(budget.elapsed())
                        + "; last: " + outcome,
                failure);
    }
}
