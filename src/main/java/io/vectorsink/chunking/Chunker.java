package io.vectorsink.chunking;

import io.vectorsink.chunking.Boundary.Characters;
import io.vectorsink.chunking.Boundary.Literal;
import io.vectorsink.chunking.Boundary.Markdown;
import io.vectorsink.config.TextSplitterConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Splits text into chunks of at most {@code chunkSize} tokens, as counted by the embedding model's
 * {@link TokenCounter}: a recursive splitter that cuts at the first separator that occurs, splits pieces that
 * are still too long at the next separators, and as a last resort between characters (never inside a code point,
 * and where possible not inside an emoji sequence or an accented letter); then packs neighbouring pieces greedily
 * up to {@code chunkSize}, repeating up to {@code chunkOverlap} tokens of trailing pieces at the start of the next
 * chunk.
 *
 * <p>Guarantee: every returned chunk counts at most {@code chunkSize} tokens with the given counter, so the model
 * embeds it whole. Pieces are counted once and their counts summed while packing; because subword tokenizers do
 * not always count a concatenation as the sum of its parts, every packed chunk is counted again and re-split if
 * it is over. Chunks are stripped of surrounding whitespace; blank chunks are dropped; a chunk is always a
 * contiguous stretch of the input (separators between its pieces are kept as they were).
 *
 * <p>Pure and deterministic: no I/O, no clock, the same text always gives the same chunks. Thread-safe when the
 * counter is.
 */
public final class Chunker {
    /** The separators of Markdown mode after its headers, and of Airbyte's default separator splitter. */
    private static final List<String> DEFAULT_SEPARATORS = List.of("\n\n", "\n", " ", "");

    private static final int MAX_MARKDOWN_LEVEL = 6;

    /**
     * Texts up to this many characters per token of chunk size are first counted whole: most records are
     * short, and one count of the whole text is cheaper than one per word, and exact where sums are not.
     */
    private static final int WHOLE_TEXT_CHARS_PER_TOKEN = 8;

    private final List<Level> levels;
    private final int[] separatorTokens;
    private final int chunkSize;
    private final int chunkOverlap;
    private final TokenCounter counter;

    /**
     * @param splitter where chunk boundaries may fall
     * @param chunkSize maximum tokens per chunk, at least 1
     * @param chunkOverlap tokens of a chunk's end repeated at the next chunk's start, from 0 to chunkSize - 1
     * @param counter the embedding model's token counter
     * @throws IllegalArgumentException if a size is out of range, the Markdown split level is not 1 to 6, or the
     *     code language is not one of {@link #supportedLanguages()}
     */
    public Chunker(TextSplitterConfig splitter, int chunkSize, int chunkOverlap, TokenCounter counter) {
        Objects.requireNonNull(splitter, "splitter");
        this.counter = Objects.requireNonNull(counter, "counter");
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunk_size must be at least 1 token, got " + chunkSize);
        }
        if (chunkOverlap < 0 || chunkOverlap >= chunkSize) {
            throw new IllegalArgumentException("chunk_overlap must be at least 0 and less than chunk_size (" + chunkSize
                    + "), got " + chunkOverlap);
        }
        this.chunkSize = chunkSize;
        this.chunkOverlap = chunkOverlap;
        this.levels = levelsFor(splitter);
        this.separatorTokens = new int[levels.size()];
        for (int i = 0; i < levels.size(); i++) {
            if (levels.get(i).boundary() instanceof Literal literal) {
                separatorTokens[i] = counter.count(literal.separator());
            }
        }
    }

    /** Language names accepted by code mode (lower case; matching ignores case), sorted. */
    public static Set<String> supportedLanguages() {
        return Languages.names();
    }

    /**
     * Splits {@code text} into chunks of at most the chunk size in tokens, in text order.
     *
     * @return the chunks, stripped of surrounding whitespace; empty for blank text
     * @throws io.vectorsink.error.ConfigException if a single character of the text counts more tokens than the
     *     chunk size, so that no chunk could hold it
     */
    public List<String> split(String text) {
        return splitMeasured(text).stream().map(Chunk::text).toList();
    }

    /**
     * As {@link #split}, with each chunk's tokens as the counter measured them: every chunk is tokenized whole
     * exactly once, and with a counter that hands out token ids the embedder can run those instead of
     * tokenizing the chunk again.
     */
    public List<Chunk> splitMeasured(String text) {
        Objects.requireNonNull(text, "text");
        int from = Text.skipWhitespace(text, 0, text.length());
        int to = Text.trimEnd(text, from, text.length());
        if (from >= to) {
            return List.of();
        }
        if (to - from <= (long) chunkSize * WHOLE_TEXT_CHARS_PER_TOKEN) {
            String whole = text.substring(from, to);
            Tokens tokens = counter.tokenize(whole);
            if (tokens.count() == 0) {
                return List.of(); // nothing the model would see: format characters, no-break spaces...
            }
            if (tokens.count() <= chunkSize) {
                return List.of(new Chunk(whole, tokens));
            }
        }
        SplitRun run = newRun(text);
        run.split(from, to, chunkSize, chunkOverlap);
        List<Chunk> chunks = new ArrayList<>();
        for (SplitRun.Span span : run.spans()) {
            int start = Text.skipWhitespace(text, span.start(), span.end());
            int end = Text.trimEnd(text, start, span.end());
            if (start >= end) {
                continue;
            }
            String chunk = text.substring(start, end);
            Tokens tokens = span.verified() ? span.tokens() : run.tokensOf(start, end);
            if (tokens.count() == 0) {
                continue; // a model cannot embed a chunk it sees nothing of, and such a chunk carries no text
            }
            if (tokens.count() <= chunkSize) {
                chunks.add(new Chunk(chunk, tokens));
            } else {
                resplit(chunk, tokens.count(), chunks);
            }
        }
        return Collections.unmodifiableList(chunks);
    }

    /**
     * Splits a packed chunk whose real count exceeds the chunk size (its pieces' counts summed to less): once
     * more with a limit reduced by the observed excess, then, for anything still over, by characters with the
     * real count, which always fits.
     */
    private void resplit(String chunk, int tokens, List<Chunk> out) {
        int reduced = (int) Math.max(1, Math.min(chunkSize - 1L, (long) chunkSize * chunkSize / tokens));
        SplitRun run = newRun(chunk);
        run.split(0, chunk.length(), reduced, Math.min(chunkOverlap, reduced - 1));
        for (SplitRun.Span span : run.spans()) {
            String part = Text.strip(chunk, span.start(), span.end());
            if (part.isEmpty()) {
                continue;
            }
            Tokens measured = span.verified() ? span.tokens() : counter.tokenize(part);
            if (measured.count() <= chunkSize) {
                out.add(new Chunk(part, measured));
                continue;
            }
            SplitRun characters = newRun(part);
            characters.splitByCharacters(0, part.length(), chunkSize, chunkOverlap);
            for (SplitRun.Span window : characters.spans()) {
                out.add(new Chunk(Text.strip(part, window.start(), window.end()), window.tokens()));
            }
        }
    }

    private SplitRun newRun(String text) {
        return new SplitRun(text, levels, separatorTokens, counter, chunkSize);
    }

    private static List<Level> levelsFor(TextSplitterConfig splitter) {
        if (splitter instanceof TextSplitterConfig.Separator separator) {
            return separatorLevels(separator.separators(), separator.keepSeparator());
        }
        if (splitter instanceof TextSplitterConfig.Markdown markdown) {
            return markdownLevels(markdown.splitLevel());
        }
        if (splitter instanceof TextSplitterConfig.Code code) {
            return codeLevels(code.language());
        }
        throw new IllegalArgumentException(
                "unknown text splitter " + splitter.getClass().getSimpleName());
    }

    /** Headers up to {@code splitLevel} first, then the default separators. */
    static List<Level> markdownLevels(int splitLevel) {
        if (splitLevel < 1 || splitLevel > MAX_MARKDOWN_LEVEL) {
            throw new IllegalArgumentException(
                    "markdown split_level must be between 1 and " + MAX_MARKDOWN_LEVEL + ", got " + splitLevel);
        }
        List<Level> levels = new ArrayList<>();
        levels.add(new Level(Markdown.headers(1, splitLevel), true));
        levels.addAll(separatorLevels(DEFAULT_SEPARATORS, false));
        return List.copyOf(levels);
    }

    static List<Level> codeLevels(String language) {
        Objects.requireNonNull(language, "language");
        List<Level> levels = Languages.levels(language);
        if (levels == null) {
            throw new IllegalArgumentException("code language '" + language
                    + "' is not supported; supported languages: " + String.join(", ", supportedLanguages()));
        }
        return levels;
    }

    private static List<Level> separatorLevels(List<String> separators, boolean keepSeparator) {
        List<Level> levels = new ArrayList<>();
        for (String separator : separators) {
            levels.add(new Level(separator.isEmpty() ? new Characters() : new Literal(separator), keepSeparator));
        }
        return List.copyOf(levels);
    }
}
