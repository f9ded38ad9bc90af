package io.vectorsink.config;

import io.vectorsink.error.ConfigException;
import java.time.Duration;
import java.util.Objects;

/**
 * Throughput and safety knobs, all with defaults that suit a 2-core worker.
 *
 * @param batchSize chunks per embedding and upsert batch (default 128)
 * @param embeddingConcurrency embedding batches in flight at once (default 2)
 * @param upsertConcurrency store writes in flight at once (default 2)
 * @param flushInterval the longest a partial batch waits before it is written; keeps checkpoints
 *     frequent (default 60 s, at most 5 min)
 * @param maxInFlightChunks chunks buffered or in flight before the reader blocks (default 4096); bounds memory
 * @param retryMaxDuration total time spent retrying one request before the sync fails (default 5 min)
 * @param allowInsecureHttp allow plain http to hosts that are not loopback (never in Airbyte Cloud; the parser
 *     forces it off when {@code DEPLOYMENT_MODE=cloud})
 * @param requestTimeout the longest one HTTP request to the embedding provider or the store may take,
 *     connect to last byte (default 60 s, 1 s to 10 min); a stalled peer costs one attempt at most this,
 *     so an outage fails within {@code retryMaxDuration} plus one request timeout
 * @param allowModelChange write into an index recorded with another embedding model, recording the configured
 *     one (a deliberate migration); off by default, when such an index is a config_error
 */
public record AdvancedConfig(
        int batchSize,
        int embeddingConcurrency,
        int upsertConcurrency,
        Duration flushInterval,
        int maxInFlightChunks,
        Duration retryMaxDuration,
        boolean allowInsecureHttp,
        Duration requestTimeout,
        boolean allowModelChange) {
    /** The longest flush interval: Airbyte expects checkpoints well within 10 minutes. */
    public static final Duration MAX_FLUSH_INTERVAL = Duration.ofMinutes(5);

    /** The request timeout when none is configured: OkHttp's read timeout, which a stall used to cost. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** The longest request timeout: a longer silence is an outage, not a slow answer. */
    public static final Duration MAX_REQUEST_TIMEOUT = Duration.ofMinutes(10);

    public AdvancedConfig {
        Objects.requireNonNull(flushInterval, "flushInterval");
        Objects.requireNonNull(retryMaxDuration, "retryMaxDuration");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (batchSize < 1 || embeddingConcurrency < 1 || upsertConcurrency < 1) {
            throw new ConfigException("batch_size, embedding_concurrency and upsert_concurrency must be at least 1");
        }
        if (flushInterval.isNegative() || flushInterval.isZero() || flushInterval.compareTo(MAX_FLUSH_INTERVAL) > 0) {
            throw new ConfigException("flush_interval_seconds must be between 1 and 300");
        }
        if (maxInFlightChunks < batchSize) {
            throw new ConfigException("max_in_flight_chunks must be at least batch_size");
        }
        if (retryMaxDuration.isNegative()) {
            throw new ConfigException("retry_max_seconds must not be negative");
        }
        if (requestTimeout.compareTo(Duration.ofSeconds(1)) < 0 || requestTimeout.compareTo(MAX_REQUEST_TIMEOUT) > 0) {
            throw new ConfigException("request_timeout_seconds must be between 1 and 600");
        }
    }

    /** The settings without a model change allowed. */
    public AdvancedConfig(
            int batchSize,
            int embeddingConcurrency,
            int upsertConcurrency,
            Duration flushInterval,
            int maxInFlightChunks,
            Duration retryMaxDuration,
            boolean allowInsecureHttp,
            Duration requestTimeout) {
        this(
                batchSize,
                embeddingConcurrency,
                upsertConcurrency,
                flushInterval,
                maxInFlightChunks,
                retryMaxDuration,
                allowInsecureHttp,
                requestTimeout,
                false);
    }

    /** The settings with the {@link #DEFAULT_REQUEST_TIMEOUT default request timeout}. */
    public AdvancedConfig(
            int batchSize,
            int embeddingConcurrency,
            int upsertConcurrency,
            Duration flushInterval,
            int maxInFlightChunks,
            Duration retryMaxDuration,
            boolean allowInsecureHttp) {
        this(
                batchSize,
                embeddingConcurrency,
                upsertConcurrency,
                flushInterval,
                maxInFlightChunks,
                retryMaxDuration,
                allowInsecureHttp,
                DEFAULT_REQUEST_TIMEOUT);
    }

    public static AdvancedConfig defaults() {
        return new AdvancedConfig(128, 2, 2, Duration.ofSeconds(60), 4096, Duration.ofMinutes(5), false);
    }
}
