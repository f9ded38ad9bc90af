package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.record;
import static io.vectorsink.testing.Messages.stream;
import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.testing.ConnectorProcess;
import io.vectorsink.testing.ImageJvmOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A STATE of about 60 MB (a million cursor entries) through the built jar at the Docker image's JVM options
 * (-Xmx256m): it must be echoed intact with its record count. Reading it used to build its whole JSON tree
 * and two more copies of its text, and ended with "Reading the input failed: java.lang.OutOfMemoryError".
 */
class LargeStateIT extends ProcessTestSupport {
    private static final int ENTRIES = 1_000_000;

    @Test
    void should_echo_a_state_of_a_million_entries_intact_within_the_images_heap() {
        String collection = freshCollection("large-state");
        String state = largeState();
        String input = record("docs", "{\"id\":1,\"text\":\"" + LONG + "\"}") + "{\"type\":\"STATE\",\"state\":" + state
                + "}\n";
        assertThat(input.length()).isGreaterThan(58_000_000);

        ConnectorProcess.Result result;
        try (ConnectorProcess process = startWrite(
                fakeConfig(collection, ""),
                catalog(stream("docs", "append_dedup", List.of("id"), 1, 0)),
                Map.of(),
                ImageJvmOptions.read())) {
            process.write(input);
            process.closeStdin();
            result = ok(process.await(120));
        }

        List<String> states = result.stdoutLines().stream()
                .filter(line -> line.startsWith("{\"type\":\"STATE\""))
                .toList();
        assertThat(states).hasSize(1);
        String expected = "{\"type\":\"STATE\",\"state\":" + state.substring(0, state.length() - 1)
                + ",\"destinationStats\":{\"recordCount\":1.0}}}";
        // Not isEqualTo: a failure would print 60 MB.
        assertThat(states.get(0).length()).isEqualTo(expected.length());
        assertThat(states.get(0).equals(expected))
                .as("the echo is the state, byte for byte")
                .isTrue();
        assertThat(chroma().all(collection)).hasSize(2);
    }

    /**
     * A STREAM state whose blob holds a million entries, with the literals and escapes an echo must keep as
     * written: {@code 100.0}, {@code -0.0}, {@code 1E+2}, an escaped slash, an unpaired surrogate escape.
     */
    private static String largeState() {
        StringBuilder blob = new StringBuilder(ENTRIES * 60);
        blob.append("{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"docs\"},\"stream_state\":{");
        for (int i = 0; i < ENTRIES; i++) {
            if (i > 0) {
                blob.append(',');
            }
            blob.append("\"cursor-")
                    .append(i)
                    .append("\": {\"at\":\"2026-12-07T04:00:00Z\\/x\",\"n\":")
                    .append(i % 3 == 0 ? "100.0" : i % 3 == 1 ? "-0.0" : "1E+2")
                    .append(i % 1000 == 0 ? ",\"s\":\"\\ud800\"" : "")
                    .append('}');
        }
        return blob.append("}}, \"id\" : 7 }").toString();
    }
}
