package io.vectorsink.chunking;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Range counts from one tokenization per window of a text, for tokenizers that never make a token across ASCII
 * whitespace: BERT's WordPiece (MiniLM, bge), whose pre-tokenizer cuts the text into words at whitespace before
 * the vocabulary is applied, so each word is tokenized on its own. For such a tokenizer, a range that starts
 * and ends next to whitespace (or at the text's edges) is tokenized exactly into the tokens of any larger such
 * range that lie inside it. One tokenization of a window of a few thousand words then answers the counts of
 * every piece inside it, where the chunker would otherwise call the tokenizer once per word, and gives the
 * tokens of the chunks packed from those pieces without tokenizing them again. Ranges with an edge inside a
 * word (the character fallback, separators that are not whitespace) are counted on their own.
 *
 * <p>Windows are loaded as the pieces are asked for (in text order) and kept for the chunks, up to {@link
 * #MAX_HELD_TOKENS} tokens; past that the oldest are dropped and their chunks tokenized on their own. Not
 * thread-safe: one instance per text being split.
 */
public final class WordBoundedCounts implements RangeCounter {
    /** Characters a window holds at least, beyond the range that made it load: about 3,000 English tokens. */
    static final int WINDOW_CHARS = 16_384;

    /** Tokens of windows kept at most (8 bytes each): a bound on memory for texts of many megabytes. */
    static final int MAX_HELD_TOKENS = 1 << 20;

    /**
     * One tokenization of a window: its tokens (ids when the tokenizer gives them) and where each starts.
     *
     * @param starts the offset (UTF-16 index in the window's text) where each token starts, in order
     * @param tokens the window's tokens, without special tokens; as many as starts
     */
    public record Window(int[] starts, Tokens tokens) {
        public Window {
            if (starts.length != tokens.count()) {
                throw new IllegalArgumentException(starts.length + " token offsets for " + tokens.count() + " tokens");
            }
        }
    }

    /** The tokenizer, with offsets. */
    @FunctionalInterface
    public interface WindowTokenizer {
        /** {@code text}'s tokens and offsets; null if the tokenizer cannot say (its ranges are counted alone). */
        Window tokenize(String text);
    }

    /** A loaded window {@code [start, end)} of the text; {@code starts} null if it could not be tokenized. */
    private record Held(int start, int end, int[] starts, Tokens tokens) {
        int size() {
            return starts == null ? 0 : starts.length;
        }

        /** Tokens of this window that start before {@code offset}. */
        int before(int offset) {
            int index = Arrays.binarySearch(starts, offset);
            if (index < 0) {
                return -index - 1;
            }
            while (index > 0 && starts[index - 1] == offset) {
                index--; // several tokens may start at one character (one that normalises to several)
            }
            return index;
        }
    }

    private final String text;
    private final WindowTokenizer tokenizer;
    private final TokenCounter counter;
    private final TreeMap<Integer, Held> windows = new TreeMap<>();
    private final ArrayDeque<Integer> loadOrder = new ArrayDeque<>();
    private long heldTokens;

    /**
     * @param text the text whose ranges are counted
     * @param tokenizer the tokenizer with offsets; it must never make a token across ' ', tab, CR or LF
     * @param counter the same tokenizer's counter, for ranges with an edge inside a word
     */
    public WordBoundedCounts(String text, WindowTokenizer tokenizer, TokenCounter counter) {
        this.text = Objects.requireNonNull(text, "text");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.counter = Objects.requireNonNull(counter, "counter");
    }

    @Override
    public int count(int start, int end) {
        if (start >= end) {
            return 0;
        }
        if (!wordEdge(start) || !wordEdge(end)) {
            return counter.count(text.substring(start, end));
        }
        Held window = holding(start, end);
        if (window == null) {
            window = load(start, end);
        }
        return window.starts() == null
                ? counter.count(text.substring(start, end))
                : window.before(end) - window.before(start);
    }

    /**
     * The tokens inside {@code [start, end)} of a window already loaded that holds the range, ids included when
     * the tokenizer gives them; null otherwise (no window is loaded for this: the caller tokenizes the range).
     */
    @Override
    public Tokens tokens(int start, int end) {
        if (start >= end || !wordEdge(start) || !wordEdge(end)) {
            return null;
        }
        Held window = holding(start, end);
        if (window == null || window.starts() == null) {
            return null;
        }
        int first = window.before(start);
        int last = window.before(end);
        int[] ids = window.tokens().ids();
        return ids == null
                ? Tokens.counted(last - first)
                : new Tokens(
                        last - first,
                        Arrays.copyOfRange(ids, first, last),
                        window.tokens().vocabulary());
    }

    /** The loaded window that starts last at or before {@code start}, if it reaches {@code end}. */
    private Held holding(int start, int end) {
        Map.Entry<Integer, Held> floor = windows.floorEntry(start);
        return floor != null && floor.getValue().end() >= end ? floor.getValue() : null;
    }

    /** Tokenizes a window from {@code start} that holds {@code end} and ends at a word edge. */
    private Held load(int start, int end) {
        int stop = end;
        if (text.length() - start <= 2 * WINDOW_CHARS) {
            stop = text.length();
        } else if (end - start < WINDOW_CHARS) {
            for (int i = start + WINDOW_CHARS; i <= start + 2 * WINDOW_CHARS; i++) {
                if (wordEdge(i)) {
                    stop = i;
                    break; // without whitespace in reach, the window is the range alone
                }
            }
        }
        Window window = tokenizer.tokenize(text.substring(start, stop));
        Held held = window == null
                ? new Held(start, stop, null, null)
                : new Held(start, stop, shifted(window.starts(), start), window.tokens());
        Held replaced = windows.put(start, held);
        if (replaced != null) {
            heldTokens -= replaced.size();
            loadOrder.remove(start);
        }
        loadOrder.addLast(start);
        heldTokens += held.size();
        while (heldTokens > MAX_HELD_TOKENS && loadOrder.size() > 1) {
            heldTokens -= windows.remove(loadOrder.removeFirst()).size();
        }
        return held;
    }

    private static int[] shifted(int[] offsets, int by) {
        int[] result = new int[offsets.length];
        for (int i = 0; i < offsets.length; i++) {
            result[i] = offsets[i] + by;
        }
        return result;
    }

    /** Whether no token of this tokenizer can span {@code offset}: it is next to whitespace or an edge. */
    private boolean wordEdge(int offset) {
        return offset <= 0
                || offset >= text.length()
                || splitsWords(text.charAt(offset - 1))
                || splitsWords(text.charAt(offset));
    }

    private static boolean splitsWords(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
