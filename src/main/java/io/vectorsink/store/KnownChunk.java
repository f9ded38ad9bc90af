package io.vectorsink.store;

import java.util.Map;
import java.util.Objects;

/**
 * One stored chunk as {@link VectorStore#lookup} reads it: its connector fields, without vector or text.
 *
 * @param id the chunk's point id
 * @param recordId its {@link ChunkFields#RECORD_ID}
 * @param chunkIndex its {@link ChunkFields#CHUNK_INDEX}
 * @param chunkCount its {@link ChunkFields#CHUNK_COUNT}
 * @param chunkHash its {@link ChunkFields#CHUNK_HASH}, or null when a version without hashes wrote it
 * @param recordHash its {@link ChunkFields#RECORD_HASH}, or null when a version without hashes wrote it
 * @param generationId its {@link ChunkFields#GENERATION_ID}, or null when it has none
 * @param syncId its {@link ChunkFields#SYNC_ID}, or null when it has none
 */
public record KnownChunk(
        String id,
        String recordId,
        int chunkIndex,
        int chunkCount,
        String chunkHash,
        String recordHash,
        Long generationId,
        String syncId) {
    public KnownChunk {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(recordId, "recordId");
    }

    /**
     * The chunk {@code id} as its stored metadata describe it (integers as {@link Number}s, as the stores hand
     * them out), or null when the metadata lack a record id or chunk index, which vectorsink always writes: such
     * a point is not one of its chunks.
     */
    public static KnownChunk fromMetadata(String id, Map<String, Object> metadata) {
        if (!(metadata.get(ChunkFields.RECORD_ID) instanceof String recordId)
                || !(metadata.get(ChunkFields.CHUNK_INDEX) instanceof Number index)) {
            return null;
        }
        return new KnownChunk(
                id,
                recordId,
                index.intValue(),
                metadata.get(ChunkFields.CHUNK_COUNT) instanceof Number count ? count.intValue() : -1,
                text(metadata.get(ChunkFields.CHUNK_HASH)),
                text(metadata.get(ChunkFields.RECORD_HASH)),
                metadata.get(ChunkFields.GENERATION_ID) instanceof Number generation ? generation.longValue() : null,
                text(metadata.get(ChunkFields.SYNC_ID)));
    }

    private static String text(Object value) {
        return value instanceof String s ? s : null;
    }
}
