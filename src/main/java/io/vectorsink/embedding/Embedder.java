package io.vectorsink.embedding;

import io.vectorsink.chunking.Chunk;
import io.vectorsink.chunking.TokenCounter;
import java.util.List;

/**
 * Turns texts into vectors. Implementations are thread-safe: the pipeline calls {@link #embed} from
 * several threads at once, up to {@code embedding_concurrency}.
 */
public interface Embedder extends AutoCloseable {
    /** Length of every vector this embedder returns. */
    int dimensions();

    /** The provider, model and parameters that make this embedder's vectors what they are. */
    EmbeddingModel embeddingModel();

    /**
     * The most tokens (as {@link #tokenCounter()} counts them) of one input that the model really sees.
     * The config check rejects a {@code chunk_size} above it, so no chunk is ever truncated silently.
     */
    int maxInputTokens();

    /** The tokenizer that chunk sizes are measured with. */
    TokenCounter tokenCounter();

    /**
     * How many inputs one request to the model carries at most (a remote provider's inputs per request, a
     * local model's texts per run). {@link #embed} takes any number and splits them itself.
     */
    int maxBatchSize();

    /**
     * Embeds every text, in order: element {@code i} of the result is the vector of {@code texts.get(i)}.
     *
     * @throws io.vectorsink.error.ConnectorException when the provider fails for good
     */
    List<float[]> embed(List<String> texts);

    /**
     * Embeds chunks as the chunker measured them, in order. An embedder whose {@link #tokenCounter()} hands
     * out token ids runs those ids instead of tokenizing the text again; the default embeds the texts.
     */
    default List<float[]> embedChunks(List<Chunk> chunks) {
        return embed(chunks.stream().map(Chunk::text).toList());
    }

    /** A short, secret-free description for logs, e.g. {@code local all-minilm-l6-v2-q (384 dims)}. */
    String description();

    /**
     * Proves that this embedder can embed, for the {@code check} command: a remote provider makes one
     * minimal call with a short retry bound and verifies the key, the model and the vector length. The
     * default has nothing to verify (an in-process model that loaded works).
     *
     * @throws io.vectorsink.error.ConnectorException with a plain-words explanation of what is wrong
     */
    default void check() {}

    @Override
    default void close() {}
}
