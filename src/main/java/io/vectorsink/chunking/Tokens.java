package io.vectorsink.chunking;

/**
 * How a tokenizer cut one text: its token count and, when the tokenizer hands them out, the token ids
 * (without the special tokens a model adds around an input). The ids let the embedder run a chunk as the
 * chunker measured it, instead of tokenizing it again.
 *
 * @param count tokens of the text, as {@link TokenCounter#count} counts them
 * @param ids the token ids ({@code ids.length == count}), or null when the counter only counts
 * @param vocabulary who made the ids: an embedder uses them only if they are from its own tokenizer
 */
public record Tokens(int count, int[] ids, Object vocabulary) {
    public Tokens {
        if (count < 0) {
            throw new IllegalArgumentException("a token count cannot be negative: " + count);
        }
        if (ids != null && ids.length != count) {
            throw new IllegalArgumentException(ids.length + " token ids for a count of " + count);
        }
    }

    /** A count without ids. */
    public static Tokens counted(int count) {
        return new Tokens(count, null, null);
    }

    /** Whether these are ids made by {@code tokenizer}'s vocabulary. */
    public boolean idsFrom(Object tokenizer) {
        return ids != null && vocabulary == tokenizer;
    }
}
