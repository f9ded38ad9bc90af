package io.vectorsink.cli;

import io.vectorsink.chunking.Chunker;
import io.vectorsink.config.ConnectorConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.embedding.EmbedderFactory;
import io.vectorsink.embedding.fromfield.FromFieldEmbedder;
import io.vectorsink.error.ConfigException;
import io.vectorsink.mapping.RecordMapper;
import io.vectorsink.pipeline.PipelineParts;
import io.vectorsink.store.VectorStore;
import io.vectorsink.store.chroma.ChromaVectorStore;
import io.vectorsink.store.milvus.MilvusVectorStore;
import io.vectorsink.store.opensearch.OpenSearchVectorStore;
import io.vectorsink.store.pinecone.PineconeVectorStore;
import io.vectorsink.store.qdrant.QdrantVectorStore;
import io.vectorsink.store.weaviate.WeaviateVectorStore;

/** The one place that knows every embedder and store implementation and wires them from the config. */
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

    static VectorStore store(ConnectorConfig config) {
        if (config.indexing() instanceof IndexingConfig.Chroma chroma) {
            return new ChromaVectorStore(chroma, config.advanced());
        }
        if (config.indexing() instanceof IndexingConfig.OpenSearch openSearch) {
            return new OpenSearchVectorStore(openSearch, config.advanced());
        }
        if (config.indexing() instanceof IndexingConfig.Qdrant qdrant) {
            return new QdrantVectorStore(qdrant, config.advanced());
        }
        if (config.indexing() instanceof IndexingConfig.Pinecone pinecone) {
            return new PineconeVectorStore(pinecone, config.advanced());
        }
        if (config.indexing() instanceof IndexingConfig.Milvus milvus) {
            return new MilvusVectorStore(milvus, config.advanced());
        }
        if (config.indexing() instanceof IndexingConfig.Weaviate weaviate) {
            return new WeaviateVectorStore(weaviate, config.advanced());
        }
        throw new IllegalStateException(
                "no store for " + config.indexing().getClass().getSimpleName());
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
