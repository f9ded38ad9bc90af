package io.vectorsink.embedding.fake;

import io.vectorsink.chunking.TokenCounter;
import io.vectorsink.chunking.WordCounter;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.embedding.EmbeddingModel;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.SystemException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A deterministic, dependency-free embedder for tests and dry runs.
 *
 * <p>The vector of a text is a pure function of its UTF-8 bytes, identical in every JVM and on every
 * platform: the SHA-256 of the bytes seeds a SplitMix64 sequence, each 64-bit output gives one
 * component uniform in [-1, 1), and the vector is scaled to unit length. Different texts give unrelated
 * vectors (two texts collide only if their SHA-256 digests share the first 64 bits); the vectors carry
 * no meaning.
 *
 * <p>Tokens are whitespace-separated words ({@link Character#isWhitespace}), so chunk sizes are in
 * words. Inputs up to {@value #MAX_INPUT_TOKENS} words are accepted.
 */
public final class FakeEmbedder implements Embedder {
    /** The most dimensions accepted, matching the largest hosted models. */
    public static final int MAX_DIMENSIONS = 4096;

    private static final int MAX_INPUT_TOKENS = 8192;
    private static final int MAX_BATCH_SIZE = 128;
    private static final TokenCounter WORDS = WordCounter.INSTANCE;

    private final int dimensions;

    /**
     * @param dimensions vector length, 1 to {@value #MAX_DIMENSIONS}
     * @throws ConfigException when {@code dimensions} is out of range
     */
    public FakeEmbedder(int dimensions) {
        if (dimensions < 1 || dimensions > MAX_DIMENSIONS) {
            throw new ConfigException(
                    "embedding.dimensions for mode fake must be 1 to " + MAX_DIMENSIONS + ", got " + dimensions);
        }
        this.dimensions = dimensions;
    }

    @Override
    public int dimensions() {
        return dimensions;
    }

    @Override
    public EmbeddingModel embeddingModel() {
        return EmbeddingModel.of("fake", "sha256-seeded", dimensions);
    }

    @Override
    public int maxInputTokens() {
        return MAX_INPUT_TOKENS;
    }

    /** Counts maximal runs of non-whitespace characters. */
    @Override
    public TokenCounter tokenCounter() {
        return WORDS;
    }

    @Override
    public int maxBatchSize() {
        return MAX_BATCH_SIZE;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (String text : texts) {
            vectors.add(vectorOf(Objects.requireNonNull(text, "text")));
        }
        return vectors;
    }

    @Override
    public String description() {
        return "fake (" + dimensions + " dims)";
    }

    private float[] vectorOf(String text) {
        long state =
                ByteBuffer.wrap(sha256(text.getBytes(StandardCharsets.UTF_8))).getLong();
        float[] vector = new float[dimensions];
        double squares = 0;
        for (int i = 0; i < dimensions; i++) {
            state += 0x9E3779B97F4A7C15L;
            // The top 24 bits of a SplitMix64 output, scaled to [-1, 1): exact in a float.
            float component = (splitMix64(state) >>> 40) / (float) (1 << 23) - 1f;
            vector[i] = component;
            squares += (double) component * component;
        }
        if (squares == 0) {
            // Not reachable in practice (every component would have to be exactly 0); keep a unit vector.
            vector[0] = 1f;
            return vector;
        }
        float inverseNorm = (float) (1 / Math.sqrt(squares));
        for (int i = 0; i < dimensions; i++) {
            vector[i] *= inverseNorm;
        }
        return vector;
    }

    /** The SplitMix64 output function (Steele, Lea and Flood, 2014). */
    private static long splitMix64(long state) {
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 (java.security.MessageDigest Javadoc).
            throw new SystemException("SHA-256 is unavailable in this Java runtime", e);
        }
    }
}
