package io.vectorsink.config;

import io.vectorsink.error.ConfigException;
import java.util.List;
import java.util.Objects;

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
        /** Every local model, the default first; the spec's {@code model} enum lists the same. */
        public static final List<String> MODELS = List.of(MINILM, BGE_SMALL);

        public Local {
            Objects.requireNonNull(model, "model");
            if (!MODELS.contains(model)) {
                throw new ConfigException("model must be one of " + String.join(", ", MODELS));
            }
        }
    }

    /**
     * A deterministic embedder for tests and dry runs: the same text always gives the same unit vector.
     *
     * @param dimensions vector length, 1 to 4096
     */
    record Fake(int dimensions) implements EmbeddingConfig {
        public Fake {
            if (dimensions < 1 || dimensions > 4096) {
                throw new ConfigException("dimensions must be between 1 and 4096");
            }
        }
    }
}
