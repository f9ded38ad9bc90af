package io.vectorsink.cli;

import io.vectorsink.chunking.Chunker;
import io.vectorsink.config.ConnectorConfig;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.embedding.EmbedderFactory;
import io.vectorsink.embedding.fromfield.FromFieldEmbedder;
import io.vectorsink.error.ConfigException;
import io.vectorsink.mapping.RecordMapper;
import io.vectorsink.pipeline.PipelineParts;
import io.vectorsink.store.VectorStore;

/**
 * Wires a sync's parts from the config; {@link EmbedderFactory} and {@link io.vectorsink.store.StoreFactory}
 * know the implementations.
 */
final class Components {
    private Components() {}

    static Embedder embedder(ConnectorConfig config) {
        Embedder embedder = EmbedderFactory.create(config.embedding(), config.advanced());
        int chunkSize = config.processing().chunkSize();
        if (chunkSize > embedder.maxInputTokens()) {
            embedder.close();
            // A larger chunk would be cut by the model without a trace (docs/architecture.md, invariant 8).
            throw new ConfigException("processing.chunk_size is " + chunkSize + " tokens, but the embedding model ("
                    + embedder.description() + ") embeds at most " + embedder.maxInputTokens()
                    + " tokens of one chunk; set chunk_size to " + embedder.maxInputTokens() + " or less");
        }
        return embedder;
    }

    static PipelineParts parts(ConnectorConfig config, Embedder embedder, VectorStore store) {
        var processing = config.processing();
        Chunker chunker = new Chunker(
                processing.textSplitter(), processing.chunkSize(), processing.chunkOverlap(), embedder.tokenCounter());
        RecordMapper mapper = new RecordMapper(processing, store.metadataRules());
        String vectorField = embedder instanceof FromFieldEmbedder fromField ? fromField.fieldName() : null;
        return new PipelineParts(mapper, chunker, embedder, config.omitRawText(), vectorField);
    }
}
