package io.vectorsink.chunking;

/**
 * Counts tokens the way the embedding model will. Chunk sizes are in these tokens, so that a chunk the
 * chunker accepts is one the model embeds whole. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface TokenCounter {
    /** Number of tokens in {@code text}, excluding any special tokens the model adds around an input. */
    int count(String text);

    /**
     * The tokens of {@code text}: a counter whose tokenizer produces ids returns them, so that the chunk it
     * measured reaches the model without a second tokenization. The default only counts.
     */
    default Tokens tokenize(String text) {
        return Tokens.counted(count(text));
    }
}
