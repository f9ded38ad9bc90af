package io.vectorsink.store.pinecone;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Pinecone vector ids: {@code <record key>#<chunk index>#<chunk id>}, where the record key is the first 16
 * hex digits of the SHA-256 of the record id. The prefix lets a serverless index that refuses deletes by
 * metadata filter still find a record's chunks ({@code /vectors/list?prefix=<record key>#}) and their
 * chunk indexes without reading metadata; the chunk id (the pipeline's UUID) keeps the id deterministic.
 */
final class PineconeIds {
    private PineconeIds() {}

    /** The Pinecone id of chunk {@code chunkId} at {@code chunkIndex} of record {@code recordId}. */
    static String vectorId(String recordId, long chunkIndex, String chunkId) {
        return recordPrefix(recordId) + chunkIndex + "#" + chunkId;
    }

    /** The prefix every chunk of {@code recordId} has, ending with {@code #}. */
    static String recordPrefix(String recordId) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        byte[] hash = sha.digest(recordId.getBytes(StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder(17);
        for (int i = 0; i < 8; i++) {
            hex.append(Character.forDigit((hash[i] >> 4) & 0xf, 16)).append(Character.forDigit(hash[i] & 0xf, 16));
        }
        return hex.append('#').toString();
    }

    /** The chunk id inside a Pinecone id (the id itself when it has no vectorsink prefix). */
    static String chunkId(String vectorId) {
        int last = vectorId.lastIndexOf('#');
        return last < 0 ? vectorId : vectorId.substring(last + 1);
    }

    /** The chunk index inside a Pinecone id, or -1 when the id has no vectorsink prefix. */
    static long chunkIndex(String vectorId) {
        int first = vectorId.indexOf('#');
        int last = vectorId.lastIndexOf('#');
        if (first < 0 || last == first) {
            return -1;
        }
        try {
            return Long.parseLong(vectorId.substring(first + 1, last));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
