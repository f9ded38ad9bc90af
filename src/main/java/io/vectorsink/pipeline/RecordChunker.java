package io.vectorsink.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.chunking.Chunker;
import io.vectorsink.mapping.MappedRecord;
import io.vectorsink.mapping.RecordIds;
import io.vectorsink.mapping.RecordMapper;
import io.vectorsink.protocol.ConfiguredStream;
import io.vectorsink.protocol.InputMessage;
import io.vectorsink.store.PointIds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one record into the work the store must do: its chunks with ids and metadata, or a delete.
 * Chunk metadata is the connector's own {@code _ab_*} fields (DESIGN §3), then the user's fields, then
 * {@code _airbyte_meta} when anything was changed on the way.
 */
final class RecordChunker {
    /** Airbyte's CDC sources mark deleted rows with this field. */
    static final String CDC_DELETED_AT = "_ab_cdc_deleted_at";

    private final RecordMapper mapper;
    private final Chunker chunker;
    private final boolean omitRawText;

    RecordChunker(RecordMapper mapper, Chunker chunker, boolean omitRawText) {
        this.mapper = mapper;
        this.chunker = chunker;
        this.omitRawText = omitRawText;
    }

    RecordWork prepare(long ticket, InputMessage.Record record, ConfiguredStream stream) {
        String recordId = stream.primaryKey().isEmpty()
                ? null
                : RecordIds.of(stream.id(), stream.primaryKey(), record.data(), record.lineNumber());
        boolean keyed = stream.isKeyed();
        JsonNode deletedAt = record.data().get(CDC_DELETED_AT);
        if (keyed && deletedAt != null && !deletedAt.isNull()) {
            return new RecordWork(ticket, stream.id(), recordId, true, false, List.of());
        }
        MappedRecord mapped = mapper.map(record, stream);
        List<String> texts = chunker.split(mapped.text());
        if (texts.isEmpty()) {
            texts = List.of(mapped.text().strip()); // a text of separators only still identifies the record
        }
        List<PendingChunk> chunks = new ArrayList<>(texts.size());
        for (int index = 0; index < texts.size(); index++) {
            String id = keyed ? PointIds.forChunk(recordId, index) : PointIds.random();
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("_ab_stream", stream.id().airbyteName());
            metadata.put("_ab_namespace", stream.id().namespaceOrEmpty());
            if (recordId != null) {
                metadata.put("_ab_record_id", recordId);
            }
            metadata.put("_ab_chunk_index", (long) index);
            metadata.put("_ab_chunk_count", (long) texts.size());
            metadata.put("_ab_generation_id", stream.generationId());
            metadata.put("_ab_extracted_at", record.emittedAt());
            metadata.put("_ab_sync_id", stream.syncId());
            metadata.putAll(mapped.metadata());
            if (!mapped.changes().isEmpty()) {
                metadata.put(RecordMapper.AIRBYTE_META, RecordMapper.airbyteMeta(mapped.changes()));
            }
            String text = texts.get(index);
            chunks.add(new PendingChunk(id, text, omitRawText ? null : text, metadata));
        }
        return new RecordWork(ticket, stream.id(), keyed ? recordId : null, false, keyed, chunks);
    }
}
