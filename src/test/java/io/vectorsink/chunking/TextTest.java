package io.vectorsink.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void should_strip_unicode_whitespace_but_not_nul() {
        assertThat(Text.strip("\u2028 \t a b\u0000 \u2029\n", 0, 11)).isEqualTo("a b\u0000");
    }

    @Test
    void should_find_a_needle_only_inside_the_range() {
        assertThat(Text.indexOf("ab|cd|", "|", 0, 6)).isEqualTo(2);
        assertThat(Text.indexOf("ab|cd|", "|", 3, 5)).isEqualTo(-1);
        assertThat(Text.indexOf("ab||", "||", 0, 3)).isEqualTo(-1);
    }

    @Test
    void should_not_allow_cuts_inside_user_perceived_characters() {
        String text = "a😀e\u0301👩\u200D💻🇩🇪🇫🇷\r\nz";
        // offsets: a=0, 😀=1..2, e=3, accent=4, 👩=5..6, ZWJ=7, 💻=8..9, flags=10..17, CR=18, LF=19, z=20

        assertThat(Text.isClusterBoundary(text, 1)).isTrue();
        assertThat(Text.isClusterBoundary(text, 2))
                .as("inside a surrogate pair")
                .isFalse();
        assertThat(Text.isClusterBoundary(text, 3)).isTrue();
        assertThat(Text.isClusterBoundary(text, 4))
                .as("before a combining accent")
                .isFalse();
        assertThat(Text.isClusterBoundary(text, 5)).isTrue();
        assertThat(Text.isClusterBoundary(text, 7))
                .as("before a zero-width joiner")
                .isFalse();
        assertThat(Text.isClusterBoundary(text, 8))
                .as("after a zero-width joiner")
                .isFalse();
        assertThat(Text.isClusterBoundary(text, 10)).isTrue();
        assertThat(Text.isClusterBoundary(text, 12)).as("inside a flag").isFalse();
        assertThat(Text.isClusterBoundary(text, 14)).as("between two flags").isTrue();
        assertThat(Text.isClusterBoundary(text, 16))
                .as("inside the second flag")
                .isFalse();
        assertThat(Text.isClusterBoundary(text, 18)).isTrue();
        assertThat(Text.isClusterBoundary(text, 19)).as("inside CR LF").isFalse();
        assertThat(Text.isClusterBoundary(text, 20)).isTrue();
    }

    @Test
    void should_move_a_cut_back_out_of_a_surrogate_pair() {
        assertThat(Text.alignToCodePoint("a😀", 2)).isEqualTo(1);
        assertThat(Text.alignToCodePoint("a😀", 3)).isEqualTo(3);
    }
}
