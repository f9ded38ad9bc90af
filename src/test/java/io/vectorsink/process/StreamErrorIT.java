package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.stream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The built jar's TRACE errors name the stream of a failure that belongs to one, so Airbyte can point at it. */
class StreamErrorIT extends ProcessTestSupport {

    private static String namespacedRecord(String data) {
        return "{\"type\":\"RECORD\",\"record\":{\"namespace\":\"crm\",\"stream\":\"docs\",\"emitted_at\":1,"
                + "\"data\":" + data + "}}\n";
    }

    private String catalogInNamespace() {
        ObjectNode docs = stream("docs", "append_dedup", List.of("id"), 1, 0);
        ((ObjectNode) docs.get("stream")).put("namespace", "crm");
        return catalog(docs, stream("other", "append", List.of(), 1, 0));
    }

    @Test
    void should_carry_the_stream_descriptor_of_a_record_the_connector_cannot_map() {
        String config =
                """
                {"processing": {"chunk_size": 5, "text_fields": ["text"]},
                 "embedding": {"mode": "from_field", "field_name": "embedding", "dimensions": 3},
                 "indexing": {"mode": "chroma", "host": "%s", "collection": "%s"}}
                """
                        .formatted(chromaUrl(), freshCollection("stream-error"));

        var result = write(
                config,
                catalogInNamespace(),
                namespacedRecord("{\"id\":1,\"text\":\"fine\",\"embedding\":[1,0,0]}")
                        + namespacedRecord("{\"id\":2,\"text\":\"short vector\",\"embedding\":[1,2]}"));

        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
        JsonNode error = result.traceError();
        assertThat(error.get("failure_type").asText()).isEqualTo("config_error");
        assertThat(error.at("/stream_descriptor/namespace").asText()).isEqualTo("crm");
        assertThat(error.at("/stream_descriptor/name").asText()).isEqualTo("docs");
    }

    @Test
    void should_name_no_stream_for_a_line_that_belongs_to_none() {
        var result = write(fakeConfig(freshCollection("stream-error"), ""), catalogInNamespace(), "this is not JSON\n");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.traceError().has("stream_descriptor")).isFalse();
    }
}
