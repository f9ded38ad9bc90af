package io.vectorsink.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vectorsink.embedding.EmbeddingModel;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hashes written on every chunk ({@code _ab_chunk_hash}, {@code _ab_record_hash}; docs/behaviour.md,
 * "Skipping unchanged records"). All are SHA-256 over an unambiguous encoding: every part is written with its
 * length in front, after a tag that names what is hashed, so no two different inputs give the same bytes.
 *
 * <ul>
 *   <li>the embedding fingerprint: the model's canonical form ({@link EmbeddingModel#canonical()}) and the
 *       user's version salt;
 *   <li>a chunk hash: the fingerprint and the exact text sent to the model;
 *   <li>a record hash: the fingerprint, the chunk hashes in order, the stored user metadata (keys sorted,
 *       values as canonical JSON, so a string {@code "1"} differs from a number {@code 1}), whether the raw
 *       text is omitted, and the record's own vector for {@code from_field}.
 * </ul>
 */
final class ContentHashes {
    private static final ObjectWriter CANONICAL_JSON =
            Json.MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final byte[] fingerprint;

    private ContentHashes(byte[] fingerprint) {
        this.fingerprint = fingerprint;
    }

    /**
     * The hashes for vectors of {@code model}, salted with {@code versionSalt} (empty by default): changing
     * either changes every hash, so nothing stored before is reused.
     */
    static ContentHashes of(EmbeddingModel model, String versionSalt) {
        Encoder encoder = new Encoder("vectorsink embedding fingerprint v1");
        encoder.text(model.canonical());
        encoder.text(versionSalt == null ? "" : versionSalt);
        return new ContentHashes(encoder.digest());
    }

    /** The embedding fingerprint, hex. */
    String fingerprint() {
        return HexFormat.of().formatHex(fingerprint);
    }

    /** The hash of one chunk: the fingerprint and the exact text the model embeds. */
    String chunkHash(String text) {
        Encoder encoder = new Encoder("vectorsink chunk v1");
        encoder.bytes(fingerprint);
        encoder.text(text);
        return encoder.hex();
    }

    /**
     * The hash of one record as stored.
     *
     * @param chunkHashes its chunks' hashes, in chunk order
     * @param metadata the user metadata as stored (including {@code _airbyte_meta} when present), any order
     * @param omitRawText whether the chunk texts are left out of the store
     * @param ownVector the record's own vector ({@code from_field}), or null when vectors are embedded
     */
    String recordHash(List<String> chunkHashes, Map<String, Object> metadata, boolean omitRawText, float[] ownVector) {
        Encoder encoder = new Encoder("vectorsink record v1");
        encoder.bytes(fingerprint);
        encoder.number(chunkHashes.size());
        chunkHashes.forEach(encoder::text);
        TreeMap<String, Object> sorted = new TreeMap<>(metadata);
        encoder.number(sorted.size());
        for (Map.Entry<String, Object> entry : sorted.entrySet()) {
            encoder.text(entry.getKey());
            encoder.bytes(canonicalJson(entry.getValue()));
        }
        encoder.number(omitRawText ? 1 : 0);
        if (ownVector == null) {
            encoder.number(-1);
        } else {
            encoder.number(ownVector.length);
            ByteBuffer bits = ByteBuffer.allocate(4 * ownVector.length);
            for (float component : ownVector) {
                bits.putInt(Float.floatToIntBits(component));
            }
            encoder.bytes(bits.array());
        }
        return encoder.hex();
    }

    private static byte[] canonicalJson(Object value) {
        try {
            return CANONICAL_JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new SystemException("A metadata value could not be hashed: " + e.getOriginalMessage(), e);
        }
    }

    /** Length-prefixed parts fed into SHA-256. */
    private static final class Encoder {
        private final MessageDigest sha;

        Encoder(String tag) {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                // Every Java platform must provide SHA-256 (java.security.MessageDigest Javadoc).
                throw new SystemException("SHA-256 is not available", e);
            }
            text(tag);
        }

        void text(String value) {
            bytes(value.getBytes(StandardCharsets.UTF_8));
        }

        void bytes(byte[] value) {
            number(value.length);
            sha.update(value);
        }

        void number(long value) {
            sha.update(ByteBuffer.allocate(Long.BYTES).putLong(value).array());
        }

        byte[] digest() {
            return sha.digest();
        }

        String hex() {
            return HexFormat.of().formatHex(digest());
        }
    }
}
