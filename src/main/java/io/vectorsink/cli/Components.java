package io.vectorsink.cli;

import io.vectorsink.chunking.Chunker;
import io.vectorsink.config.ConnectorConfig;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.embedding.EmbedderFactory;
import io.vectorsink.embedding.PendingEmbedder;
import io.vectorsink.embedding.fromfield.FromFieldEmbedder;
import io.vectorsink.error.ConfigException;
import io.vectorsink.mapping.RecordMapper;
import io.vectorsink.pipeline.PipelineParts;
import io.vectorsink.store.ChunkFields;
import io.vectorsink.store.MetadataRules;
import io.vectorsink.store.VectorStore;

/**
 * Wires a sync's parts from the config; {@link EmbedderFactory} and {@link io.vectorsink.store.StoreFactory}
 * know the implementations.
 */
final class Components {
    private Components() {}

    static Embedder embedder(ConnectorConfig config) {
        PendingEmbedder pending = startEmbedder(config);
        try {
            return pending.await();
        } catch (RuntimeException e) {
            pending.close();
            throw e;
        }
    }

    /**
     * The embedder, loading in the background if it is a local model, once the chunk size is known to fit
     * it: a config error comes before a model loads or the store is touched.
     */
    static PendingEmbedder startEmbedder(ConnectorConfig config) {
        int chunkSize = config.processing().chunkSize();
        return EmbedderFactory.start(config.embedding(), config.advanced(), (window, description) -> {
            if (chunkSize > window) {
                // A larger chunk would be cut by the model without a trace (docs/architecture.md, invariant 8).
                throw new ConfigException("processing.chunk_size is " + chunkSize + " tokens, but the embedding model ("
                        + description + ") embeds at most " + window + " tokens of one chunk; set chunk_size to "
                        + window + " or less");
            }
        });
    }

    static PipelineParts parts(ConnectorConfig config, Embedder embedder, VectorStore store) {
        var processing = config.processing();
        Chunker chunker = new Chunker(
                processing.textSplitter(), processing.chunkSize(), processing.chunkOverlap(), embedder.tokenCounter());
        MetadataRules rules = store.metadataRules();
        // Without chunk text in the store, a user field named like the text key no longer meets it.
        RecordMapper mapper =
                new RecordMapper(processing, config.omitRawText() ? rules.freeing(ChunkFields.TEXT) : rules);
        String vectorField = embedder instanceof FromFieldEmbedder fromField ? fromField.fieldName() : null;
        return new PipelineParts(mapper, chunker, embedder, config.omitRawText(), vectorField, config.reuse());
    }
}
