package io.vectorsink.chunking;

import static io.vectorsink.chunking.Counters.WORDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.config.TextSplitterConfig.Markdown;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownChunkingTest {

    private static List<String> split(int splitLevel, int chunkSize, String text) {
        return new Chunker(new Markdown(splitLevel), chunkSize, 0, WORDS).split(text);
    }

    @Test
    void should_start_each_chunk_at_a_header_when_sections_do_not_fit_together() {
        String text = "# A\ntext a\n## B\ntext b\n### C\ntext c";

        // Level-3 headers are not split points at split level 2: section B is split by lines instead.
        assertThat(split(2, 4, text)).containsExactly("# A\ntext a", "## B\ntext b", "### C\ntext c");
    }

    @Test
    void should_pack_small_sections_together_up_to_chunk_size() {
        String text = "# A\none\n# B\ntwo\n# C\nthree four five six";

        assertThat(split(1, 6, text)).containsExactly("# A\none\n# B\ntwo", "# C\nthree four five six");
    }

    @Test
    void should_keep_text_before_the_first_header_as_its_own_section() {
        String text = "intro words here\n# A\nalpha beta";

        assertThat(split(1, 4, text)).containsExactly("intro words here", "# A\nalpha beta");
    }

    @Test
    void should_ignore_headers_inside_fenced_code_blocks() {
        String text = "# One\nalpha beta\n```\n# comment\ncode here\n```\n# Two\ngamma";

        assertThat(split(1, 10, text))
                .containsExactly("# One\nalpha beta\n```\n# comment\ncode here\n```", "# Two\ngamma");
    }

    @Test
    void should_ignore_headers_inside_tilde_fences_closed_only_by_a_long_enough_fence() {
        String text = "# One\na\n~~~~\n# x\n~~~\n# y\n~~~~\n# Two\nb";

        assertThat(split(1, 10, text)).containsExactly("# One\na\n~~~~\n# x\n~~~\n# y\n~~~~", "# Two\nb");
    }

    @Test
    void should_treat_everything_after_an_unclosed_fence_as_code() {
        String text = "# One\na\n```\n# not a header\nb";

        // One section, split by lines; were "# not a header" a header, the second chunk would start there.
        assertThat(split(1, 8, text)).containsExactly("# One\na\n```\n# not a header", "b");
    }

    @Test
    void should_split_oversize_sections_by_paragraphs_lines_and_words() {
        String text = "# Title\n\n" + "one two three four five six\n\nseven eight";

        assertThat(split(1, 4, text)).containsExactly("# Title", "one two three four", "five six", "seven eight");
    }

    @Test
    void should_reject_split_levels_outside_one_to_six() {
        // The config record rejects these too; the chunker does not rely on it.
        assertThatThrownBy(() -> Chunker.markdownLevels(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("markdown split_level must be between 1 and 6, got 0");
        assertThatThrownBy(() -> Chunker.markdownLevels(7)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Chunker.markdownLevels(6)).isNotEmpty();
    }
}
