package io.vectorsink.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Chunk ids. A chunk of a keyed record gets a name-based UUID (RFC 9562 version 5, SHA-1) of its record
 * id and chunk index, so re-sending a record overwrites its chunks instead of adding copies; UUIDs are
 * the one id form every store accepts (Qdrant and Weaviate take nothing else).
 */
public final class PointIds {
    /** The namespace of all vectorsink ids (a fixed, random UUID). */
    private static final UUID NAMESPACE = UUID.fromString("9b1f5a4e-3c1d-4f7e-8a2b-6d0c5e4f3a21");

    private PointIds() {}

    /** The id of chunk {@code chunkIndex} of the record with id {@code recordId}. */
    public static String forChunk(String recordId, int chunkIndex) {
        // The separator cannot occur in a JSON array text, so (id, index) pairs never collide.
        return nameBased(recordId + "\u0000" + chunkIndex).toString();
    }

    /** A random id, for chunks of records that have no primary key (append without a key). */
    public static String random() {
        return UUID.randomUUID().toString();
    }

    static UUID nameBased(String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
        sha1.update(toBytes(NAMESPACE));
        byte[] hash = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (hash[i] & 0xff);
            lsb = (lsb << 8) | (hash[i + 8] & 0xff);
        }
        return new UUID(msb, lsb);
    }

    private static byte[] toBytes(UUID uuid) {
        byte[] bytes = new byte[16];
        long msb = uuid.getMostSignificantBits();
        long lsb = uuid.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (msb >>> (56 - 8 * i));
            bytes[i + 8] = (byte) (lsb >>> (56 - 8 * i));
        }
        return bytes;
    }
}
