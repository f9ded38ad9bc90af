package io.vectorsink.chunking;

/**
 * Counts tokens the way the embedding model will. Chunk sizes are in these tokens, so that a chunk the
 * chunker accepts is one the model embeds whole. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface TokenCounter {
    /** Number of tokens in {@code text}, excluding any special tokens the model adds around an input. */
    int count(String text);
}
