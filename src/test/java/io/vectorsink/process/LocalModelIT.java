package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.record;
import static io.vectorsink.testing.Messages.stream;
import static io.vectorsink.testing.Messages.streamState;
import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.testing.ChromaInspector.Point;
import io.vectorsink.testing.ConnectorProcess;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A sync with the real ONNX model into the real Chroma, then the query command on what it wrote. */
class LocalModelIT extends ProcessTestSupport {

    private String localConfig(String collection) {
        return """
                {"processing": {"chunk_size": 64, "chunk_overlap": 8, "text_fields": ["title", "body"],
                                "metadata_fields": ["id", "title"]},
                 "embedding": {"mode": "local", "model": "all-minilm-l6-v2-q"},
                 "indexing": {"mode": "chroma", "host": "%s", "collection": "%s"}}
                """
                .formatted(chromaUrl(), collection);
    }

    @Test
    void should_embed_with_the_local_model_and_answer_queries_by_meaning() {
        String collection = freshCollection("local");
        String input = record(
                        "articles",
                        "{\"id\":1,\"title\":\"Cats\",\"body\":\"A kitten sleeps on the warm rug by the fire.\"}")
                + record(
                        "articles",
                        "{\"id\":2,\"title\":\"Markets\",\"body\":\"Stock prices fell sharply as investors sold shares.\"}")
                + record(
                        "articles",
                        "{\"id\":3,\"title\":\"Space\",\"body\":\"The rocket carried astronauts toward the moon.\"}")
                + streamState("articles", "{\"done\":true}");
        var result =
                write(localConfig(collection), catalog(stream("articles", "append_dedup", List.of("id"), 1, 0)), input);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.states()).hasSize(1);
        List<Point> points = chroma().all(collection);
        assertThat(points).hasSize(3);
        assertThat(points)
                .extracting(Point::document)
                .contains("title: Cats\nbody: A kitten sleeps on the warm rug by the fire.");

        var answer = ConnectorProcess.run(
                "",
                "query",
                "--config",
                file("config.json", localConfig(collection)).toString(),
                "--text",
                "a cat napping indoors",
                "--limit",
                "2");
        assertThat(answer.exitCode()).as(answer.stderr()).isZero();
        String output = String.join("\n", answer.stdoutLines());
        assertThat(output).contains("Top 2 chunks");
        // The nearest chunk is the one about the kitten, found by meaning, not by shared words.
        assertThat(output.indexOf("kitten")).isPositive().isLessThan(output.indexOf("2. "));
    }
}
