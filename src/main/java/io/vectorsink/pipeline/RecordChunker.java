package io.vectorsink.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.chunking.Chunk;
import io.vectorsink.chunking.Chunker;
import io.vectorsink.error.ConfigException;
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
 * Turns one record into the work the store must do: its chunks with ids and metadata, or a delete. Chunk
 * metadata is the connector's own {@code _ab_*} fields (docs/behaviour.md, "From record to chunks"), then the
 * user's fields, then {@code _airbyte_meta} when anything was changed on the way.
 */
final class RecordChunker {
    /** Airbyte's CDC sources mark deleted rows with this field. */
    static final String CDC_DELETED_AT = "_ab_cdc_deleted_at";

    private final RecordMapper mapper;
    private final Chunker chunker;
    private final boolean omitRawText;
    private final String vectorField;
    private final int dimensions;

    /**
     * @param vectorField the field that carries each record's vector ({@code from_field}), or null
     * @param dimensions the length a record's own vector must have
     */
    RecordChunker(RecordMapper mapper, Chunker chunker, boolean omitRawText, String vectorField, int dimensions) {
        this.mapper = mapper;
        this.chunker = chunker;
        this.omitRawText = omitRawText;
        this.vectorField = vectorField;
        this.dimensions = dimensions;
    }

    RecordWork prepare(long ticket, InputMessage.Record record, ConfiguredStream stream) {
        String recordId = mapper.recordId(record, stream);
        boolean keyed = stream.isKeyed();
        JsonNode deletedAt = record.data().get(CDC_DELETED_AT);
        if (keyed && deletedAt != null && !deletedAt.isNull()) {
            return new RecordWork(ticket, stream.id(), recordId, true, false, List.of());
        }
        float[] ownVector = null;
        if (vectorField != null) {
            ownVector = vectorOf(record, stream);
            // The vector is the record's embedding, not text to embed nor metadata to store.
            ObjectNode data = record.data().deepCopy();
            data.remove(vectorField);
            record = new InputMessage.Record(
                    record.lineNumber(), record.stream(), data, record.emittedAt(), record.meta());
        }
        MappedRecord mapped = mapper.map(record, stream);
        List<Chunk> texts = chunker.splitMeasured(mapped.text());
        if (texts.isEmpty()) {
            // a text of separators only still identifies the record
            texts = List.of(Chunk.unmeasured(mapped.text().strip()));
        }
        // Once per record: with many changes (a record of 100,000 fields cut to fit) it is large.
        String airbyteMeta = mapped.changes().isEmpty() ? null : RecordMapper.airbyteMeta(mapped.changes());
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
            metadata.putAll(mapped.metadata());
            if (airbyteMeta != null) {
                metadata.put(RecordMapper.AIRBYTE_META, airbyteMeta);
            }
            Chunk chunk = texts.get(index);
            chunks.add(new PendingChunk(id, chunk, omitRawText ? null : chunk.text(), metadata, ownVector));
        }
        return new RecordWork(ticket, stream.id(), keyed ? recordId : null, false, keyed, chunks);
    }

    /** The record's own vector: a list of exactly {@code dimensions} finite numbers, or a config_error. */
    private float[] vectorOf(InputMessage.Record record, ConfiguredStream stream) {
        JsonNode value = record.data().get(vectorField);
        String where = "Record on input line " + record.lineNumber() + " of stream " + stream.id() + ": field '"
                + vectorField + "' ";
        if (value == null || !value.isArray()) {
            throw new ConfigException(where + "must hold the record's vector as a list of numbers"
                    + (value == null || value.isNull() ? ", but it is missing" : ""));
        }
        if (value.size() != dimensions) {
            throw new ConfigException(
                    where + "holds a vector of " + value.size() + " numbers; embedding.dimensions is " + dimensions);
        }
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            JsonNode number = value.get(i);
            float component = number.isNumber() ? number.floatValue() : Float.NaN;
            if (!Float.isFinite(component)) {
                throw new ConfigException(where + "has a value at position " + i + " that is not a finite number");
            }
            vector[i] = component;
        }
        return vector;
    }
}
