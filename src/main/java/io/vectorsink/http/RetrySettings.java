package io.vectorsink.http;

import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.error.ConfigException;
import java.time.Duration;
import java.util.Objects;

/**
 * How hard one remote service is retried on 429, 5xx, timeouts and connection resets.
 *
 * @param service the name users know the peer by ("Chroma", "OpenAI"); appears in messages
 * @param maxAttempts attempts in total, the first included (default 10)
 * @param initialDelay the first backoff delay before jitter (default 500 ms); doubles per retry
 * @param maxDelay the largest backoff delay before jitter (default 30 s); a {@code Retry-After} may ask
 *     for more and is honoured
 * @param maxDuration the whole time one request may take with all its retries and waits (default
 *     {@link AdvancedConfig#retryMaxDuration()}, 5 min); a wait that would end past it is not started
 */
public record RetrySettings(
        String service, int maxAttempts, Duration initialDelay, Duration maxDelay, Duration maxDuration) {
    public RetrySettings {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(maxDuration, "maxDuration");
        if (service.isBlank()) {
            throw new ConfigException("retry settings need a service name");
        }
        if (maxAttempts < 1) {
            throw new ConfigException("retry max attempts must be >= 1, got " + maxAttempts);
        }
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new ConfigException("retry initial delay must be > 0, got " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new ConfigException("retry max delay must be >= the initial delay, got " + maxDelay);
        }
        if (maxDuration.isNegative() || maxDuration.isZero()) {
            throw new ConfigException("retry max duration must be > 0, got " + maxDuration);
        }
    }

    /** The defaults for {@code service}, bounded in total by {@code advanced.retryMaxDuration()}. */
    public static RetrySettings forService(String service, AdvancedConfig advanced) {
        return new RetrySettings(
                service, 10, Duration.ofMillis(500), Duration.ofSeconds(30), advanced.retryMaxDuration());
    }

    public RetrySettings withMaxAttempts(int attempts) {
        return new RetrySettings(service, attempts, initialDelay, maxDelay, maxDuration);
    }

    public RetrySettings withMaxDuration(Duration duration) {
        return new RetrySettings(service, maxAttempts, initialDelay, maxDelay, duration);
    }

    public RetrySettings withDelays(Duration initial, Duration max) {
        return new RetrySettings(service, maxAttempts, initial, max, maxDuration);
    }
}
