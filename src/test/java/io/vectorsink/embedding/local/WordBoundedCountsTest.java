package io.vectorsink.embedding.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.chunking.Chunk;
import io.vectorsink.chunking.Chunker;
import io.vectorsink.chunking.RangeCounter;
import io.vectorsink.chunking.TokenCounter;
import io.vectorsink.chunking.WordBoundedCounts;
import io.vectorsink.config.TextSplitterConfig;
import io.vectorsink.config.TextSplitterConfig.Code;
import io.vectorsink.config.TextSplitterConfig.Markdown;
import io.vectorsink.config.TextSplitterConfig.Separator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The local models' counter answers the chunker's piece counts from one tokenization per window of a text
 * ({@link WordBoundedCounts}). That is only right if WordPiece never makes a token across whitespace and the
 * offsets are mapped to Java's indices correctly: checked here against the tokenizer itself on texts with the
 * characters that could break either (accents, emoji, CJK, control and format characters, lone surrogates,
 * non-ASCII spaces, words longer than WordPiece takes).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WordBoundedCountsTest {
    private static final String[] FRAGMENTS = {
        "The",
        "quick",
        "brown",
        "fox.",
        "Überraschung",
        "naïve",
        "e\u0301",
        "日本語のテキスト",
        "😀",
        "👩\u200D💻",
        "🇩🇪",
        "don't",
        "x=1;",
        "http://example.com/a/b?c=d",
        "(parenthetical)",
        "3.14159",
        "\u0000",
        "\u0007",
        "\u000B",
        "\u000C",
        "\u00A0",
        "\u2028",
        "\u200B",
        "\uFEFF",
        "\uFFFD",
        "\uD800",
        "\uDC00",
        "İstanbul",
        "ǅ",
        "ﬁ",
        "\u0301",
        "-",
        "abcdefghij".repeat(12),
    };
    private static final String[] SPACES = {" ", " ", " ", "  ", "\n", "\n\n", "\t", "\r\n", " \u00A0", ""};

    private LocalOnnxEmbedder embedder;
    private TokenCounter counter;

    @BeforeAll
    void load() {
        embedder = LocalOnnxEmbedder.load(LocalModel.ALL_MINILM_L6_V2_Q);
        counter = embedder.tokenCounter();
    }

    @AfterAll
    void close() {
        embedder.close();
    }

    private static String mixedText(long seed, int length) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            text.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
            text.append(SPACES[random.nextInt(SPACES.length)]);
        }
        return text.toString();
    }

    /** Offsets next to a space, tab, CR or LF, or at an edge: where the chunker's whitespace pieces end. */
    private static int[] wordEdges(String text) {
        List<Integer> edges = new ArrayList<>(List.of(0, text.length()));
        for (int i = 0; i < text.length(); i++) {
            if (" \t\r\n".indexOf(text.charAt(i)) >= 0) {
                edges.add(i);
                edges.add(i + 1);
            }
        }
        return edges.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
    }

    @Test
    void should_count_every_whitespace_bounded_range_as_the_tokenizer_counts_its_text() {
        for (long seed = 1; seed <= 20; seed++) {
            String text = mixedText(seed, 3_000);
            int[] edges = wordEdges(text);
            RangeCounter ranges = counter.ranges(text);
            assertThat(ranges).isInstanceOf(WordBoundedCounts.class);
            Random random = new Random(seed);
            for (int i = 0; i < 300; i++) {
                int a = edges[random.nextInt(edges.length)];
                int b = edges[random.nextInt(edges.length)];
                int start = Math.min(a, b);
                int end = Math.max(a, b);
                assertThat(ranges.count(start, end))
                        .as("seed %d, [%d, %d): %s", seed, start, end, text.substring(start, end))
                        .isEqualTo(counter.count(text.substring(start, end)));
            }
        }
    }

    @Test
    void should_count_consecutive_words_of_a_long_text_across_windows() {
        String text = mixedText(99, 200_000);
        int[] edges = wordEdges(text);
        RangeCounter ranges = counter.ranges(text);
        for (int i = 0; i + 3 < edges.length; i += 3) {
            int start = edges[i];
            int end = edges[i + 3];
            assertThat(ranges.count(start, end))
                    .as("[%d, %d)", start, end)
                    .isEqualTo(counter.count(text.substring(start, end)));
        }
    }

    @Test
    void should_count_ranges_that_cut_words_on_their_own() {
        String text = "unbelievable tokenization";
        RangeCounter ranges = counter.ranges(text);
        assertThat(ranges.count(2, 9)).isEqualTo(counter.count(text.substring(2, 9)));
        assertThat(ranges.count(0, 15)).isEqualTo(counter.count(text.substring(0, 15)));
    }

    @Test
    void should_give_the_same_chunks_as_counting_each_piece_on_its_own() {
        TokenCounter pieceByPiece = new TokenCounter() {
            @Override
            public int count(String text) {
                return counter.count(text);
            }

            @Override
            public io.vectorsink.chunking.Tokens tokenize(String text) {
                return counter.tokenize(text);
            }
        };
        List<TextSplitterConfig> splitters = List.of(Separator.defaults(), new Markdown(2), new Code("python"));
        for (long seed = 1; seed <= 6; seed++) {
            String text = mixedText(seed, 40_000) + "\n# Title\n" + mixedText(seed + 100, 20_000);
            for (TextSplitterConfig splitter : splitters) {
                for (int[] size : new int[][] {{254, 32}, {64, 0}, {510, 100}}) {
                    List<Chunk> expected = new Chunker(splitter, size[0], size[1], pieceByPiece).splitMeasured(text);
                    List<Chunk> actual = new Chunker(splitter, size[0], size[1], counter).splitMeasured(text);
                    assertThat(actual.stream().map(Chunk::text).toList())
                            .as("seed %d, %s, %s", seed, splitter, Arrays.toString(size))
                            .isEqualTo(expected.stream().map(Chunk::text).toList());
                    for (int i = 0; i < actual.size(); i++) {
                        assertThat(actual.get(i).tokens().ids())
                                .isEqualTo(expected.get(i).tokens().ids());
                    }
                }
            }
        }
    }

    @Test
    void should_recognise_tokenizers_that_split_at_whitespace() {
        assertThat(TokenOffsets.splitsAtWhitespace(
                        "{\"normalizer\":{\"type\":\"BertNormalizer\"},\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"}}"
                                .getBytes(StandardCharsets.UTF_8)))
                .isTrue();
        assertThat(TokenOffsets.splitsAtWhitespace("{\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"ByteLevel\"}}"
                        .getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(TokenOffsets.splitsAtWhitespace(
                        "{\"normalizer\":{\"type\":\"Replace\"},\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"}}"
                                .getBytes(StandardCharsets.UTF_8)))
                .isFalse();
    }
}
