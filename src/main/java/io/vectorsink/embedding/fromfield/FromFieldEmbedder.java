package io.vectorsink.embedding.fromfield;

import io.vectorsink.chunking.TokenCounter;
import io.vectorsink.chunking.WordCounter;
import io.vectorsink.config.EmbeddingConfig;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.embedding.EmbeddingModel;
import io.vectorsink.error.SystemException;
import java.util.List;

/**
 * The embedder for vectors that come with the records ({@code embedding.mode = from_field}). It computes
 * nothing: the pipeline reads each record's vector from {@link #fieldName()} and gives it to every chunk of
 * that record. It exists so that the rest of the connector (dimension checks, chunk sizes) sees one shape.
 */
public final class FromFieldEmbedder implements Embedder {
    /** Chunks are not bounded by a model window; this only keeps the chunk_size check meaningful. */
    private static final int MAX_INPUT_TOKENS = 1_000_000;

    private final EmbeddingConfig.FromField config;

    public FromFieldEmbedder(EmbeddingConfig.FromField config) {
        this.config = config;
    }

    /** The top-level record field that holds each record's vector. */
    public String fieldName() {
        return config.fieldName();
    }

    @Override
    public int dimensions() {
        return config.dimensions();
    }

    /** The record field stands for the model: the source decides what its vectors are. */
    @Override
    public EmbeddingModel embeddingModel() {
        return EmbeddingModel.of("from_field", config.fieldName(), config.dimensions());
    }

    @Override
    public int maxInputTokens() {
        return MAX_INPUT_TOKENS;
    }

    @Override
    public TokenCounter tokenCounter() {
        return WordCounter.INSTANCE;
    }

    @Override
    public int maxBatchSize() {
        return 1024;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        throw new SystemException("from_field vectors come with the records; nothing may ask to compute one");
    }

    @Override
    public String description() {
        return "vectors from record field '" + config.fieldName() + "' (" + config.dimensions() + " dims)";
    }
}
