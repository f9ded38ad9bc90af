package io.vectorsink.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Utf8Test {
    @Test
    void should_replace_only_unpaired_surrogates_with_the_replacement_character() {
        assertThat(Utf8.wellFormed("a\uD800b\uDC00c\uD83D\uDE00d\uDBFF"))
                .isEqualTo("a\uFFFDb\uFFFDc\uD83D\uDE00d\uFFFD");
        assertThat(Utf8.wellFormed("\uDE00\uD83D")).isEqualTo("\uFFFD\uFFFD"); // low before high is no pair
    }

    @Test
    void should_return_the_same_string_when_nothing_needs_replacing() {
        String text = "plain \uD83D\uDE00 ü \u0000";
        assertThat(Utf8.wellFormed(text)).isSameAs(text);
        assertThat(Utf8.escapeLoneSurrogates(text)).isSameAs(text);
    }

    @Test
    void should_escape_unpaired_surrogates_in_json_text_so_that_distinct_values_stay_distinct() {
        assertThat(Utf8.escapeLoneSurrogates("[\"k\uD800\",\"k\uDC00\",\"\uD83D\uDE00\"]"))
                .isEqualTo("[\"k\\ud800\",\"k\\udc00\",\"\uD83D\uDE00\"]");
    }
}
