package io.vectorsink.store;

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
}
