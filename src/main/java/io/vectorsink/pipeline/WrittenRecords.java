package io.vectorsink.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The keyed records this sync has already planned a write of, so that a later version of one is never
 * judged by a lookup that may not yet show the earlier write (a write still in flight, or a store that
 * reads stale). Such a record is embedded in full, as before skipping existed: a record sent twice in one
 * sync costs its embedding again, never a missed change.
 *
 * <p>Memory is bounded: a Bloom filter of fixed size ({@link #BITS} bits, 1 MiB) and {@link #HASHES} hash
 * functions. A false positive only embeds a record that could have been skipped; there are no false
 * negatives. With a million records in one sync about 3% of later records are embedded needlessly, with
 * 100,000 almost none.
 *
 * <p>Used by the single thread that submits batches; not thread-safe.
 */
final class WrittenRecords {
    static final int BITS = 1 << 23;
    static final int HASHES = 4;

    private final long[] words = new long[BITS / Long.SIZE];
    private final MessageDigest sha;

    WrittenRecords() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** Whether a write of {@code recordId} may have been planned before (never false when it was). */
    boolean mayContain(String recordId) {
        long[] hashes = hashes(recordId);
        for (int i = 0; i < HASHES; i++) {
            int bit = bit(hashes, i);
            if ((words[bit >>> 6] & (1L << bit)) == 0) {
                return false;
            }
        }
        return true;
    }

    void add(String recordId) {
        long[] hashes = hashes(recordId);
        for (int i = 0; i < HASHES; i++) {
            int bit = bit(hashes, i);
            words[bit >>> 6] |= 1L << bit;
        }
    }

    /** Double hashing (Kirsch and Mitzenmacher): the i-th position is h1 + i * h2. */
    private static int bit(long[] hashes, int i) {
        return (int) Math.floorMod(hashes[0] + i * hashes[1], (long) BITS);
    }

    private long[] hashes(String recordId) {
        byte[] digest = sha.digest(recordId.getBytes(StandardCharsets.UTF_8));
        long h1 = 0;
        long h2 = 0;
        for (int i = 0; i < 8; i++) {
            h1 = (h1 << 8) | (digest[i] & 0xff);
            h2 = (h2 << 8) | (digest[8 + i] & 0xff);
        }
        return new long[] {h1, h2 | 1};
    }
}
