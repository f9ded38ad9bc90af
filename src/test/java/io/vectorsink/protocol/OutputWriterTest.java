package io.vectorsink.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutputWriterTest {
    private final StringWriter buffer = new StringWriter();
    private final OutputWriter writer = new OutputWriter(
            buffer, Clock.fixed(Instant.ofEpochMilli(1000), ZoneOffset.UTC), text -> text.replace("sk-secret", "****"));

    private JsonNode only() throws Exception {
        String[] lines = buffer.toString().split("\n");
        assertThat(lines).hasSize(1);
        return Json.MAPPER.readTree(lines[0]);
    }

    /**
     * Echoes the state of a STATE line with record count 3, and returns the state text written: the same
     * whether the state is most of its line (kept as the line and offsets) or a small part (copied out).
     */
    private String echo(String stateJson) {
        String most = echoOf("{\"type\":\"STATE\", \"state\": " + stateJson + " }");
        String pad = "p".repeat(2 * stateJson.length() + 64);
        String small = echoOf("{\"type\":\"STATE\", \"state\": " + stateJson + " , \"pad\": \"" + pad + "\"}");
        assertThat(small).isEqualTo(most);
        return most;
    }

    private String echoOf(String stateLine) {
        var state = (InputMessage.State) MessageReader.parse(stateLine, 1);
        writer.state(state.raw(), 3);
        String line = buffer.toString();
        buffer.getBuffer().setLength(0);
        String prefix = "{\"type\":\"STATE\",\"state\":";
        assertThat(line).startsWith(prefix).endsWith("}\n");
        return line.substring(prefix.length(), line.length() - 2);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                // unknown fields, sourceStats and its 2.0 kept as written
                "{\"type\":\"GLOBAL\",\"id\":7,\"sourceStats\":{\"recordCount\":2.0},\"x-new\":{\"a\":[1]}}"
                        + "|{\"type\":\"GLOBAL\",\"id\":7,\"sourceStats\":{\"recordCount\":2.0},\"x-new\":{\"a\":[1]},"
                        + "\"destinationStats\":{\"recordCount\":3.0}}",
                // a lone surrogate escape and other escapes stay escapes
                "{\"data\":{\"cursor\":\"key\\ud800\",\"e\":\"\\u00e9\\/\\t\\\"\"}}"
                        + "|{\"data\":{\"cursor\":\"key\\ud800\",\"e\":\"\\u00e9\\/\\t\\\"\"},"
                        + "\"destinationStats\":{\"recordCount\":3.0}}",
                // number literals as the source wrote them
                "{\"data\":{\"a\":100.0,\"b\":1700000000.000,\"c\":-0.0,\"d\":1E2,\"e\":1e-7,\"f\":-0}}"
                        + "|{\"data\":{\"a\":100.0,\"b\":1700000000.000,\"c\":-0.0,\"d\":1E2,\"e\":1e-7,\"f\":-0},"
                        + "\"destinationStats\":{\"recordCount\":3.0}}",
                // whitespace inside the state is kept
                "`{ \"data\" : { \"a\" : 1 } }`|`{ \"data\" : { \"a\" : 1 } ,\"destinationStats\":{\"recordCount\":3.0}}`",
                "{}|{\"destinationStats\":{\"recordCount\":3.0}}",
                "`{ }`|`{ \"destinationStats\":{\"recordCount\":3.0}}`",
                // a destinationStats of the source: recordCount set in it, its other fields kept
                "{\"data\":{},\"destinationStats\":{\"recordCount\":99,\"other\":1.50}}"
                        + "|{\"data\":{},\"destinationStats\":{\"recordCount\":3.0,\"other\":1.50}}",
                "`{\"destinationStats\":{\"other\":\"x\",\"recordCount\": 5 },\"z\":1}`"
                        + "|`{\"destinationStats\":{\"other\":\"x\",\"recordCount\": 3.0 },\"z\":1}`",
                "{\"destinationStats\":{\"recordCount\":\"a\\\"b\",\"o\":[1]}}|{\"destinationStats\":{\"recordCount\":3.0,\"o\":[1]}}",
                "{\"destinationStats\":{\"recordCount\":{\"n\":[1,{}]}}}|{\"destinationStats\":{\"recordCount\":3.0}}",
                "{\"destinationStats\":{\"other\":1}}|{\"destinationStats\":{\"recordCount\":3.0,\"other\":1}}",
                "{\"destinationStats\":{}}|{\"destinationStats\":{\"recordCount\":3.0}}",
                "{\"destinationStats\":null,\"data\":1}|{\"destinationStats\":{\"recordCount\":3.0},\"data\":1}",
                "{\"destinationStats\":[1,2],\"data\":1}|{\"destinationStats\":{\"recordCount\":3.0},\"data\":1}",
            })
    void should_echo_a_state_byte_for_byte_with_only_the_record_count_added(String in, String out) {
        assertThat(echo(in)).isEqualTo(out);
    }

    /**
     * Only the state's own top-level {@code destinationStats} is written into: found by its decoded name
     * (the escape kept), never one nested deeper, and a non-object value is replaced wherever it ends.
     */
    @Test
    void should_write_only_the_top_level_destination_stats_however_the_state_spells_it() {
        String[][] cases = {
            {
                "{\"destination\\u0053tats\":{\"record\\u0043ount\":1,\"a\":{\"recordCount\":1}}}",
                "{\"destination\\u0053tats\":{\"record\\u0043ount\":3.0,\"a\":{\"recordCount\":1}}}"
            },
            {
                "{\"data\":{\"destinationStats\":{\"recordCount\":1}},\"stream\":{\"destinationStats\":2}}",
                "{\"data\":{\"destinationStats\":{\"recordCount\":1}},\"stream\":{\"destinationStats\":2},"
                        + "\"destinationStats\":{\"recordCount\":3.0}}"
            },
            {"{\"destinationStats\": 5 ,\"z\":1}", "{\"destinationStats\": {\"recordCount\":3.0} ,\"z\":1}"},
            {"{\"destinationStats\":\"a\\\"}\" ,\"z\":1}", "{\"destinationStats\":{\"recordCount\":3.0} ,\"z\":1}"},
            {"{\"destinationStats\":{\"recordCount\":-1.5e3}}", "{\"destinationStats\":{\"recordCount\":3.0}}"},
            {
                "{\"\u00e9\ud83d\ude00\":1,\"destinationStats\":{}}",
                "{\"\u00e9\ud83d\ude00\":1,\"destinationStats\":{\"recordCount\":3.0}}"
            },
        };
        for (String[] c : cases) {
            assertThat(echo(c[0])).as(c[0]).isEqualTo(c[1]);
        }
    }

    /** A state far larger than the parser's buffers: the offsets of the splice stay exact across them. */
    @Test
    void should_splice_the_record_count_exactly_into_a_state_larger_than_the_parsers_buffers() {
        for (int length : new int[] {3990, 4000, 4010, 32_760, 32_770, 65_530, 100_000}) {
            String filler = "{\"data\":\"" + "x".repeat(length) + "\",";
            assertThat(echo(filler + "\"destinationStats\":{\"a\":\"b\",\"recordCount\": 7 }}"))
                    .isEqualTo(filler + "\"destinationStats\":{\"a\":\"b\",\"recordCount\": 3.0 }}");
            assertThat(echo(filler + "\"destinationStats\": 12345 ,\"z\":1}"))
                    .isEqualTo(filler + "\"destinationStats\": {\"recordCount\":3.0} ,\"z\":1}");
        }
    }

    @Test
    void should_fail_and_stay_closed_when_stdout_cannot_be_written() {
        Writer closed = new Writer() {
            @Override
            public void write(char[] chars, int offset, int length) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        OutputWriter broken = new OutputWriter(closed, Clock.systemUTC(), text -> text);
        var state = (InputMessage.State) MessageReader.parse("{\"type\":\"STATE\",\"state\":{}}", 1);

        assertThatThrownBy(() -> broken.state(state.raw(), 1))
                .isInstanceOf(SystemException.class)
                .hasMessageContaining("Standard output is closed");
        assertThat(broken.isClosed()).isTrue();
        assertThatThrownBy(() -> broken.info("later")).isInstanceOf(SystemException.class);
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
