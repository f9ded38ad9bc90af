package io.vectorsink.config;

import java.time.Duration;

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
 * @param allowInsecureHttp allow plain http to hosts that are not loopback (never in Airbyte Cloud)
 */
public record AdvancedConfig(
        int batchSize,
        int embeddingConcurrency,
        int upsertConcurrency,
        Duration flushInterval,
        int maxInFlightChunks,
        Duration retryMaxDuration,
        boolean allowInsecureHttp) {
    public static AdvancedConfig defaults() {
        return new AdvancedConfig(128, 2, 2, Duration.ofSeconds(60), 4096, Duration.ofMinutes(5), false);
    }
}
