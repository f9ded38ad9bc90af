package io.vectorsink.chunking;

/** Token counts of ranges of one text, as {@link TokenCounter#count} counts each range's substring. */
@FunctionalInterface
public interface RangeCounter {
    /** Tokens of the text's {@code [start, end)}. */
    int count(int start, int end);

    /**
     * The tokens of {@code [start, end)} as {@link TokenCounter#tokenize} gives them for the range's substring,
     * when this counter already holds them; null when the range must be tokenized on its own.
     */
    default Tokens tokens(int start, int end) {
        return null;
    }
}
