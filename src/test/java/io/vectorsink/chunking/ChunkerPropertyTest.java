package io.vectorsink.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.config.TextSplitterConfig;
import io.vectorsink.config.TextSplitterConfig.Code;
import io.vectorsink.config.TextSplitterConfig.Markdown;
import io.vectorsink.config.TextSplitterConfig.Separator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hard guarantees, checked over many seeded random inputs, splitters, sizes and tokenizer behaviours. */
class ChunkerPropertyTest {
    private static final String[] FRAGMENTS = {
        "a",
        "word",
        "Lorem",
        "ipsum.",
        " ",
        " ",
        "  ",
        "\n",
        "\n\n",
        "\t",
        "\r\n",
        "\u2028",
        "\u0000",
        "\u00A0",
        "😀",
        "👩\u200D💻",
        "🇩🇪",
        "e\u0301",
        "日本語のテキスト",
        "\uD800",
        "\uDC00",
        "#",
        "# Title\n",
        "## Sub\n",
        "```\n",
        "~~~",
        "---\n",
        "class ",
        "\ndef ",
        "\n    public ",
        "<div>",
        "\\section{",
        ".",
        "--",
        "|",
    };
    private static final List<String> SEPARATOR_POOL =
            List.of("\n\n", "\n", " ", ".", "", "x", "--", "😀", "\u2028", "\uDE00");
    private static final List<String> LANGUAGES = List.copyOf(Chunker.supportedLanguages());

    private static final TokenCounter[] COUNTERS = {
        Counters.WORDS, Counters.CODE_POINTS, Counters.UTF8_PAIRS, Counters.SUPERADDITIVE, Counters.ERRATIC
    };
    /** The smallest chunk size that holds any single code point with each counter. */
    private static final int[] MIN_CHUNK_SIZE = {1, 1, 2, 1, 4};

    @Test
    void should_never_exceed_chunk_size_nor_lose_text_when_inputs_are_odd() {
        Random random = new Random(20_240_611L);
        for (int round = 0; round < 600; round++) {
            String text = randomText(random);
            int counterIndex = random.nextInt(COUNTERS.length);
            TokenCounter counter = COUNTERS[counterIndex];
            int chunkSize = MIN_CHUNK_SIZE[counterIndex] + random.nextInt(random.nextBoolean() ? 8 : 80);
            int overlap = random.nextInt(3) == 0 ? random.nextInt(chunkSize) : 0;
            TextSplitterConfig splitter = randomSplitter(random);
            String context = "round " + round + ", " + splitter + ", chunk size " + chunkSize + ", overlap " + overlap
                    + ", counter " + counterIndex;
            Chunker chunker = new Chunker(splitter, chunkSize, overlap, counter);

            List<String> chunks = chunker.split(text);

            for (String chunk : chunks) {
                assertThat(counter.count(chunk)).as(context).isLessThanOrEqualTo(chunkSize);
                assertThat(chunk).as(context).isNotBlank().isEqualTo(chunk.strip());
                assertThat(text).as(context).contains(chunk);
            }
            if (overlap == 0 && keepsEverySeparator(splitter)) {
                assertThat(withoutWhitespace(String.join("", chunks)))
                        .as(context)
                        .isEqualTo(withoutWhitespace(text));
            }
            assertThat(chunker.split(text)).as(context).isEqualTo(chunks);
        }
    }

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        int fragments = random.nextInt(random.nextInt(5) == 0 ? 2000 : 200);
        for (int i = 0; i < fragments; i++) {
            int kind = random.nextInt(100);
            if (kind < 2) {
                text.append("x".repeat(20 + random.nextInt(600))); // a very long word
            } else if (kind < 3) {
                text.append("😀".repeat(random.nextInt(100))); // emoji without any separator
            } else {
                text.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
            }
        }
        return text.toString();
    }

    private static TextSplitterConfig randomSplitter(Random random) {
        switch (random.nextInt(4)) {
            case 0:
                return Separator.defaults();
            case 1:
                List<String> separators = new ArrayList<>();
                int count = 1 + random.nextInt(4);
                for (int i = 0; i < count; i++) {
                    separators.add(SEPARATOR_POOL.get(random.nextInt(SEPARATOR_POOL.size())));
                }
                return new Separator(separators, random.nextBoolean());
            case 2:
                return new Markdown(1 + random.nextInt(6));
            default:
                return new Code(LANGUAGES.get(random.nextInt(LANGUAGES.size())));
        }
    }

    /** Whether no text can fall between chunks: separators are kept or are whitespace (which strip drops). */
    private static boolean keepsEverySeparator(TextSplitterConfig splitter) {
        if (splitter instanceof Separator separator) {
            return separator.keepSeparator() || separator.separators().stream().allMatch(String::isBlank);
        }
        return true;
    }

    private static String withoutWhitespace(String text) {
        StringBuilder result = new StringBuilder(text.length());
        text.codePoints().filter(cp -> !Character.isWhitespace(cp)).forEach(result::appendCodePoint);
        return result.toString();
    }
}
