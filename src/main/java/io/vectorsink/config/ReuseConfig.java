package io.vectorsink.config;

import java.util.Objects;

/**
 * Whether stored vectors are reused for text that did not change (docs/behaviour.md, "Skipping unchanged
 * records").
 *
 * @param embeddingVersion a salt of the embedding fingerprint ({@code processing.embedding_version}, empty
 *     by default): changing it makes every stored hash differ, so everything is embedded again once
 * @param forceReembed embed every chunk of this sync even where an equal one is stored
 *     ({@code processing.force_reembed}, off by default)
 */
public record ReuseConfig(String embeddingVersion, boolean forceReembed) {
    public ReuseConfig {
        Objects.requireNonNull(embeddingVersion, "embeddingVersion");
    }

    /** Reuse on, no salt: the defaults. */
    public static ReuseConfig defaults() {
        return new ReuseConfig("", false);
    }
}
