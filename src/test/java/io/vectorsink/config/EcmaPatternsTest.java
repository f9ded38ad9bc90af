package io.vectorsink.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The spec's patterns as JavaScript reads them (Airbyte's form), on java.util.regex. */
class EcmaPatternsTest {
    private static boolean matches(String regex, String value) {
        return EcmaPatterns.INSTANCE.getRegularExpression(regex).matches(value);
    }

    @Test
    void should_end_the_text_at_dollar_and_never_before_a_final_line_break() {
        assertThat(matches("^[!-~]+$", "sk-abc")).isTrue();
        assertThat(matches("^[!-~]+$", "sk-abc\n")).isFalse();
        assertThat(matches("^[!-~]+$", "sk-abc\r\n")).isFalse();
        assertThat(matches("^[!-~]+$", "sk-abc\u2028")).isFalse();
    }

    @Test
    void should_keep_a_dollar_that_is_escaped_or_in_a_class_literal() {
        assertThat(matches("^a\\$b$", "a$b")).isTrue();
        assertThat(matches("^[$]$", "$")).isTrue();
        assertThat(matches("^[$]$", "$\n")).isFalse();
    }

    @Test
    void should_read_backslash_s_as_every_unicode_space() {
        assertThat(matches("^(?!\\s*$).+", "\u3000")).isFalse();
        assertThat(matches("^(?!\\s*$).+", "\u2003\u00a0")).isFalse();
        assertThat(matches("^(?!\\s*$).+", " x ")).isTrue();
        assertThat(matches("^[\\s,]+$", "\u3000,")).isTrue();
        assertThat(matches("^\\S+$", "a\u3000b")).isFalse();
    }

    @Test
    void should_search_unanchored_as_json_schema_does() {
        assertThat(matches("b", "abc")).isTrue();
    }
}
