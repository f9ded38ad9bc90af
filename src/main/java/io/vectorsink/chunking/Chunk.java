package io.vectorsink.chunking;

/**
 * One chunk of a text with the tokens the chunker measured it by.
 *
 * @param tokens the chunk's tokens (with ids when the counter gives them), or null when it was not measured whole
 */
public record Chunk(String text, Tokens tokens) {
    /** A text without a measurement, for the embedder to tokenize itself. */
    public static Chunk unmeasured(String text) {
        return new Chunk(text, null);
    }
}
