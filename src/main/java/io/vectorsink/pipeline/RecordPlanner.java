package io.vectorsink.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.chunking.Chunk;
import io.vectorsink.chunking.Chunker;
import io.vectorsink.mapping.MappedRecord;
import io.vectorsink.mapping.RecordMapper;
import io.vectorsink.protocol.ConfiguredStream;
import io.vectorsink.protocol.InputMessage;
import io.vectorsink.store.ChunkFields;
import io.vectorsink.store.PointIds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans what one record asks of the store: a delete of its key (a CDC delete), or its chunks with their
 * point ids and metadata. The record id comes from the {@link RecordMapper}, a record's own vector from
 * {@link RecordVectors}, the chunk texts from the {@link Chunker}. Chunk metadata is the connector's own
 * {@code _ab_*} fields (docs/behaviour.md, "From record to chunks"), then the user's fields, then
 * {@code _airbyte_meta} when anything was changed on the way.
 */
final class RecordPlanner {
    /** Airbyte's CDC sources mark deleted rows with this field. */
    static final String CDC_DELETED_AT = "_ab_cdc_deleted_at";

    private final RecordMapper mapper;
    private final Chunker chunker;
    private final boolean omitRawText;
    private final RecordVectors ownVectors;
    private final ContentHashes hashes;

    /**
     * @param vectorField the field that carries each record's vector ({@code from_field}), or null
     * @param dimensions the length a record's own vector must have
     * @param hashes the hashes of the embedding model in use, written on every chunk
     */
    RecordPlanner(
            RecordMapper mapper,
            Chunker chunker,
            boolean omitRawText,
            String vectorField,
            int dimensions,
            ContentHashes hashes) {
        this.mapper = mapper;
        this.chunker = chunker;
        this.omitRawText = omitRawText;
        this.ownVectors = vectorField == null ? null : new RecordVectors(vectorField, dimensions);
        this.hashes = hashes;
    }

    RecordWork plan(long ticket, InputMessage.Record record, ConfiguredStream stream) {
        String recordId = mapper.recordId(record, stream);
        boolean keyed = stream.isKeyed() && recordId != null; // an overwrite record without a key value is not
        JsonNode deletedAt = record.data().get(CDC_DELETED_AT);
        if (keyed && deletedAt != null && !deletedAt.isNull()) {
            return new RecordWork(ticket, stream.id(), recordId, true, false, List.of());
        }
        float[] ownVector = null;
        if (ownVectors != null) {
            RecordVectors.Taken taken = ownVectors.take(record, stream);
            ownVector = taken.vector();
            record = taken.rest();
        }
        MappedRecord mapped = mapper.map(record, stream);
        List<Chunk> texts = chunker.splitMeasured(mapped.text());
        if (texts.isEmpty()) {
            // a text of separators only still identifies the record
            texts = List.of(Chunk.unmeasured(mapped.text().strip()));
        }
        // Once per record: with many changes (a record of 100,000 fields cut to fit) it is large.
        String airbyteMeta = mapped.changes().isEmpty() ? null : RecordMapper.airbyteMeta(mapped.changes());
        List<String> chunkHashes = new ArrayList<>(texts.size());
        for (Chunk text : texts) {
            chunkHashes.add(hashes.chunkHash(text.text()));
        }
        Map<String, Object> storedMetadata = new LinkedHashMap<>(mapped.metadata());
        if (airbyteMeta != null) {
            storedMetadata.put(RecordMapper.AIRBYTE_META, airbyteMeta);
        }
        String recordHash = hashes.recordHash(chunkHashes, storedMetadata, omitRawText, ownVector);
        List<PendingChunk> chunks = new ArrayList<>(texts.size());
        for (int index = 0; index < texts.size(); index++) {
            String id = keyed ? PointIds.forChunk(recordId, index) : PointIds.random();
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put(ChunkFields.STREAM, stream.id().airbyteName());
            metadata.put(ChunkFields.NAMESPACE, stream.id().namespaceOrEmpty());
            if (recordId != null) {
                metadata.put(ChunkFields.RECORD_ID, recordId);
            }
            metadata.put(ChunkFields.CHUNK_INDEX, (long) index);
            metadata.put(ChunkFields.CHUNK_COUNT, (long) texts.size());
            metadata.put(ChunkFields.GENERATION_ID, stream.generationId());
            metadata.put(ChunkFields.EXTRACTED_AT, record.emittedAt());
            metadata.put(ChunkFields.SYNC_ID, stream.syncId());
            metadata.put(ChunkFields.CHUNK_HASH, chunkHashes.get(index));
            metadata.put(ChunkFields.RECORD_HASH, recordHash);
            metadata.putAll(storedMetadata);
            Chunk chunk = texts.get(index);
            chunks.add(new PendingChunk(
                    id,
                    chunk,
                    omitRawText ? null : chunk.text(),
                    metadata,
                    ownVector,
                    chunkHashes.get(index),
                    mapped.keyFields()));
        }
        return new RecordWork(
                ticket,
                stream.id(),
                keyed ? recordId : null,
                false,
                keyed,
                chunks,
                recordHash,
                WritePipeline.staleFilter(stream).orElse(null));
    }
}
