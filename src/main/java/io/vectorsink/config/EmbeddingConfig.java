package io.vectorsink.config;

/** Which model turns chunks into vectors. */
public sealed interface EmbeddingConfig {
    /**
     * An in-process ONNX model: no key, no network.
     *
     * @param model {@code all-minilm-l6-v2-q} (384 dimensions, the default) or {@code bge-small-en-v1.5-q}
     *     (384 dimensions)
     */
    record Local(String model) implements EmbeddingConfig {
        public static final String MINILM = "all-minilm-l6-v2-q";
        public static final String BGE_SMALL = "bge-small-en-v1.5-q";
    }

    /**
     * A deterministic embedder for tests and dry runs: the same text always gives the same unit vector.
     *
     * @param dimensions vector length, 1 to 4096
     */
    record Fake(int dimensions) implements EmbeddingConfig {}
}
