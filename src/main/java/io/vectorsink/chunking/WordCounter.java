package io.vectorsink.chunking;

/**
 * Counts runs of non-whitespace characters: the token count for embedders that have no tokenizer of their
 * own (the fake embedder, vectors that come with the records).
 */
public final class WordCounter implements TokenCounter {
    public static final WordCounter INSTANCE = new WordCounter();

    private WordCounter() {}

    @Override
    public int count(String text) {
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            boolean whitespace = Character.isWhitespace(codePoint);
            if (!whitespace && !inWord) {
                words++;
            }
            inWord = !whitespace;
            i += Character.charCount(codePoint);
        }
        return words;
    }
}
