package io.vectorsink.protocol;

import java.util.List;

/**
 * One stream of the configured catalog, reduced to what the destination acts on.
 *
 * @param primaryKey key paths (each a list of field names), empty when the stream has none
 * @param generationId this sync's generation of the stream's data (0 when the platform sends none)
 * @param minimumGenerationId chunks of older generations are removed once the stream is COMPLETE (0: never)
 * @param generationIdsPresent whether the catalog carried generation ids at all (older platforms do not)
 * @param syncId the catalog's {@code sync_id}; else the platform's job id, which every attempt of the sync
 *     shares; else a random id of this run
 * @param syncIdSharedByAttempts whether {@code syncId} is the same in every attempt of this sync (it came
 *     from the catalog or the platform's job id), so that chunks of another sync id cannot be this sync's
 */
public record ConfiguredStream(
        StreamId id,
        DestinationSyncMode syncMode,
        List<List<String>> primaryKey,
        long generationId,
        long minimumGenerationId,
        boolean generationIdsPresent,
        String syncId,
        boolean syncIdSharedByAttempts) {
    public ConfiguredStream {
        primaryKey = primaryKey.stream().map(List::copyOf).toList();
    }

    /**
     * Whether chunks are addressed by record identity: re-sending a record replaces its chunks. True for
     * append_dedup and overwrite streams with a primary key; append keeps every version.
     */
    public boolean isKeyed() {
        return !primaryKey.isEmpty() && syncMode != DestinationSyncMode.APPEND;
    }

    /** The Airbyte destination sync modes this connector supports. */
    public enum DestinationSyncMode {
        APPEND,
        APPEND_DEDUP,
        OVERWRITE
    }
}
