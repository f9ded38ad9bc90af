package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.json;
import static io.vectorsink.testing.Messages.record;
import static io.vectorsink.testing.Messages.stream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.testing.ConnectorProcess;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code query} command selecting a stream, with and without its namespace, in a real Chroma. */
class QueryIT extends ProcessTestSupport {

    /** A record of stream {@code docs} in {@code namespace} (none when null). */
    private static String docsRecord(String namespace, int id, String text) {
        ObjectNode message = json(record("docs", "{\"id\":" + id + ",\"text\":\"" + text + "\"}"));
        if (namespace != null) {
            ((ObjectNode) message.get("record")).put("namespace", namespace);
        }
        return message + "\n";
    }

    private static ObjectNode docsStream(String namespace) {
        ObjectNode configured = stream("docs", "append_dedup", List.of("id"), 1, 0);
        if (namespace != null) {
            ((ObjectNode) configured.get("stream")).put("namespace", namespace);
        }
        return configured;
    }

    private List<String> queryLines(String config, String... selection) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "query", "--config", file("config.json", config).toString(), "--text", "words", "--limit", "20"));
        args.addAll(List.of(selection));
        ConnectorProcess.Result answer = ConnectorProcess.run("", args.toArray(String[]::new));
        assertThat(answer.exitCode()).as(answer.stderr()).isZero();
        return answer.stdoutLines().stream()
                .filter(line -> line.startsWith("   text: "))
                .toList();
    }

    @Test
    void should_select_a_stream_by_name_and_namespace() {
        String collection = freshCollection("query-ns");
        String config = fakeConfig(collection, "");
        String input = docsRecord("alpha", 1, "alpha one")
                + docsRecord("alpha", 2, "alpha two")
                + docsRecord("beta", 1, "beta one")
                + docsRecord(null, 1, "plain one");
        var result = write(config, catalog(docsStream("alpha"), docsStream("beta"), docsStream(null)), input);
        assertThat(result.exitCode()).as(result.stderr()).isZero();

        assertThat(queryLines(config, "--stream", "docs", "--namespace", "alpha"))
                .containsExactlyInAnyOrder("   text: alpha one", "   text: alpha two");
        assertThat(queryLines(config, "--stream", "docs", "--namespace", "beta"))
                .containsExactly("   text: beta one");
        assertThat(queryLines(config, "--stream", "docs")).containsExactly("   text: plain one");
        assertThat(queryLines(config)).hasSize(4);
    }

    @Test
    void should_refuse_a_namespace_without_a_stream_as_a_config_error() {
        var answer = ConnectorProcess.run(
                "",
                "query",
                "--config",
                file("config.json", fakeConfig(freshCollection("query-ns"), "")).toString(),
                "--text",
                "words",
                "--namespace",
                "alpha");
        assertThat(answer.exitCode()).isEqualTo(1);
        assertThat(answer.traceError().get("failure_type").asText()).isEqualTo("config_error");
        assertThat(answer.traceError().get("message").asText()).contains("--stream");
    }
}
