package io.vectorsink.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.TransientException;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class OutputWriterTest {
    private final StringWriter buffer = new StringWriter();
    private final OutputWriter writer = new OutputWriter(
            buffer, Clock.fixed(Instant.ofEpochMilli(1000), ZoneOffset.UTC), text -> text.replace("sk-secret", "****"));

    private JsonNode only() throws Exception {
        String[] lines = buffer.toString().split("\n");
        assertThat(lines).hasSize(1);
        return Json.MAPPER.readTree(lines[0]);
    }

    @Test
    void should_echo_state_with_unknown_fields_and_add_record_count() throws Exception {
        ObjectNode raw = (ObjectNode) Json.MAPPER.readTree(
                "{\"type\":\"STREAM\",\"id\":7,\"sourceStats\":{\"recordCount\":3.0},\"x-new\":{\"a\":[1]}}");
        writer.state(raw, 3);
        JsonNode state = only().get("state");
        assertThat(state.get("id").asInt()).isEqualTo(7);
        assertThat(state.get("x-new").get("a").get(0).asInt()).isEqualTo(1);
        assertThat(state.get("sourceStats").get("recordCount").asDouble()).isEqualTo(3.0);
        assertThat(buffer.toString()).contains("\"destinationStats\":{\"recordCount\":3.0}");
        assertThat(state.get("destinationStats").get("recordCount").asDouble()).isEqualTo(3.0);
        assertThat(raw.has("destinationStats"))
                .as("the input state is not modified")
                .isFalse();
    }

    @Test
    void should_write_trace_errors_with_failure_type_and_redacted_text() throws Exception {
        writer.error(new ConfigException("key sk-secret was rejected"));
        JsonNode error = only().get("trace").get("error");
        assertThat(error.get("failure_type").asText()).isEqualTo("config_error");
        assertThat(error.get("message").asText()).isEqualTo("key **** was rejected");
        assertThat(buffer.toString()).doesNotContain("sk-secret");
        assertThat(error.get("stack_trace").asText()).contains("ConfigException");
        assertThat(error.has("stream_descriptor"))
                .as("a failure of no stream names none")
                .isFalse();
    }

    @Test
    void should_name_the_stream_of_an_error_that_belongs_to_one() throws Exception {
        writer.error(new ConfigException("bad vector").inStream("public", "users"));
        writer.error(new TransientException("outage").inStream(null, "docs").inStream("other", "first wins"));

        String[] lines = buffer.toString().split("\n");
        JsonNode namespaced = Json.MAPPER.readTree(lines[0]).at("/trace/error/stream_descriptor");
        JsonNode plain = Json.MAPPER.readTree(lines[1]).at("/trace/error/stream_descriptor");
        assertThat(namespaced.get("namespace").asText()).isEqualTo("public");
        assertThat(namespaced.get("name").asText()).isEqualTo("users");
        assertThat(plain.get("name").asText()).isEqualTo("docs");
        assertThat(plain.has("namespace")).isFalse();
    }
}
