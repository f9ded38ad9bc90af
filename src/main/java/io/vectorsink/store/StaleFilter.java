package io.vectorsink.store;

/** Which chunks of a stream an overwrite or truncate refresh removes once the stream is COMPLETE. */
public sealed interface StaleFilter {
    /** Chunks whose {@code _ab_generation_id} is below {@code minimumGenerationId}. */
    record OlderGeneration(long minimumGenerationId) implements StaleFilter {}

    /**
     * Chunks whose {@code _ab_sync_id} differs from this sync's: for overwrite catalogs from platforms
     * that send no generation ids.
     */
    record OtherSync(String syncId) implements StaleFilter {}
}
