package io.vectorsink.chunking;

import java.nio.charset.StandardCharsets;

/** Token counters for tests, standing in for real tokenizers with the properties that matter to the chunker. */
final class Counters {
    private Counters() {}

    /** Maximal runs of non-whitespace code points. */
    static final TokenCounter WORDS = text -> {
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            boolean space = Character.isWhitespace(cp);
            if (!space && !inWord) {
                words++;
            }
            inWord = !space;
            i += Character.charCount(cp);
        }
        return words;
    };

    /** One token per code point, whitespace included. */
    static final TokenCounter CODE_POINTS = text -> text.codePointCount(0, text.length());

    /** Two UTF-8 bytes per token, like a byte-level tokenizer: an emoji is two tokens. */
    static final TokenCounter UTF8_PAIRS = text -> (text.getBytes(StandardCharsets.UTF_8).length + 1) / 2;

    /**
     * Counts a concatenation as more than the sum of its parts (an extra token per 40 characters), like a
     * subword tokenizer whose merges do not add up: packed chunks must be re-checked and re-split.
     */
    static final TokenCounter SUPERADDITIVE = text -> WORDS.count(text) + text.length() / 40;

    /** Deterministic but erratic: not monotonic in the length of the text (up to 3 extra tokens). */
    static final TokenCounter ERRATIC = text -> WORDS.count(text) + (text.hashCode() & 3);
}
