package io.vectorsink.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.protocol.Json;
import java.net.URLEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretScanTest {
    private static final String CONFIG =
            """
            {"embedding": {"mode": "openai", "openai_key": "sk-test-0123456789"},
             "indexing": {"mode": "opensearch", "url": "https://h:9200", "index": "idx",
                          "auth": {"mode": "basic", "username": "writer", "password": "pa55word-xyz"}},
             "processing": {"chunk_size": 100, "text_fields": ["token"]},
             "advanced": {"token": "short"}}
            """;

    @Test
    void should_find_every_value_of_a_field_the_spec_marks_secret_at_any_depth() throws Exception {
        SecretScan scan = SecretScan.of(Json.MAPPER.readTree(CONFIG));

        // "token" is a secret field name, but "short" is below the length a real secret has. Basic credentials
        // also travel as a header value, base64(user:password).
        assertThat(scan.secrets())
                .containsExactlyInAnyOrder(
                        "sk-test-0123456789",
                        "pa55word-xyz",
                        "Basic " + Base64.getEncoder().encodeToString("writer:pa55word-xyz".getBytes(UTF_8)));
    }

    @Test
    void should_fail_naming_only_the_length_when_an_output_holds_a_secret() throws Exception {
        SecretScan scan = SecretScan.of(Json.MAPPER.readTree(CONFIG));

        assertThatCode(() -> scan.assertAbsentFrom("password=****, user writer", "stderr"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> scan.assertAbsentFrom("auth failed for pa55word-xyz", "stderr"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("12 characters")
                .hasMessageContaining("stderr")
                .hasMessageNotContaining("pa55word-xyz");
    }

    @Test
    void should_read_the_config_named_by_the_command_line(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), CONFIG);

        assertThat(SecretScan.ofArgs(List.of("write", "--config", config.toString(), "--catalog", "c.json"))
                        .secrets())
                .hasSize(3);
        assertThat(SecretScan.ofArgs(List.of("spec")).secrets()).isEmpty();
        Path broken = Files.writeString(dir.resolve("broken.json"), "{not json");
        assertThat(SecretScan.ofArgs(List.of("check", "--config", broken.toString()))
                        .secrets())
                .isEmpty();
    }

    @Test
    void should_find_a_secret_that_stdout_holds_json_escaped() throws Exception {
        SecretScan scan = SecretScan.of(Json.MAPPER.readTree(
                "{\"indexing\": {\"auth\": {\"mode\": \"basic\", \"password\": \"pa\\\"ss\\\\word-1\"}}}"));
        assertThat(scan.secrets()).containsExactly("pa\"ss\\word-1");

        String trace = "{\"type\":\"TRACE\",\"trace\":{\"error\":{\"message\":\"bad pa\\\"ss\\\\word-1\"}}}";
        assertThatThrownBy(() -> scan.assertAbsentFrom(trace, "stdout")).isInstanceOf(AssertionError.class);
    }

    @Test
    void should_find_a_secret_in_every_form_a_server_may_echo_it() throws Exception {
        String token = "abc/DEF+ghi/jkl==";
        SecretScan scan = SecretScan.of(Json.MAPPER.readTree(
                "{\"embedding\": {\"mode\": \"openai_compatible\", \"api_key\": \"" + token + "\"}}"));
        List<String> echoes = List.of(
                "{\"echo\":\"abc\\/DEF+ghi\\/jkl==\"}",
                "{\"echo\":\"abc\\u002fDEF\\u002bghi\\u002fjkl\\u003d\\u003d\"}",
                "key=" + URLEncoder.encode(token, UTF_8),
                "key=abc%2fDEF%2bghi%2fjkl%3d%3d",
                "b64=" + Base64.getEncoder().encodeToString(token.getBytes(UTF_8)),
                "b64=" + Base64.getUrlEncoder().withoutPadding().encodeToString(token.getBytes(UTF_8)));

        for (String echo : echoes) {
            assertThatThrownBy(() -> scan.assertAbsentFrom(echo, "stderr"))
                    .as(echo)
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("17 characters")
                    .hasMessageNotContaining(token);
        }
        assertThatCode(() -> scan.assertAbsentFrom("{\"echo\":\"****\"}", "stderr"))
                .doesNotThrowAnyException();
    }

    @Test
    void should_find_the_parts_of_basic_credentials_and_of_a_header_value() throws Exception {
        SecretScan scan = SecretScan.of(Json.MAPPER.readTree(CONFIG));
        String pair = Base64.getEncoder().encodeToString("writer:pa55word-xyz".getBytes(UTF_8));

        assertThatThrownBy(() -> scan.assertAbsentFrom("Authorization: Basic " + pair, "stderr"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> scan.assertAbsentFrom("user writer%3Apa55word-xyz", "stderr"))
                .isInstanceOf(AssertionError.class);
        assertThatCode(() -> scan.assertAbsentFrom("user writer", "stderr")).doesNotThrowAnyException();

        String apiKey =
                Base64.getEncoder().encodeToString("VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw".getBytes(UTF_8));
        SecretScan header = SecretScan.of(Json.MAPPER.readTree(
                "{\"indexing\": {\"auth\": {\"mode\": \"api_key\"," + " \"api_key\": \"" + apiKey + "\"}}}"));
        assertThatThrownBy(() -> header.assertAbsentFrom("{\"key\":\"ui2lp2axTNmsyakw9tvNnw\"}", "stdout"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("a part of it");
    }
}
