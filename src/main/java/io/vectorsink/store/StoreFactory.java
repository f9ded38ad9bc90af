package io.vectorsink.store;

import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.embedding.EmbeddingModel;
import io.vectorsink.error.SystemException;
import io.vectorsink.store.chroma.ChromaVectorStore;
import io.vectorsink.store.milvus.MilvusVectorStore;
import io.vectorsink.store.opensearch.OpenSearchVectorStore;
import io.vectorsink.store.pinecone.PineconeVectorStore;
import io.vectorsink.store.qdrant.QdrantVectorStore;
import io.vectorsink.store.weaviate.WeaviateVectorStore;

/** Builds the {@link VectorStore} that an {@link IndexingConfig} describes: the one place that knows every store. */
public final class StoreFactory {
    private StoreFactory() {}

    /**
     * A store on the shared connection pool, with {@code advanced}'s request timeout, retry bound and http
     * rule; the caller closes it. Does no I/O: {@link VectorStore#check} and {@link VectorStore#prepare} do.
     *
     * @throws io.vectorsink.error.ConfigException when the config names a URL that is not allowed
     */
    public static VectorStore create(IndexingConfig config, AdvancedConfig advanced) {
        if (config instanceof IndexingConfig.Chroma chroma) {
            return new ChromaVectorStore(chroma, advanced);
        }
        if (config instanceof IndexingConfig.OpenSearch openSearch) {
            return new OpenSearchVectorStore(openSearch, advanced);
        }
        if (config instanceof IndexingConfig.Qdrant qdrant) {
            return new QdrantVectorStore(qdrant, advanced);
        }
        if (config instanceof IndexingConfig.Pinecone pinecone) {
            return new PineconeVectorStore(pinecone, advanced);
        }
        if (config instanceof IndexingConfig.Milvus milvus) {
            return new MilvusVectorStore(milvus, advanced);
        }
        if (config instanceof IndexingConfig.Weaviate weaviate) {
            return new WeaviateVectorStore(weaviate, advanced);
        }
        throw new SystemException("no store is implemented for indexing config "
                + config.getClass().getSimpleName());
    }

    /**
     * A store as {@link #create(IndexingConfig, AdvancedConfig)} makes it, that records {@code model} in an
     * index it creates and refuses, in check and write, an index recorded with another model unless
     * {@code advanced.allow_model_change} is set ({@link IndexModel}).
     */
    public static VectorStore create(IndexingConfig config, AdvancedConfig advanced, EmbeddingModel model) {
        VectorStore store = create(config, advanced);
        if (store instanceof RestVectorStore rest) {
            rest.useIndexModel(IndexModel.of(model, advanced.allowModelChange()));
        }
        return store;
    }
}
