package io.vectorsink.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.testing.ChromaInspector.Point;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The example files in fixtures/ run through the built jar as documented. */
class FixturesIT extends ProcessTestSupport {
    @Test
    void should_write_the_example_messages_with_the_example_config_and_catalog() throws Exception {
        String collection = freshCollection("fixtures");
        String config = Files.readString(Path.of("fixtures/config.fake-chroma.json"))
                .replace("http://127.0.0.1:8000", chromaUrl())
                .replace("\"fixtures\"", "\"" + collection + "\"");
        var result = write(
                config,
                Files.readString(Path.of("fixtures/catalog.json")),
                Files.readString(Path.of("fixtures/messages.jsonl")));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.states())
                .extracting(s -> s.get("destinationStats").get("recordCount").asDouble())
                .containsExactly(2.0, 2.0, 1.0);
        var points = chroma().all(collection);
        assertThat(points)
                .extracting(Point::document)
                .containsExactlyInAnyOrder(
                        "title: Chunking\nbody: A newer version replaces the old chunks.",
                        "title: deploy\nbody: version 1.2 went out");
        assertThat(points)
                .filteredOn(p -> "blog_articles".equals(p.text("_ab_stream")))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.text("_ab_namespace")).isEqualTo("blog");
                    assertThat(p.text("author")).isEqualTo("{\"name\":\"Ada\"}");
                    assertThat(p.text("_ab_record_id")).isEqualTo("[\"blog\",\"articles\",1]");
                });
    }
}
