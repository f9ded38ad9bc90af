package io.vectorsink.chunking;

import static io.vectorsink.chunking.Counters.CODE_POINTS;
import static io.vectorsink.chunking.Counters.WORDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.config.TextSplitterConfig.Markdown;
import io.vectorsink.config.TextSplitterConfig.Separator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Large inputs complete (no timed asserts: a quadratic step would make these run for hours, not fail). */
class LargeTextTest {
    private static final String[] WORDS_POOL = {"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "😀"};

    /** About 5 MB of paragraphs, with now and then a header, a very long paragraph or a very long word. */
    private static String fiveMegabytes() {
        Random random = new Random(5L);
        StringBuilder text = new StringBuilder(5_300_000);
        while (text.length() < 5_000_000) {
            int kind = random.nextInt(50);
            if (kind == 0) {
                text.append("## Section ").append(text.length()).append("\n\n");
            } else if (kind == 1) {
                text.append("y".repeat(5_000)).append("\n\n");
            }
            int words = kind == 2 ? 20_000 : 20 + random.nextInt(400);
            for (int i = 0; i < words; i++) {
                text.append(WORDS_POOL[random.nextInt(WORDS_POOL.length)]).append(i % 17 == 16 ? '\n' : ' ');
            }
            text.append("\n\n");
        }
        return text.toString();
    }

    private static int maxTokens(List<String> chunks, TokenCounter counter) {
        return chunks.stream().mapToInt(counter::count).max().orElse(0);
    }

    @Test
    void should_split_five_megabytes_within_the_chunk_size() {
        String text = fiveMegabytes();

        List<String> chunks = new Chunker(Separator.defaults(), 256, 32, WORDS).split(text);

        assertThat(chunks).hasSizeGreaterThan(3_000);
        assertThat(maxTokens(chunks, WORDS)).isLessThanOrEqualTo(256);
    }

    @Test
    void should_split_five_megabytes_of_markdown_within_the_chunk_size() {
        String text = fiveMegabytes();

        List<String> chunks = new Chunker(new Markdown(2), 200, 0, WORDS).split(text);

        assertThat(maxTokens(chunks, WORDS)).isLessThanOrEqualTo(200);
    }

    @Test
    void should_split_a_megabyte_without_any_separator_by_characters() {
        String text = "abcdefghij😀".repeat(90_000);

        List<String> chunks = new Chunker(Separator.defaults(), 500, 50, CODE_POINTS).split(text);

        assertThat(maxTokens(chunks, CODE_POINTS)).isLessThanOrEqualTo(500);
        // Windows are cut by measuring, not character by character: they may stop up to 1/16 short of the limit.
        assertThat(chunks.subList(0, chunks.size() - 1))
                .allSatisfy(chunk -> assertThat(CODE_POINTS.count(chunk)).isBetween(400, 500));
        assertThat(String.join("", chunks)).hasSizeGreaterThan(text.length());
    }
}
