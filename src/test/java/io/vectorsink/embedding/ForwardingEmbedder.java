package io.vectorsink.embedding;

import io.vectorsink.chunking.Chunk;
import io.vectorsink.chunking.TokenCounter;
import java.util.List;

/** A test double that passes every call to a real embedder; a subclass overrides what it watches. */
public abstract class ForwardingEmbedder implements Embedder {
    private final Embedder delegate;

    protected ForwardingEmbedder(Embedder delegate) {
        this.delegate = delegate;
    }

    @Override
    public int dimensions() {
        return delegate.dimensions();
    }

    @Override
    public EmbeddingModel embeddingModel() {
        return delegate.embeddingModel();
    }

    @Override
    public int maxInputTokens() {
        return delegate.maxInputTokens();
    }

    @Override
    public TokenCounter tokenCounter() {
        return delegate.tokenCounter();
    }

    @Override
    public int maxBatchSize() {
        return delegate.maxBatchSize();
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        return delegate.embed(texts);
    }

    @Override
    public List<float[]> embedChunks(List<Chunk> chunks) {
        return delegate.embedChunks(chunks);
    }

    @Override
    public String description() {
        return delegate.description();
    }

    @Override
    public void check() {
        delegate.check();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
