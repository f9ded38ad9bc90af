package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.record;
import static io.vectorsink.testing.Messages.stream;
import static io.vectorsink.testing.Messages.streamState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.testing.ChromaInspector.Point;
import java.util.List;
import org.junit.jupiter.api.Test;

/** embedding.mode from_field: the records bring their vectors; the built jar stores them as they are. */
class FromFieldIT extends ProcessTestSupport {

    private String config(String collection) {
        return """
                {"processing": {"chunk_size": 5, "text_fields": ["text"]},
                 "embedding": {"mode": "from_field", "field_name": "embedding", "dimensions": 3},
                 "indexing": {"mode": "chroma", "host": "%s", "collection": "%s"}}
                """
                .formatted(chromaUrl(), collection);
    }

    @Test
    void should_store_each_records_own_vector_on_every_chunk_and_not_as_text_or_metadata() {
        String collection = freshCollection("from-field");
        var result = write(
                config(collection),
                catalog(stream("docs", "append_dedup", List.of("id"), 1, 0)),
                record("docs", "{\"id\":1,\"text\":\"one two three four five six seven\",\"embedding\":[0.5,-0.25,1]}")
                        + record("docs", "{\"id\":2,\"text\":\"short\",\"embedding\":[1,0,0]}")
                        + streamState("docs", "{}"));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.states()).hasSize(1);
        List<Point> points = chroma().all(collection);
        assertThat(points).hasSize(3).allSatisfy(p -> {
            assertThat(p.metadata()).doesNotContainKey("embedding");
            assertThat(p.document()).doesNotContain("embedding");
        });
        var vectors = chroma().vectors(collection);
        for (Point point : points) {
            List<Double> expected =
                    point.text("_ab_record_id").endsWith(",1]") ? List.of(0.5, -0.25, 1.0) : List.of(1.0, 0.0, 0.0);
            assertThat(vectors.get(point.id())).isEqualTo(expected);
        }
    }

    @Test
    void should_fail_naming_stream_and_field_when_a_vector_has_the_wrong_length_or_type() {
        for (String bad : new String[] {"[1,2]", "[1,\"x\",3]", "\"not a list\"", "null"}) {
            var result = write(
                    config(freshCollection("from-field-bad")),
                    catalog(stream("docs", "append_dedup", List.of("id"), 1, 0)),
                    record("docs", "{\"id\":1,\"text\":\"t\",\"embedding\":" + bad + "}"));
            assertThat(result.exitCode()).isEqualTo(1);
            JsonNode error = result.traceError();
            assertThat(error.get("failure_type").asText()).isEqualTo("config_error");
            assertThat(error.get("message").asText())
                    .contains("docs")
                    .contains("'embedding'")
                    .contains("line 1");
        }
    }
}
