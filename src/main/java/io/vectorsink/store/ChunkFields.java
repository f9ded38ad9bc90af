package io.vectorsink.store;

import java.util.List;

/**
 * The metadata names the connector writes on every chunk, declared once: the pipeline writes them, the
 * record mapper reserves them, and every store filters, indexes or maps them by these names.
 */
public final class ChunkFields {
    /** The stream's name (without its namespace). */
    public static final String STREAM = "_ab_stream";

    /** The stream's namespace, {@code ""} when it has none. */
    public static final String NAMESPACE = "_ab_namespace";

    /** The record's id ({@link io.vectorsink.mapping.RecordIds}), the key of trims and CDC deletes. */
    public static final String RECORD_ID = "_ab_record_id";

    /** The chunk's position in its record, from 0. */
    public static final String CHUNK_INDEX = "_ab_chunk_index";

    /** How many chunks the record has. */
    public static final String CHUNK_COUNT = "_ab_chunk_count";

    /** The stream's generation, for overwrite and refreshes. */
    public static final String GENERATION_ID = "_ab_generation_id";

    /** When the source extracted the record (epoch milliseconds). */
    public static final String EXTRACTED_AT = "_ab_extracted_at";

    /** The sync that wrote the chunk, for overwrites without generation ids. */
    public static final String SYNC_ID = "_ab_sync_id";

    /**
     * SHA-256 (hex) of the embedding fingerprint and the exact text the model embedded for this chunk: a
     * stored vector whose chunk hash equals a new chunk's is that chunk's vector.
     */
    public static final String CHUNK_HASH = "_ab_chunk_hash";

    /**
     * SHA-256 (hex) of the embedding fingerprint, the record's chunk hashes in order, its stored metadata and
     * {@code omit_raw_text}; the same on every chunk of the record: equal record hashes mean nothing to write.
     */
    public static final String RECORD_HASH = "_ab_record_hash";

    /** Every connector field, in the order a chunk's metadata holds them. */
    public static final List<String> ALL = List.of(
            STREAM,
            NAMESPACE,
            RECORD_ID,
            CHUNK_INDEX,
            CHUNK_COUNT,
            GENERATION_ID,
            EXTRACTED_AT,
            SYNC_ID,
            CHUNK_HASH,
            RECORD_HASH);

    /** The key under which stores that keep the chunk text among its metadata (payload, properties) put it. */
    public static final String TEXT = "text";

    private ChunkFields() {}

    /** Refuses any name that is not a connector field: {@link VectorStore#updateOwnFields} changes nothing else. */
    public static void requireOwn(java.util.Collection<String> fields) {
        for (String field : fields) {
            if (!ALL.contains(field)) {
                throw new io.vectorsink.error.SystemException(
                        "updateOwnFields sets only the connector's fields, not " + field);
            }
        }
    }
}
