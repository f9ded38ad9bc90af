package io.vectorsink.store;

import io.vectorsink.protocol.StreamId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A vector database as the pipeline sees it. Every write method returns only once the store has
 * durably acknowledged every item (per the vendor's own acknowledgement rules), and throws otherwise;
 * that return is what lets a STATE be released. Implementations are thread-safe and retry transient
 * failures themselves, within the configured bound.
 *
 * <p>Metadata names the pipeline relies on are {@link ChunkFields}. A store over a REST API extends
 * {@link RestVectorStore}.
 */
public interface VectorStore extends AutoCloseable {
    /**
     * Checks reachability, credentials, and that the target collection either exists with this
     * dimension and the configured metric or can be created. Creates nothing.
     *
     * @throws io.vectorsink.error.ConfigException with a plain-words explanation of what is wrong
     */
    void check(int dimension);

    /**
     * What the last {@link #check} found that is not wrong but worth knowing, such as an existing index that
     * scores with quantized vectors; shown with a successful check. Empty by default.
     */
    default List<String> checkNotes() {
        return List.of();
    }

    /** Creates the collection if it is missing; verifies dimension and metric if it exists. */
    void prepare(int dimension);

    /** Inserts or replaces points by id. */
    void upsert(List<ChunkPoint> points);

    /**
     * For each trim, deletes the chunks of record {@code recordId} whose {@code _ab_chunk_index} is at
     * least {@code fromChunkIndex}: 0 deletes the whole record (CDC delete), n removes what a shorter
     * new version left behind.
     */
    void deleteChunks(List<RecordTrim> trims);

    /** Deletes the chunks of {@code stream} that match {@code filter}. */
    void deleteStale(StreamId stream, StaleFilter filter);

    /**
     * Nearest chunks to {@code vector}.
     *
     * @param stream only this stream's chunks, or all when null
     */
    List<QueryHit> query(float[] vector, int limit, StreamId stream);

    /**
     * What the store holds of these records' chunks, read by {@link ChunkFields#RECORD_ID} (so chunks an
     * earlier, crashed attempt left behind are found too) in one metadata-only request where the API allows,
     * never fetching vectors. A record with nothing stored is absent from the answer. A read may be stale (an
     * eventually consistent store): it may then miss chunks or show older hashes, which only ever costs an
     * extra embedding; it must never show a hash that was not stored.
     *
     * <p>The default knows nothing, so every record is embedded as new. A store that overrides it also
     * overrides {@link #storedVectors} and {@link #updateOwnFields}.
     */
    default Map<String, List<KnownChunk>> lookup(StreamId stream, Collection<String> recordIds) {
        return Map.of();
    }

    /**
     * Whether the index held no chunk when {@link #prepare} ran: then everything in it was written by this
     * run, whose own writes are never judged by a lookup, so the pipeline looks nothing up. False when unknown
     * (the default), which only costs lookups.
     */
    default boolean emptyWhenPrepared() {
        return false;
    }

    /**
     * The stored vectors of these chunk ids, for chunks whose text is unchanged but must be written again
     * (new metadata, shifted positions). An id not found is absent; the caller embeds that chunk instead. The ids
     * are of chunks a {@link #lookup} of this store found (a store may need that lookup to address them: Pinecone's
     * vector ids also hold the record key and chunk index); any other id may be absent.
     */
    default Map<String, float[]> storedVectors(StreamId stream, Collection<String> chunkIds) {
        return Map.of();
    }

    /**
     * Sets the connector's own fields (such as {@link ChunkFields#GENERATION_ID} and {@link
     * ChunkFields#SYNC_ID}) on stored chunks, leaving their vectors, texts and other metadata unchanged: an
     * unchanged record of an overwrite or refresh joins the new generation without being embedded or written
     * again. Returns once the store acknowledged every change, like {@link #upsert}. The ids are of chunks a {@link
     * #lookup} of this store found, as for {@link #storedVectors}.
     */
    default void updateOwnFields(StreamId stream, Collection<String> chunkIds, Map<String, Object> fields) {
        throw new UnsupportedOperationException("this store does not look chunks up, so it never updates them");
    }

    /** What metadata this store can hold. */
    MetadataRules metadataRules();

    @Override
    default void close() {}

    /**
     * Chunks of {@code recordId} at index {@code fromChunkIndex} and above.
     *
     * @param stream the record's stream: the record id already names it, but a store that places streams
     *     apart (Pinecone's namespaces per stream, Weaviate's collections per stream) must know where to look
     */
    record RecordTrim(StreamId stream, String recordId, int fromChunkIndex) {
        public RecordTrim {
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(recordId, "recordId");
        }
    }
}
