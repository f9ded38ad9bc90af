package io.vectorsink.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.error.Secrets;
import java.nio.charset.StandardCharsets;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpStatusTest {
    /** As long as an OpenAI project key. */
    private static final String KEY = "sk-proj-" + "Ab3dEf6hIj9lMn2pQr5tUv8xYz".repeat(6);

    @AfterEach
    void forget() {
        Secrets.clear();
    }

    private static Response answer(int code, String body) {
        return new Response.Builder()
                .request(new Request.Builder()
                        .url("http://127.0.0.1:1/v1/embeddings")
                        .build())
                .protocol(Protocol.HTTP_1_1)
                .code(code)
                .message("")
                .body(ResponseBody.create(body.getBytes(StandardCharsets.UTF_8), null))
                .build();
    }

    private static String unicodeEscaped(String text) {
        StringBuilder escaped = new StringBuilder();
        text.chars().forEach(c -> escaped.append(String.format("\\u%04x", c)));
        return escaped.toString();
    }

    @Test
    void should_show_the_start_of_the_body_with_secrets_removed() {
        Secrets.register(KEY);

        assertThat(HttpStatus.of(answer(401, "{\"error\": \"bad key " + KEY + "\"}\n"))
                        .describe())
                .isEqualTo("HTTP 401: {\"error\": \"bad key ****\"}");
    }

    /**
     * Only the start of a body is read. An echo of the key cut in two by the end of what was read was not
     * found, and when earlier echoes (long in an escaped form) shrank to {@code ****}, its first half came
     * within the characters shown.
     */
    @Test
    void should_not_show_a_secret_cut_where_the_reading_of_the_body_stops() {
        Secrets.register(KEY);
        for (int escaped = 0; escaped <= 60; escaped++) {
            StringBuilder body = new StringBuilder("{\"echo\": [");
            body.append(("\"" + unicodeEscaped(KEY) + "\", ").repeat(escaped));
            body.append(("\"" + KEY + "\", ").repeat(600)).append("\"end\"]}");

            String shown = HttpStatus.of(answer(400, body.toString())).describe();

            assertThat(shown)
                    .as("after %d escaped echoes", escaped)
                    .startsWith("HTTP 400: {\"echo\": [\"****\", ")
                    .doesNotContain(KEY.substring(0, 12))
                    .doesNotContain(unicodeEscaped(KEY.substring(0, 2)));
        }
    }

    /** A long answer in a script of three-byte characters still shows its start once the cut tail is dropped. */
    @Test
    void should_show_the_start_of_a_long_answer_in_a_script_of_multibyte_characters() {
        Secrets.register(KEY);
        String body = "\u9519\u8bef".repeat(20_000); // "error" in Chinese, 120,000 bytes of UTF-8

        String shown = HttpStatus.of(answer(400, body)).describe();

        assertThat(shown).startsWith("HTTP 400: \u9519\u8bef\u9519\u8bef");
    }
}
