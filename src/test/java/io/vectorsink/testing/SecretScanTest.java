package io.vectorsink.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
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

        // "token" is a secret field name, but "short" is below the length a real secret has.
        assertThat(scan.secrets()).containsExactlyInAnyOrder("sk-test-0123456789", "pa55word-xyz");
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
                .hasSize(2);
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
}
