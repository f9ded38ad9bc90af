package io.vectorsink.chunking;

import io.vectorsink.chunking.Boundary.Characters;
import io.vectorsink.chunking.Boundary.Literal;
import io.vectorsink.error.ConfigException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The splitting of one text: the recursive splitter, the greedy merger and the character fallback. It produces
 * chunk ranges over the text, never copies of it, so a chunk is exactly the original text between its first and
 * last piece (nothing between pieces is lost or rewritten). One instance per text; not thread-safe.
 */
final class SplitRun {
    /**
     * A chunk candidate {@code [start, end)}; {@code tokens} when its stripped text was already tokenized and
     * found within the model's limit (so the final check can skip it and its ids can be used), null otherwise.
     */
    record Span(int start, int end, Tokens tokens) {
        boolean verified() {
            return tokens != null;
        }
    }

    /** A character window may stop short of the limit by this fraction: it saves token counts, not chunk space. */
    private static final int WINDOW_SLACK_DIVISOR = 16;

    private final String text;
    private final List<Level> levels;
    private final int[] separatorTokens;
    private final TokenCounter counter;
    private final int hardLimit;
    private final List<Span> spans = new ArrayList<>();

    /** Counts of the pieces, made on first use (the character fallback alone does not need them). */
    private RangeCounter pieceCounts;

    /** The tokens of the ranges counted for the current character window, by {@link #key}. */
    private final Map<Long, Tokens> windowTokens = new HashMap<>();

    /**
     * @param separatorTokens per level, the token count of its literal separator (unused for other levels)
     * @param hardLimit the model's chunk size, which no chunk may exceed even when a smaller limit is asked for
     */
    SplitRun(String text, List<Level> levels, int[] separatorTokens, TokenCounter counter, int hardLimit) {
        this.text = text;
        this.levels = levels;
        this.separatorTokens = separatorTokens;
        this.counter = counter;
        this.hardLimit = hardLimit;
    }

    List<Span> spans() {
        return spans;
    }

    /** Splits {@code [from, to)} into chunks of at most {@code limit} tokens sharing up to {@code overlap}. */
    void split(int from, int to, int limit, int overlap) {
        splitRange(from, to, 0, limit, overlap);
    }

    private void splitRange(int from, int to, int firstLevel, int limit, int overlap) {
        for (int index = firstLevel; index < levels.size(); index++) {
            Level level = levels.get(index);
            if (level.boundary() instanceof Characters) {
                break;
            }
            Pieces pieces = new Pieces(text, level, from, to);
            if (!pieces.advance()) {
                continue;
            }
            int firstStart = pieces.start;
            int firstEnd = pieces.end;
            if (!pieces.advance()) {
                continue; // the separator only occurs at the edges: it splits nothing, try the next one
            }
            Merger merger = new Merger(index, limit, overlap);
            feed(merger, firstStart, firstEnd, index, limit, overlap);
            do {
                feed(merger, pieces.start, pieces.end, index, limit, overlap);
            } while (pieces.advance());
            merger.flush();
            return;
        }
        splitByCharacters(from, to, limit, overlap);
    }

    /** Each piece is counted once; small ones go to the merger, oversize ones down to the next level. */
    private void feed(Merger merger, int start, int end, int levelIndex, int limit, int overlap) {
        int tokens = pieceCounts().count(start, end);
        if (tokens <= limit) {
            merger.add(start, end, tokens);
        } else {
            merger.flush();
            splitRange(start, end, levelIndex + 1, limit, overlap);
        }
    }

    /**
     * The tokens of {@code [start, end)} (a stretch without surrounding whitespace), from the piece counts'
     * tokenization when it holds them, otherwise from tokenizing the stretch.
     */
    Tokens tokensOf(int start, int end) {
        Tokens held = pieceCounts().tokens(start, end);
        return held != null ? held : counter.tokenize(text.substring(start, end));
    }

    private RangeCounter pieceCounts() {
        if (pieceCounts == null) {
            pieceCounts = counter.ranges(text);
        }
        return pieceCounts;
    }

    /**
     * The last resort: windows of as many whole characters as fit, measured with the real token counter (so
     * these chunks are verified), each starting with up to {@code overlap} tokens of the previous one.
     */
    void splitByCharacters(int from, int to, int limit, int overlap) {
        int start = Text.skipWhitespace(text, from, to);
        int previousEnd = -1;
        int guess = limit;
        while (start < to) {
            windowTokens.clear();
            int end = windowEnd(start, to, limit, guess);
            if (end <= previousEnd) {
                // The overlap left no room for new text: continue right after the previous window instead.
                start = Text.skipWhitespace(text, previousEnd, to);
                end = windowEnd(start, to, limit, guess);
            }
            Tokens tokens = windowTokens.get(key(start, end));
            spans.add(new Span(start, end, tokens != null ? tokens : measure(start, end)));
            if (Text.skipWhitespace(text, end, to) >= to) {
                return;
            }
            guess = end - start;
            previousEnd = end;
            start = overlap > 0 ? overlapStart(start, end, to, overlap) : Text.skipWhitespace(text, end, to);
        }
    }

    private int windowEnd(int start, int to, int limit, int guess) {
        int length = fitLength(start, to - start, false, limit, guess);
        if (length == 0) {
            // A reduced limit (re-splitting) may be below one character; the model's own limit must still hold.
            int single = start + Character.charCount(text.codePointAt(start));
            if (tokens(start, single) <= hardLimit) {
                return single;
            }
            throw new ConfigException(String.format(
                    "chunk_size %d is too small: a single character of a record's text counts more tokens than"
                            + " that; raise chunk_size",
                    hardLimit));
        }
        int end = start + length;
        if (end < to && !Text.isClusterBoundary(text, end)) {
            // Prefer not to cut an emoji sequence or a letter with its accents; keep the cut if the cluster
            // alone is longer than the window (or, with an unusual tokenizer, the shorter text would not fit).
            int snapped = end;
            while (snapped > start && !Text.isClusterBoundary(text, snapped)) {
                snapped -= Character.charCount(text.codePointBefore(snapped));
            }
            if (snapped > start && tokens(start, snapped) <= limit) {
                end = snapped;
            }
        }
        return end;
    }

    /** Start of the next window: the smallest tail of {@code [start, end)} within {@code overlap} tokens. */
    private int overlapStart(int start, int end, int to, int overlap) {
        int length = fitLength(end, end - start - 1, true, overlap, overlap);
        int next = end - length;
        while (next < end && !Text.isClusterBoundary(text, next)) {
            next += Character.charCount(text.codePointAt(next));
        }
        next = Text.skipWhitespace(text, next, end);
        return next < end ? next : Text.skipWhitespace(text, end, to);
    }

    /**
     * The longest length, at code point boundaries and at most {@code maxLength}, of the range that starts at
     * {@code anchor} (or ends there, when {@code backward}) and holds at most {@code limit} tokens; 0 if not even
     * one code point fits. Secant steps on the token count (tokens grow roughly with length) alternate with
     * bisection, so a window at least 15/16 full is found in a few counts even for odd tokenizers, instead of
     * counting character by character.
     */
    private int fitLength(int anchor, int maxLength, boolean backward, int limit, int guess) {
        if (maxLength <= 0) {
            return 0;
        }
        int slack = limit / WINDOW_SLACK_DIVISOR;
        int good = 0;
        int bad = Integer.MAX_VALUE;
        long candidate = Math.max(1, Math.min(guess, maxLength));
        for (int round = 0; ; round++) {
            int length = (int) candidate;
            if (splitsPair(anchor, length, backward)) {
                length--;
            }
            if (length <= good) {
                length = good + codePointLength(anchor, good, backward);
            }
            if (length >= bad || length > maxLength) {
                return good;
            }
            int tokens = backward ? tokens(anchor - length, anchor) : tokens(anchor, anchor + length);
            if (tokens <= limit) {
                good = length;
                if (length == maxLength || tokens >= limit - slack) {
                    return good;
                }
            } else {
                bad = length;
            }
            long next = tokens == 0 ? maxLength : (long) length * limit / tokens;
            if (bad != Integer.MAX_VALUE && (round % 2 == 1 || next <= good || next >= bad)) {
                next = good + (bad - good) / 2L;
            } else if (next <= good) {
                next = (long) good * 2;
            }
            candidate = Math.min(next, maxLength);
        }
    }

    private boolean splitsPair(int anchor, int length, boolean backward) {
        return Text.splitsSurrogatePair(text, backward ? anchor - length : anchor + length);
    }

    private int codePointLength(int anchor, int length, boolean backward) {
        return backward
                ? Character.charCount(text.codePointBefore(anchor - length))
                : Character.charCount(text.codePointAt(anchor + length));
    }

    /**
     * Tokens of {@code [start, end)} as it will be emitted: without surrounding whitespace. The tokenization is
     * kept for the window being fitted, so the window that is chosen reaches the model without another one.
     */
    private int tokens(int start, int end) {
        String stripped = Text.strip(text, start, end);
        if (stripped.isEmpty()) {
            return 0;
        }
        Tokens tokens = counter.tokenize(stripped);
        windowTokens.put(key(start, end), tokens);
        return tokens.count();
    }

    private Tokens measure(int start, int end) {
        String stripped = Text.strip(text, start, end);
        return stripped.isEmpty() ? Tokens.counted(0) : counter.tokenize(stripped);
    }

    private static long key(int start, int end) {
        return ((long) start << 32) | (end & 0xffffffffL);
    }

    /** Non-empty pieces of a range between the cuts of one level. */
    private static final class Pieces {
        private final Boundary.Cuts cuts;
        private final boolean keepSeparator;
        private final int to;
        private int next;
        private boolean done;
        int start;
        int end;

        Pieces(String text, Level level, int from, int to) {
            this.cuts = level.boundary().scan(text, from, to);
            this.keepSeparator = level.keepSeparator();
            this.to = to;
            this.next = from;
        }

        boolean advance() {
            while (!done) {
                int pieceStart = next;
                int pieceEnd;
                if (cuts.advance()) {
                    pieceEnd = cuts.cutStart;
                    next = keepSeparator ? cuts.cutStart : cuts.cutEnd;
                } else {
                    pieceEnd = to;
                    done = true;
                }
                if (pieceEnd > pieceStart) {
                    start = pieceStart;
                    end = pieceEnd;
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Packs consecutive pieces greedily up to the limit, summing their counts (plus the separators between
     * them) instead of recounting the growing chunk, and starts each next chunk with the trailing pieces of the
     * previous one that fit in the overlap. The window holds only the pieces of the current chunk.
     */
    private final class Merger {
        private final int levelIndex;
        private final int limit;
        private final int overlap;
        private int[] starts = new int[16];
        private int[] ends = new int[16];
        private int[] tokens = new int[16];
        private int[] gapAfter = new int[16];
        private int head;
        private int size;
        private int total;

        Merger(int levelIndex, int limit, int overlap) {
            this.levelIndex = levelIndex;
            this.limit = limit;
            this.overlap = overlap;
        }

        void add(int start, int end, int pieceTokens) {
            int gap = size > head ? gapTokens(ends[size - 1], start) : 0;
            if (size > head && (long) total + gap + pieceTokens > limit) {
                emit();
                if (overlap == 0) {
                    clear(); // not even zero-token pieces are repeated when no overlap is asked for
                }
                while (size > head && (total > overlap || (long) total + gap + pieceTokens > limit)) {
                    removeFirst();
                }
                if (size == head) {
                    clear();
                    gap = 0;
                }
            }
            append(start, end, pieceTokens, gap);
        }

        void flush() {
            if (size > head) {
                emit();
            }
            clear();
        }

        private void emit() {
            spans.add(new Span(starts[head], ends[size - 1], null));
        }

        private void clear() {
            head = 0;
            size = 0;
            total = 0;
        }

        private void removeFirst() {
            total -= tokens[head];
            if (head + 1 < size) {
                total -= gapAfter[head];
            }
            head++;
        }

        private void append(int start, int end, int pieceTokens, int gap) {
            if (size == starts.length) {
                makeRoom();
            }
            if (size > head) {
                gapAfter[size - 1] = gap;
                total += gap;
            }
            starts[size] = start;
            ends[size] = end;
            tokens[size] = pieceTokens;
            total += pieceTokens;
            size++;
        }

        private void makeRoom() {
            int live = size - head;
            int capacity = live * 2 > starts.length ? starts.length * 2 : starts.length;
            starts = moved(starts, capacity);
            ends = moved(ends, capacity);
            tokens = moved(tokens, capacity);
            gapAfter = moved(gapAfter, capacity);
            size = live;
            head = 0;
        }

        private int[] moved(int[] array, int capacity) {
            int[] result = new int[capacity];
            System.arraycopy(array, head, result, 0, size - head);
            return result;
        }

        /** Tokens of the text between two pieces: usually exactly the level's separator, counted once. */
        private int gapTokens(int start, int end) {
            if (start >= end) {
                return 0;
            }
            if (levels.get(levelIndex).boundary() instanceof Literal literal
                    && end - start == literal.separator().length()
                    && text.startsWith(literal.separator(), start)) {
                return separatorTokens[levelIndex];
            }
            return pieceCounts().count(start, end);
        }
    }
}
