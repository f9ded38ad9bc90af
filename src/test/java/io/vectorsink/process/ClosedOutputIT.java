package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.record;
import static io.vectorsink.testing.Messages.stream;
import static io.vectorsink.testing.Messages.streamState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.testing.ConnectorProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the connector does when the reader of its stdout goes away, and when the platform stops it with a
 * signal: states that could not be delivered make the exit code a failure, never 0.
 */
class ClosedOutputIT extends ProcessTestSupport {
    private static final String CATALOG = catalog(stream("docs", "append_dedup", List.of("id"), 1, 0));

    /** 30 records, each followed by its state. */
    private static String thirtyStates() {
        StringBuilder input = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            input.append(record("docs", "{\"id\":" + i + ",\"text\":\"record " + i + "\"}"));
            input.append(streamState("docs", "{\"c\":" + i + "}"));
        }
        return input.toString();
    }

    @Test
    void should_fail_when_stdout_is_closed_by_its_reader() throws Exception {
        Path config = file("config.json", fakeConfig(freshCollection("closed"), ""));
        Path catalog = file("catalog.json", CATALOG);
        Path input = dir.resolve("input.jsonl");
        Files.writeString(input, thirtyStates());
        Path stderr = dir.resolve("stderr.txt");
        Path exitCode = dir.resolve("exit-code.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Exactly as the issue ran it: `write ... | head -1`; the shell records the connector's own exit code.
        String script = "'%s' -Xmx512m -jar '%s' write --config '%s' --catalog '%s' < '%s' 2> '%s' | head -1;"
                        .formatted(java, ConnectorProcess.jar().toAbsolutePath(), config, catalog, input, stderr)
                + " echo ${PIPESTATUS[0]} > '" + exitCode + "'";
        Process shell = new ProcessBuilder("bash", "-c", script)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(shell.waitFor(180, TimeUnit.SECONDS)).isTrue();

        String errors = Files.readString(stderr, StandardCharsets.UTF_8);
        assertThat(Files.readString(exitCode).strip())
                .as("the connector's exit code; stderr:\n" + errors)
                .isEqualTo("1");
        assertThat(errors).contains("system_error").contains("Standard output is closed");
    }

    @Test
    void should_exit_with_a_failure_and_say_so_on_stderr_when_terminated() throws Exception {
        String collection = freshCollection("sigterm");
        try (ConnectorProcess process = startWrite(fakeConfig(collection, ""), CATALOG)) {
            process.write(record("docs", "{\"id\":1,\"text\":\"one\"}") + streamState("docs", "{\"c\":1}"));
            JsonNode state = process.awaitMessage(m -> m.path("type").asText().equals("STATE"), 60);
            assertThat(state)
                    .as("the first state is released while stdin stays open")
                    .isNotNull();

            process.terminate(); // SIGTERM, stdin still open: the sync is cancelled mid-way
            ConnectorProcess.Result result = process.await(60);

            assertThat(result.exitCode()).as("128 + SIGTERM").isEqualTo(143);
            assertThat(result.stderr()).contains("stopped by a signal before write finished");
            assertThat(result.traceError()).isNull();
        }
    }

    @Test
    void should_exit_0_when_every_message_was_delivered() throws IOException {
        ConnectorProcess.Result result = write(fakeConfig(freshCollection("open"), ""), CATALOG, thirtyStates());
        assertThat(result.exitCode()).as("stderr:\n" + result.stderr()).isZero();
        assertThat(result.states()).hasSize(30);
        assertThat(result.stderr()).doesNotContain("stopped by a signal");
    }
}
