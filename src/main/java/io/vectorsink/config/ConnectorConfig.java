package io.vectorsink.config;

import java.util.Objects;

/**
 * The validated, immutable connector configuration. Built only by {@link ConfigParser}, which checks
 * the raw JSON against the spec and the rules between fields and reports every problem at once.
 *
 * @param omitRawText when true, chunk text is not stored next to the vector
 * @param reuse whether stored vectors are reused for unchanged text
 */
public record ConnectorConfig(
        ProcessingConfig processing,
        EmbeddingConfig embedding,
        IndexingConfig indexing,
        boolean omitRawText,
        AdvancedConfig advanced,
        ReuseConfig reuse) {
    public ConnectorConfig {
        Objects.requireNonNull(processing, "processing");
        Objects.requireNonNull(embedding, "embedding");
        Objects.requireNonNull(indexing, "indexing");
        Objects.requireNonNull(advanced, "advanced");
        Objects.requireNonNull(reuse, "reuse");
    }
}
