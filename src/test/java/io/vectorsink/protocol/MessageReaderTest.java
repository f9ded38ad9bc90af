package io.vectorsink.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vectorsink.error.ConnectorException;
import io.vectorsink.error.SystemException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageReaderTest {
    private static List<InputMessage> readAll(byte[] input) {
        List<InputMessage> messages = new ArrayList<>();
        new MessageReader(new ByteArrayInputStream(input)).forEachRemaining(messages::add);
        return messages;
    }

    private static List<InputMessage> readAll(String input) {
        return readAll(input.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void should_skip_blank_lines_and_number_lines_from_one() {
        var messages =
                readAll("\n  \n{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1,\"data\":{}}}\n\n");
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).lineNumber()).isEqualTo(3);
    }

    @Test
    void should_read_records_with_namespace_and_meta() {
        var record = (InputMessage.Record) MessageReader.parse(
                "{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"namespace\":\"n\",\"emitted_at\":5,"
                        + "\"data\":{\"a\":1},\"meta\":{\"changes\":[]},\"extra\":true},\"unknown\":1}",
                7);
        assertThat(record.stream()).isEqualTo(new StreamId("n", "s"));
        assertThat(record.emittedAt()).isEqualTo(5);
        assertThat(record.meta().has("changes")).isTrue();
    }

    @Test
    void should_read_every_state_type_and_keep_the_raw_state() {
        var stream = (InputMessage.State) MessageReader.parse(
                "{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"s\"},"
                        + "\"stream_state\":{\"c\":1}},\"id\":42,\"surprise\":[1]}}",
                1);
        assertThat(stream.type()).isEqualTo(InputMessage.StateType.STREAM);
        assertThat(stream.stream()).isEqualTo(StreamId.of("s"));
        assertThat(stream.raw().json())
                .isEqualTo("{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"s\"},"
                        + "\"stream_state\":{\"c\":1}},\"id\":42,\"surprise\":[1]}");
        var legacy = (InputMessage.State) MessageReader.parse("{\"type\":\"STATE\",\"state\":{\"data\":{\"x\":1}}}", 1);
        assertThat(legacy.type()).isEqualTo(InputMessage.StateType.LEGACY);
        var global = (InputMessage.State) MessageReader.parse(
                "{\"type\":\"STATE\",\"state\":{\"type\":\"GLOBAL\",\"global\":{\"shared_state\":{}}}}", 1);
        assertThat(global.type()).isEqualTo(InputMessage.StateType.GLOBAL);
    }

    @Test
    void should_read_stream_status_and_ignore_other_messages() {
        var status = (InputMessage.StreamStatus) MessageReader.parse(
                "{\"type\":\"TRACE\",\"trace\":{\"type\":\"STREAM_STATUS\",\"emitted_at\":1,\"stream_status\":"
                        + "{\"stream_descriptor\":{\"name\":\"s\",\"namespace\":\"n\"},\"status\":\"COMPLETE\"}}}",
                1);
        assertThat(status.isComplete()).isTrue();
        assertThat(status.stream()).isEqualTo(new StreamId("n", "s"));
        assertThat(MessageReader.parse("{\"type\":\"LOG\",\"log\":{}}", 1)).isInstanceOf(InputMessage.Ignored.class);
        assertThat(MessageReader.parse("{\"type\":\"SOMETHING_NEW\"}", 1)).isInstanceOf(InputMessage.Ignored.class);
    }

    @Test
    void should_name_the_line_but_never_quote_it_when_the_json_is_malformed() {
        assertThatThrownBy(
                        () -> readAll("{\"type\":\"LOG\",\"log\":{}}\n{\"type\":\"RECORD\",\"record\":{\"secret-data"))
                .isInstanceOf(SystemException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("not valid JSON")
                .hasMessageNotContaining("secret-data");
    }

    @Test
    void should_reject_lines_that_are_not_objects_or_lack_required_fields() {
        assertThatThrownBy(() -> MessageReader.parse("[1,2]", 3)).hasMessageContaining("line 3 is not a JSON object");
        assertThatThrownBy(
                        () -> MessageReader.parse("{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"data\":{}}}", 4))
                .hasMessageContaining("emitted_at");
        assertThatThrownBy(() -> MessageReader.parse(
                        "{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1,\"data\":\"text\"}}", 5))
                .hasMessageContaining("'data' is not an object");
        assertThatThrownBy(() -> MessageReader.parse("{\"type\":7}", 6)).hasMessageContaining("'type'");
    }

    @Test
    void should_mark_a_malformed_record_as_its_streams_failure_and_a_line_without_a_stream_as_none() {
        Throwable record = catchThrowable(() -> MessageReader.parse(
                "{\"type\":\"RECORD\",\"record\":{\"namespace\":\"crm\",\"stream\":\"s\",\"emitted_at\":1,"
                        + "\"data\":[]}}",
                5));
        Throwable line = catchThrowable(() -> MessageReader.parse("{not json", 6));

        assertThat(((ConnectorException) record).streamName()).contains("s");
        assertThat(((ConnectorException) record).streamNamespace()).contains("crm");
        assertThat(((ConnectorException) line).streamName()).isEmpty();
    }

    @Test
    void should_reject_duplicate_keys_without_naming_their_content() {
        assertThatThrownBy(() -> MessageReader.parse(
                        "{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1,\"data\":{\"k\":1,\"k\":2}}}",
                        9))
                .hasMessageContaining("line 9")
                .hasMessageContaining("same key twice");
    }

    @Test
    void should_reject_invalid_utf8_and_accept_a_leading_bom() {
        byte[] invalid = "{\"type\":\"LOG\",\"log\":{\"m\":\"x\"}}\n{\"type\":\"LOG\",\"x\":\"\u00ff\"}"
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> readAll(invalid)).hasMessageContaining("line 2 is not valid UTF-8");
        assertThat(readAll("\uFEFF{\"type\":\"LOG\",\"log\":{}}")).hasSize(1);
    }

    @Test
    void should_keep_unicode_values_intact() {
        var record = (InputMessage.Record) MessageReader.parse(
                "{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1,"
                        + "\"data\":{\"t\":\"a\\u0000b\\u2028c \uD83D\uDE00\"}}}",
                1);
        assertThat(record.data().get("t").asText()).isEqualTo("a\u0000b\u2028c \uD83D\uDE00");
    }

    @Test
    void should_name_the_problem_of_a_field_name_too_long_or_with_an_unpaired_surrogate() {
        String envelope = "{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1,\"data\":{\"%s\":1}}}";
        assertThatThrownBy(() -> MessageReader.parse(envelope.formatted("private" + "k".repeat(60_000)), 3))
                .hasMessageContaining("line 3")
                .hasMessageContaining("field name longer than 50000 characters")
                .hasMessageNotContaining("private");
        assertThatThrownBy(() -> MessageReader.parse(envelope.formatted("private\\ud800"), 4))
                .hasMessageContaining("line 4")
                .hasMessageContaining("unpaired UTF-16 surrogate")
                .hasMessageNotContaining("private");
    }

    @Test
    void should_fail_clearly_on_nesting_deeper_than_the_limit() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        assertThatThrownBy(() -> MessageReader.parse(
                        "{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1,\"data\":{\"d\":" + deep
                                + "}}}",
                        2))
                .hasMessageContaining("line 2")
                .hasMessageContaining("nesting");
    }

    @Test
    void should_name_the_line_of_a_number_whose_exponent_no_decimal_can_hold() {
        // Valid JSON, but beyond BigDecimal's int scale: Jackson throws a bare NumberFormatException, which
        // used to end the sync as "Unexpected failure: java.lang.NumberFormatException" without a line.
        String record = "{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1,\"data\":{\"n\":%s}}}";
        String state = "{\"type\":\"STATE\",\"state\":{\"type\":\"LEGACY\",\"data\":{\"n\":%s}}}";
        for (String number : List.of("1e9999999999", "-1E+9999999999", "1e-9999999999", "0.5e99999999999999999999")) {
            for (String line : List.of(record.formatted(number), state.formatted(number))) {
                assertThatThrownBy(() -> MessageReader.parse(line, 7))
                        .isInstanceOf(SystemException.class)
                        .hasMessage("Input line 7 exceeds a parser limit (a number with an exponent beyond"
                                + " \u00b12147483647)");
            }
        }
        var largest = (InputMessage.Record) MessageReader.parse(record.formatted("1e2147483647"), 1);
        assertThat(largest.data().get("n").asText()).isEqualTo("1e2147483647");
    }

    /**
     * A STATE's blob is read token by token, not built as a tree, with every check a record's data gets: each
     * bad value fails the same way inside a record's data, a STREAM state's stream_state and a LEGACY state's
     * data.
     */
    @Test
    void should_check_a_state_blob_as_strictly_as_a_record_without_building_it() {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("{\"private\":1,\"private\":2}", "Input line 8 has an object with the same key twice");
        bad.put("{\"private\\ud800\":1}", "Input line 8 has a field name with an unpaired UTF-16 surrogate escape");
        bad.put(
                "{\"private" + "k".repeat(60_000) + "\":1}",
                "Input line 8 exceeds a parser limit (a field name longer than 50000 characters)");
        bad.put(
                "[".repeat(1_001) + "]".repeat(1_001),
                "Input line 8 exceeds a parser limit (nesting deeper than 1000 levels)");
        bad.put(
                "{\"n\":" + "9".repeat(10_001) + "}",
                "Input line 8 exceeds a parser limit (a number longer than 10000 digits)");
        bad.put(
                "{\"n\":1." + "5".repeat(10_001) + "}",
                "Input line 8 exceeds a parser limit (a number longer than 10000 digits)");
        bad.put(
                "{\"n\":1e99999999999}",
                "Input line 8 exceeds a parser limit (a number with an exponent beyond \u00b12147483647)");
        String record = "{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1,\"data\":{\"v\":%s}}}";
        String stream = "{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":"
                + "{\"name\":\"s\"},\"stream_state\":{\"v\":%s}}}}";
        String legacy = "{\"type\":\"STATE\",\"state\":{\"data\":{\"v\":%s}}}";
        bad.forEach((value, message) -> {
            for (String line : List.of(record.formatted(value), stream.formatted(value), legacy.formatted(value))) {
                assertThatThrownBy(() -> MessageReader.parse(line, 8))
                        .as(line.substring(0, Math.min(line.length(), 120)))
                        .isInstanceOf(SystemException.class)
                        .hasMessage(message);
            }
        });
        // Malformed JSON is named with the column the whole tree's parse names, and text after it is refused.
        for (String line : List.of(legacy.formatted("{\"a\":tru}"), legacy.formatted("1") + " {}")) {
            Throwable tree = catchThrowable(() -> SourceJson.read(line));
            assertThatThrownBy(() -> MessageReader.parse(line, 8))
                    .hasMessage("Input line 8 is not valid JSON at column "
                            + ((JsonProcessingException) tree).getLocation().getColumnNr());
        }
        assertThatThrownBy(() ->
                        MessageReader.parse("{\"type\":\"STATE\",\"state\":{\"data\":1},\"state\":{\"data\":2}}", 8))
                .hasMessage("Input line 8 has an object with the same key twice");
    }

    @Test
    void should_read_what_the_connector_needs_of_a_state_and_nothing_of_its_blob() throws Exception {
        String line = "{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":{\"stream_state\":"
                + "{\"a\":[1,{\"b\":\"c\"}]},\"stream_descriptor\":{\"name\":\"s\",\"namespace\":\"n\"}},"
                + "\"global\":{\"x\":1}}}";
        MessageLine parsed = MessageLine.read(line);
        JsonNode state = parsed.root().get("state");
        assertThat(state.get("stream").get("stream_state")).isEqualTo(JsonNodeFactory.instance.objectNode());
        assertThat(state.get("global")).isEqualTo(JsonNodeFactory.instance.objectNode());
        assertThat(line.substring(parsed.stateStart(), parsed.stateEnd()))
                .isEqualTo(line.substring(line.indexOf(":{") + 1, line.length() - 1));
        var message = (InputMessage.State) MessageReader.parse(line, 1);
        assertThat(message.stream()).isEqualTo(new StreamId("n", "s"));
        assertThat(message.raw().json()).isEqualTo(line.substring(parsed.stateStart(), parsed.stateEnd()));
        // A type, stream or descriptor of the wrong kind is still refused.
        assertThatThrownBy(() -> MessageReader.parse("{\"type\":\"STATE\",\"state\":{\"type\":[\"STREAM\"]}}", 2))
                .hasMessage("Input line 2 is a STATE whose 'type' is not a string");
        assertThatThrownBy(() ->
                        MessageReader.parse("{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":[]}}", 2))
                .hasMessage("Input line 2 has no object 'stream'");
        assertThatThrownBy(() -> MessageReader.parse(
                        "{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":"
                                + "{\"name\":\"s\",\"namespace\":{}}}}}",
                        2))
                .hasMessage("Input line 2 has a 'namespace' that is not a string");
    }

    /** An input that hands out at most {@code chunk} bytes per read, as a pipe may. */
    private static List<InputMessage> readInChunks(byte[] input, int chunk) {
        InputStream in = new ByteArrayInputStream(input) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
        List<InputMessage> messages = new ArrayList<>();
        new MessageReader(in).forEachRemaining(messages::add);
        return messages;
    }

    /**
     * Lines are found in a buffer the reader refills: a line, a CRLF, a multi-byte character or invalid UTF-8
     * split across refills reads as in one piece, and a long line crossing several refills is whole.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 65_535, 65_536, 65_537, 1 << 20})
    void should_read_the_same_lines_however_the_input_arrives(int chunk) {
        String text = "\u00e9\ud83d\ude00 ".repeat(30_000); // 180,000 bytes, every character multi-byte
        String log = "{\"type\":\"LOG\",\"log\":{}}";
        String record = "{\"type\":\"RECORD\",\"record\":{\"stream\":\"s\",\"emitted_at\":1,\"data\":{\"t\":\"" + text
                + "\"}}}";
        String input = "\uFEFF" + log + "\r\n" + record + "\n\r\n\n" + record + "\r\n" + log;
        List<InputMessage> messages = readInChunks(input.getBytes(StandardCharsets.UTF_8), chunk);

        assertThat(messages).extracting(InputMessage::lineNumber).containsExactly(1L, 2L, 5L, 6L);
        assertThat(((InputMessage.Record) messages.get(1)).data().get("t").asText())
                .isEqualTo(text);
        assertThat(((InputMessage.Record) messages.get(2)).data().get("t").asText())
                .isEqualTo(text);

        byte[] bad = (log + "\n" + log + "\r\n" + record + "\n" + log).getBytes(StandardCharsets.UTF_8);
        int at = bad.length - log.length() - 100_000;
        bad[at] = (byte) 0xff; // inside the record of line 3
        assertThatThrownBy(() -> readInChunks(bad, chunk)).hasMessage("Input line 3 is not valid UTF-8");
    }
}
