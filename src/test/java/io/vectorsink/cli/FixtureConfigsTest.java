package io.vectorsink.cli;

import static org.assertj.core.api.Assertions.assertThatCode;

import io.vectorsink.config.ConfigParser;
import io.vectorsink.config.ConnectorConfig;
import io.vectorsink.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The example configs in fixtures/ pass the rule that only a loaded embedder can judge: a chunk fits the
 * window the model really embeds (the parser alone cannot see it; {@code FixturesTest} parses them).
 */
class FixtureConfigsTest {
    @Test
    void should_fit_every_example_configs_chunk_size_to_its_models_window() throws Exception {
        try (var files = Files.list(Path.of("fixtures"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("config."))
                    .toList()) {
                ConnectorConfig config = ConfigParser.parse(Json.MAPPER.readTree(Files.readString(file)), Map.of());
                assertThatCode(() -> Components.embedder(config).close())
                        .as(file.toString())
                        .doesNotThrowAnyException();
            }
        }
    }
}
