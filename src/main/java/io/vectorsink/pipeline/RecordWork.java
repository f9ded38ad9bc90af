package io.vectorsink.pipeline;

import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.StaleFilter;
import java.util.List;

/**
 * What one record asks of the store, with the ledger ticket that is acknowledged once it is done.
 *
 * @param recordId the record's identity for keyed streams, null otherwise
 * @param delete a CDC delete: remove every chunk of the record, write none
 * @param trim whether chunks of older versions beyond the new chunk count must be removed (keyed streams)
 * @param recordHash the record's {@code _ab_record_hash}, null for a delete
 * @param staleFilter what the stream's completion removes (an overwrite or refresh), null when it removes
 *     nothing: an unchanged record's stored chunks must then be moved out of its reach
 */
record RecordWork(
        long ticket,
        StreamId stream,
        String recordId,
        boolean delete,
        boolean trim,
        List<PendingChunk> chunks,
        String recordHash,
        StaleFilter staleFilter) {
    RecordWork {
        chunks = List.copyOf(chunks);
    }

    RecordWork(long ticket, StreamId stream, String recordId, boolean delete, boolean trim, List<PendingChunk> chunks) {
        this(ticket, stream, recordId, delete, trim, chunks, null, null);
    }
}
