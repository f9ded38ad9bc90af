package io.vectorsink.embedding;

import io.vectorsink.config.EmbeddingConfig;
import io.vectorsink.embedding.fake.FakeEmbedder;
import io.vectorsink.embedding.local.LocalModel;
import io.vectorsink.embedding.local.LocalOnnxEmbedder;
import io.vectorsink.error.SystemException;

/** Builds the {@link Embedder} that an {@link EmbeddingConfig} describes. */
public final class EmbedderFactory {
    private EmbedderFactory() {}

    /**
     * A ready embedder; the caller closes it. Local models are loaded here (a second or two).
     *
     * @throws io.vectorsink.error.ConfigException when the config names an unknown model or bad dimensions
     * @throws SystemException when a local model cannot be loaded
     */
    public static Embedder create(EmbeddingConfig config) {
        if (config instanceof EmbeddingConfig.Local local) {
            return LocalOnnxEmbedder.load(LocalModel.fromName(local.model()));
        }
        if (config instanceof EmbeddingConfig.Fake fake) {
            return new FakeEmbedder(fake.dimensions());
        }
        throw new SystemException("no embedder is implemented for embedding config "
                + config.getClass().getSimpleName());
    }
}
