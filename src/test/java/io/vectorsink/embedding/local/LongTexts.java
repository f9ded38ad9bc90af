package io.vectorsink.embedding.local;

import io.vectorsink.chunking.TokenCounter;

/** Builds texts of a known token length from common words, each one WordPiece token long. */
final class LongTexts {
    private static final String[] WORDS = ("the river runs past an old mill where farmers bring grain every autumn and"
                    + " the miller keeps careful records of each sack in a leather book that his grandfather started"
                    + " long ago")
            .split(" ");

    private LongTexts() {}

    /** Exactly {@code tokens} tokens of prose-like filler, checked with {@code counter}. */
    static String ofTokens(int tokens, TokenCounter counter) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < tokens; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(WORDS[i % WORDS.length]);
        }
        String result = text.toString();
        int counted = counter.count(result);
        if (counted != tokens) {
            throw new IllegalStateException("filler has " + counted + " tokens, not " + tokens);
        }
        return result;
    }
}
