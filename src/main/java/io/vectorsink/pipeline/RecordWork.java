package io.vectorsink.pipeline;

import io.vectorsink.protocol.StreamId;
import java.util.List;

/**
 * What one record asks of the store, with the ledger ticket that is acknowledged once it is done.
 *
 * @param recordId the record's identity for keyed streams, null otherwise
 * @param delete a CDC delete: remove every chunk of the record, write none
 * @param trim whether chunks of older versions beyond the new chunk count must be removed (keyed streams)
 */
record RecordWork(
        long ticket, StreamId stream, String recordId, boolean delete, boolean trim, List<PendingChunk> chunks) {
    RecordWork {
        chunks = List.copyOf(chunks);
    }
}
