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

    /**
     * Counts of many ranges of one {@code text}, each equal to {@link #count} of the range's substring. The
     * chunker counts every piece it considers (every word of a text without line breaks); a counter that can
     * answer those counts from one tokenization of the text overrides this. The default counts each range.
     */
    default RangeCounter ranges(String text) {
        return (start, end) -> count(text.substring(start, end));
    }
}
