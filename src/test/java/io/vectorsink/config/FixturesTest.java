package io.vectorsink.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.protocol.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example configs in fixtures/ stay valid. */
class FixturesTest {
    @Test
    void should_parse_every_example_config() throws Exception {
        try (var files = Files.list(Path.of("fixtures"))) {
            var configs = files.filter(f -> f.getFileName().toString().startsWith("config."))
                    .toList();
            assertThat(configs).hasSizeGreaterThanOrEqualTo(2);
            for (Path file : configs) {
                ConnectorConfig config = ConfigParser.parse(Json.MAPPER.readTree(Files.readString(file)), Map.of());
                assertThat(config.indexing()).as(file.toString()).isInstanceOf(IndexingConfig.Chroma.class);
            }
        }
    }
}
