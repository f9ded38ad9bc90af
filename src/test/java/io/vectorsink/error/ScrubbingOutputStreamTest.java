package io.vectorsink.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScrubbingOutputStreamTest {
    private final ByteArrayOutputStream sink = new ByteArrayOutputStream();
    private final ScrubbingOutputStream scrubbing = new ScrubbingOutputStream(sink);
    private final PrintStream err = new PrintStream(scrubbing, true, StandardCharsets.UTF_8);

    @AfterEach
    void forget() {
        Secrets.clear();
    }

    private String written() {
        return sink.toString(StandardCharsets.UTF_8);
    }

    @Test
    void should_scrub_every_line_in_every_form() {
        Secrets.register("abc/DEF+ghi/jkl==");

        err.println("WARN OpenAI attempt 1 of 10 failed (HTTP 503: {\"echo\":\"abc\\/DEF+ghi\\/jkl==\"})");
        err.println("url key=abc%2FDEF%2Bghi%2Fjkl%3D%3D");

        assertThat(written())
                .isEqualTo("WARN OpenAI attempt 1 of 10 failed (HTTP 503: {\"echo\":\"****\"})\nurl key=****\n");
    }

    @Test
    void should_hold_a_line_until_its_end_so_that_a_secret_split_between_writes_is_found() throws IOException {
        Secrets.register("s3cr3t-t0ken");

        err.print("token s3cr");
        err.flush();
        assertThat(written()).isEmpty();
        err.print("3t-t0ken");
        err.println();

        assertThat(written()).isEqualTo("token ****\n");
    }

    @Test
    void should_scrub_a_secret_that_spans_two_lines() {
        Secrets.register("first-line\nsecond-line");

        err.println("{\"echo\": \"first-line");
        err.println("second-line\"}");

        assertThat(written()).isEqualTo("{\"echo\": \"****\n****\"}\n");
    }

    @Test
    void should_write_the_open_line_when_drained() throws IOException {
        Secrets.register("s3cr3t-t0ken");
        err.print("last words s3cr3t-t0ken");

        scrubbing.drain();

        assertThat(written()).isEqualTo("last words ****");
    }

    @Test
    void should_keep_text_that_holds_no_secret_byte_for_byte() {
        err.println("Grüße, 世界 🌍");

        assertThat(written()).isEqualTo("Grüße, 世界 🌍\n");
    }

    @Test
    void should_not_cut_a_character_in_two_when_a_long_line_is_written_in_pieces() {
        String line = "a".repeat(ScrubbingOutputStream.MAX_LINE_BYTES - 1) + "é 世界 🌍 " + "b".repeat(70_000) + "🌍";

        err.println(line);

        assertThat(written()).isEqualTo(line + "\n");
    }

    /**
     * A line longer than the stream holds is written in pieces: a secret at the end of the first 64 KiB
     * (kept back for the next piece) and one found whole across the place a piece would end (the piece ends
     * before it) were cut in two, each half written as it was.
     */
    @ParameterizedTest
    @ValueSource(
            ints = {
                ScrubbingOutputStream.MAX_LINE_BYTES - 5,
                ScrubbingOutputStream.MAX_LINE_BYTES - ScrubbingOutputStream.KEPT_CHARS - 5
            })
    void should_scrub_a_secret_where_a_long_line_is_cut_into_pieces(int offset) {
        Secrets.register("s3cr3t/t0ken");
        String line = "a".repeat(offset) + "s3cr3t\\/t0ken" + "b".repeat(ScrubbingOutputStream.MAX_LINE_BYTES);

        err.println(line);

        assertThat(written())
                .isEqualTo("a".repeat(offset) + "****" + "b".repeat(ScrubbingOutputStream.MAX_LINE_BYTES) + "\n");
    }
}
