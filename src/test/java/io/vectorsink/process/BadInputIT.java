package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.globalState;
import static io.vectorsink.testing.Messages.record;
import static io.vectorsink.testing.Messages.status;
import static io.vectorsink.testing.Messages.stream;
import static io.vectorsink.testing.Messages.streamState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.testing.ChromaInspector.Point;
import io.vectorsink.testing.ConnectorProcess;
import io.vectorsink.testing.HoldingProxy;
import io.vectorsink.testing.Messages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad input corpus (issue 4, parts 3 and 4), one row per case of {@code docs/bad-input.md}: each case
 * runs the built jar against the real Chroma and has one defined outcome. A failing case must end with
 * exit 1 and one TRACE error of the right failure type whose message names the line or the stream and
 * never quotes record content; an accepted case must store what the table says, with any change recorded
 * on the row. Every input starts with a good record and its state, and every case proves that they are
 * stored intact and that the state was emitted: nothing already written is lost. Every run configures a
 * Chroma token (the local server ignores it), and no output of any run may contain it.
 */
class BadInputIT extends ProcessTestSupport {
    /** The configured Chroma token: unique per run of this class, and never to be printed. */
    private static final String SECRET = "vs-secret-" + UUID.randomUUID();

    /** Record content in the bad lines: error messages must never quote it. */
    private static final String PRIVATE = "private-7c1e";

    private static final String SYSTEM = "system_error";
    private static final String CONFIG = "config_error";

    /** Lines 1 and 2 of every input: a good record and its state, before anything bad. */
    private static final String PREFIX = record("docs", "{\"id\":1,\"text\":\"good record\"}") + state(1);

    private static final String DOCS = catalog(stream("docs", "append_dedup", List.of("id"), 1, 0));

    /** Eleven words: two chunks at chunk_size 10. */
    private static final String ELEVEN_WORDS = "one two three four five six seven eight nine ten eleven";

    // ---------------------------------------------------------------- cases that stop the sync

    static Stream<Arguments> failing() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        return Stream.of(
                failing(
                        "truncated JSON",
                        "{\"type\":\"RECORD\",\"record\":{\"stream\":\"docs\",\"data\":{\"text\":\"" + PRIVATE + "\n",
                        SYSTEM,
                        "line 3",
                        "not valid JSON"),
                failing("a line that is an array", "[\"" + PRIVATE + "\"]\n", SYSTEM, "line 3", "not a JSON object"),
                failing("a line that is a string", "\"" + PRIVATE + "\"\n", SYSTEM, "line 3", "not a JSON object"),
                failing("a line that is a number", "42\n", SYSTEM, "line 3", "not a JSON object"),
                failing("a line that is null", "null\n", SYSTEM, "line 3", "not a JSON object"),
                failing(
                        "a message without a type",
                        "{\"record\":{\"stream\":\"docs\",\"data\":{\"text\":\"" + PRIVATE + "\"}}}\n",
                        SYSTEM,
                        "line 3",
                        "no string 'type'"),
                failing("a type that is a number", "{\"type\":3}\n", SYSTEM, "line 3", "no string 'type'"),
                failing("a RECORD without its record", "{\"type\":\"RECORD\"}\n", SYSTEM, "line 3", "'record'"),
                failing(
                        "stream as a number",
                        "{\"type\":\"RECORD\",\"record\":{\"stream\":5,\"emitted_at\":1,\"data\":{\"id\":2,\"text\":\""
                                + PRIVATE + "\"}}}\n",
                        SYSTEM,
                        "line 3",
                        "'stream'"),
                failing(
                        "data as a string",
                        "{\"type\":\"RECORD\",\"record\":{\"stream\":\"docs\",\"emitted_at\":1,\"data\":\"{\\\"id\\\":\\\""
                                + PRIVATE + "\\\"}\"}}\n",
                        SYSTEM,
                        "line 3",
                        "'data' is not an object"),
                failing(
                        "emitted_at as a string",
                        "{\"type\":\"RECORD\",\"record\":{\"stream\":\"docs\",\"emitted_at\":\"1700000000000\","
                                + "\"data\":{\"id\":2,\"text\":\"" + PRIVATE + "\"}}}\n",
                        SYSTEM,
                        "line 3",
                        "'emitted_at' is not an integer"),
                failing(
                        "namespace as a number",
                        "{\"type\":\"RECORD\",\"record\":{\"stream\":\"docs\",\"namespace\":7,\"emitted_at\":1,"
                                + "\"data\":{\"id\":2,\"text\":\"" + PRIVATE + "\"}}}\n",
                        SYSTEM,
                        "line 3",
                        "'namespace' that is not a string"),
                failing(
                        "a STATE of an unknown type",
                        "{\"type\":\"STATE\",\"state\":{\"type\":\"SHARDED\",\"data\":{\"c\":\"" + PRIVATE + "\"}}}\n",
                        SYSTEM,
                        "line 3",
                        "unknown type"),
                failing(
                        "a STREAM state without its stream descriptor",
                        "{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":{\"stream_state\":{}}}}\n",
                        SYSTEM,
                        "line 3",
                        "'stream_descriptor'"),
                failing(
                        "a record of a stream outside the catalog",
                        record("elsewhere", "{\"id\":2,\"text\":\"" + PRIVATE + "\"}"),
                        CONFIG,
                        "line 3",
                        "elsewhere"),
                failing(
                        "a missing primary key",
                        line("{\"text\":\"" + PRIVATE + "\"}"),
                        CONFIG,
                        "line 3",
                        "stream docs",
                        "'id'"),
                failing(
                        "a null primary key",
                        line("{\"id\":null,\"text\":\"" + PRIVATE + "\"}"),
                        CONFIG,
                        "line 3",
                        "stream docs",
                        "'id'"),
                failing(
                        "a primary key over the store's 4096-byte limit",
                        line("{\"id\":\"" + PRIVATE + "x".repeat(5000) + "\",\"text\":\"t\"}"),
                        CONFIG,
                        "line 3",
                        "stream docs",
                        "'id'",
                        "4096"),
                failing(
                        "10,000 levels of nesting",
                        line("{\"id\":2,\"text\":\"" + PRIVATE + "\",\"deep\":" + deep + "}"),
                        SYSTEM,
                        "line 3",
                        "nesting deeper than 1000 levels"),
                failing(
                        "invalid UTF-8",
                        bytes(line("{\"id\":2,\"text\":\"" + PRIVATE + " @@\"}"), "@@", new byte[] {
                            (byte) 0xFF, (byte) 0xFE
                        }),
                        SYSTEM,
                        "line 3",
                        "not valid UTF-8"),
                failing(
                        "a surrogate encoded as UTF-8 bytes (CESU-8)",
                        bytes(line("{\"id\":2,\"text\":\"" + PRIVATE + " @@\"}"), "@@", new byte[] {
                            (byte) 0xED, (byte) 0xA0, (byte) 0x80
                        }),
                        SYSTEM,
                        "line 3",
                        "not valid UTF-8"),
                failing(
                        "a BOM that is not at the start of the input",
                        "\uFEFF" + line("{\"id\":2,\"text\":\"" + PRIVATE + "\"}"),
                        SYSTEM,
                        "line 3",
                        "not valid JSON"),
                failing(
                        "duplicate keys in data",
                        line("{\"id\":2,\"text\":\"" + PRIVATE + "\",\"text\":\"other\"}"),
                        SYSTEM,
                        "line 3",
                        "same key twice"),
                failing(
                        "duplicate keys in a nested object",
                        line("{\"id\":2,\"text\":\"" + PRIVATE + "\",\"o\":{\"a\":1,\"a\":2}}"),
                        SYSTEM,
                        "line 3",
                        "same key twice"),
                failing(
                        "duplicate keys in the message envelope",
                        "{\"type\":\"STATE\",\"type\":\"RECORD\",\"record\":{\"stream\":\"docs\",\"emitted_at\":1,"
                                + "\"data\":{\"id\":2,\"text\":\"" + PRIVATE + "\"}}}\n",
                        SYSTEM,
                        "line 3",
                        "same key twice"),
                failing(
                        "trailing garbage after the object",
                        line("{\"id\":2,\"text\":\"" + PRIVATE + "\"}").strip() + " garbage\n",
                        SYSTEM,
                        "line 3",
                        "not valid JSON"),
                failing(
                        "a second object on the same line",
                        line("{\"id\":2,\"text\":\"" + PRIVATE + "\"}").strip()
                                + line("{\"id\":3,\"text\":\"" + PRIVATE + "\"}"),
                        SYSTEM,
                        "line 3",
                        "not valid JSON"),
                failing(
                        "a field name over 50,000 characters",
                        line("{\"id\":2,\"text\":\"t\",\"" + PRIVATE + "k".repeat(60_000) + "\":1}"),
                        SYSTEM,
                        "line 3",
                        "field name longer than 50000 characters"),
                failing(
                        "a number whose exponent no decimal holds",
                        line("{\"id\":2,\"text\":\"" + PRIVATE + "\",\"n\":1e9999999999}"),
                        SYSTEM,
                        "line 3",
                        "a number with an exponent beyond"),
                failing(
                        "an unpaired surrogate in a field name",
                        line("{\"id\":2,\"text\":\"t\",\"" + PRIVATE + "\\ud800\":1}"),
                        SYSTEM,
                        "line 3",
                        "unpaired UTF-16 surrogate"),
                failing(
                        "a record whose text fields are all null",
                        line("{\"id\":2,\"text\":null,\"title\":\"" + PRIVATE + "\"}"),
                        CONFIG,
                        "line 3",
                        "stream docs",
                        "[text]"),
                failing(
                        "a record after its stream's COMPLETE",
                        status("docs", "COMPLETE") + line("{\"id\":2,\"text\":\"" + PRIVATE + "\"}"),
                        SYSTEM,
                        "line 4",
                        "stream docs",
                        "COMPLETE"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failing")
    void should_stop_with_one_clear_error_and_keep_everything_before_the_bad_line(
            String name, byte[] badLines, String failureType, List<String> says) {
        Run run = run(freshCollection("bad"), 10, 4, DOCS, concat(PREFIX.getBytes(StandardCharsets.UTF_8), badLines));

        assertThat(run.result().exitCode())
                .as("exit code; stderr:\n" + run.result().stderr())
                .isEqualTo(1);
        List<JsonNode> errors = run.result().messages("TRACE").stream()
                .filter(m -> m.path("trace").path("type").asText().equals("ERROR"))
                .toList();
        assertThat(errors).hasSize(1);
        JsonNode error = errors.get(0).get("trace").get("error");
        assertThat(error.get("failure_type").asText()).isEqualTo(failureType);
        assertThat(error.get("message").asText()).contains(says);
        assertThat(run.result().allOutput()).doesNotContain(PRIVATE);
        // The good record's state was released before the error, and no state after it.
        assertThat(run.result().states()).singleElement().satisfies(state -> {
            assertThat(state.at("/stream/stream_state/c").asInt()).isEqualTo(1);
            assertThat(state.at("/destinationStats/recordCount").asDouble()).isEqualTo(1.0);
        });
        // The good record is stored intact, and nothing of the bad line or after it.
        assertGoodRecordIntact(run);
        assertThat(run.points()).hasSize(1);
    }

    // ---------------------------------------------------------------- cases that are accepted

    static Stream<Arguments> accepted() {
        return Stream.of(
                accepted(
                        "unknown message types are ignored (forward compatible)",
                        PREFIX
                                + "{\"type\":\"FUTURE_KIND\",\"future_kind\":{\"x\":[1]}}\n"
                                + "{\"type\":\"CONTROL\",\"control\":{\"type\":\"CONNECTOR_CONFIG\"}}\n"
                                + "{\"type\":\"TRACE\",\"trace\":{\"type\":\"ESTIMATE\",\"emitted_at\":1}}\n"
                                + line("{\"id\":2,\"text\":\"after them\"}")
                                + state(2),
                        2,
                        run -> assertThat(only(run, "2").document()).isEqualTo("text: after them")),
                accepted(
                        "a BOM at the start of the input is skipped",
                        "\uFEFF" + PREFIX + line("{\"id\":2,\"text\":\"after a BOM\"}") + state(2),
                        2,
                        run -> assertThat(only(run, "2").document()).isEqualTo("text: after a BOM")),
                accepted(
                        "CRLF line endings",
                        (PREFIX + line("{\"id\":2,\"text\":\"crlf\"}") + state(2)).replace("\n", "\r\n"),
                        2,
                        run -> {
                            Point point = only(run, "2");
                            assertThat(point.document()).isEqualTo("text: crlf");
                            assertThat(point.text("text")).isEqualTo("crlf");
                        }),
                accepted(
                        "NUL in text, metadata and a field name is stored intact",
                        PREFIX + line("{\"id\":2,\"text\":\"a\\u0000b\",\"n\\u0000k\":\"m\\u0000n\"}") + state(2),
                        2,
                        run -> {
                            Point point = only(run, "2");
                            assertThat(point.document()).isEqualTo("text: a\u0000b");
                            assertThat(point.text("n\u0000k")).isEqualTo("m\u0000n");
                        }),
                accepted(
                        "unpaired surrogates in text and metadata become U+FFFD; in nested JSON text they stay escaped",
                        PREFIX
                                + line("{\"id\":2,\"text\":\"a\\ud800b \\udc00\",\"meta\":\"m\\udbffn\","
                                        + "\"pair\":\"\\ud83d\\ude00\",\"nested\":{\"x\":\"\\ud800\"}}")
                                + state(2),
                        2,
                        run -> {
                            Point point = only(run, "2");
                            assertThat(point.document()).isEqualTo("text: a\uFFFDb \uFFFD");
                            assertThat(point.text("meta")).isEqualTo("m\uFFFDn");
                            assertThat(point.text("pair")).isEqualTo("\uD83D\uDE00");
                            assertThat(point.text("nested")).isEqualTo("{\"x\":\"\\ud800\"}");
                        }),
                accepted(
                        "unpaired surrogates in primary keys keep the keys distinct",
                        PREFIX
                                + line("{\"id\":\"k\\ud800\",\"text\":\"high\"}")
                                + line("{\"id\":\"k\\udc00\",\"text\":\"low\"}")
                                + state(2),
                        2,
                        run -> {
                            assertThat(only(run, "\"k\\ud800\"").document()).isEqualTo("text: high");
                            assertThat(only(run, "\"k\\udc00\"").document()).isEqualTo("text: low");
                            assertThat(only(run, "\"k\\ud800\"").text("id")).isEqualTo("k\uFFFD");
                        }),
                accepted(
                        "numbers beyond long and double are kept exactly as text",
                        PREFIX
                                + line("{\"id\":2,\"text\":\"numbers\",\"big\":1180591620717411303424,"
                                        + "\"max\":9223372036854775807,\"huge\":1e400,\"negative\":-1e400,"
                                        + "\"tiny\":1e-400,\"precise\":0.1000000000000000000000001,\"plain\":1.5}")
                                + state(2),
                        2,
                        run -> {
                            Point point = only(run, "2");
                            assertThat(point.metadata().get("big").asText()).isEqualTo("1180591620717411303424");
                            assertThat(point.metadata().get("big").isTextual()).isTrue();
                            assertThat(point.metadata().get("max").asLong()).isEqualTo(Long.MAX_VALUE);
                            assertThat(point.metadata().get("huge").asText()).isEqualTo("1e400");
                            assertThat(point.metadata().get("negative").asText())
                                    .isEqualTo("-1e400");
                            assertThat(point.metadata().get("tiny").asText()).isEqualTo("1e-400");
                            assertThat(point.metadata().get("precise").asText())
                                    .isEqualTo("0.1000000000000000000000001");
                            assertThat(point.metadata().get("plain").isNumber()).isTrue();
                            assertThat(point.metadata().get("plain").asDouble()).isEqualTo(1.5);
                            assertThat(point.metadata()).doesNotContainKey("_airbyte_meta");
                        }),
                accepted(
                        "990 levels of nesting, under the parser's limit, are stored as JSON text",
                        PREFIX
                                + line("{\"id\":2,\"text\":\"deep\",\"deep\":" + "[".repeat(990) + "]".repeat(990)
                                        + "}")
                                + state(2),
                        2,
                        run -> assertThat(only(run, "2").text("deep")).isEqualTo("[".repeat(990) + "]".repeat(990))),
                accepted("a state before any record is echoed with 0.0", state(0) + PREFIX, 2, run -> assertThat(
                                run.result().states())
                        .extracting(s -> s.at("/destinationStats/recordCount").asDouble())
                        .containsExactly(0.0, 1.0)),
                accepted(
                        "mixed state types are each echoed with the count of their scope",
                        PREFIX
                                + line("{\"id\":2,\"text\":\"two\"}")
                                + globalState("{\"g\":1}")
                                + line("{\"id\":3,\"text\":\"three\"}")
                                + "{\"type\":\"STATE\",\"state\":{\"data\":{\"legacy\":1}}}\n",
                        3,
                        run -> {
                            assertThat(run.result().states())
                                    .extracting(s -> s.path("type").asText("LEGACY"))
                                    .containsExactly("STREAM", "GLOBAL", "LEGACY");
                            assertThat(run.result().states())
                                    .extracting(s -> s.at("/destinationStats/recordCount")
                                            .asDouble())
                                    .containsExactly(1.0, 2.0, 1.0);
                            assertThat(run.points()).hasSize(3);
                        }),
                accepted(
                        "a state and a COMPLETE of a stream outside the catalog: echoed, and ignored with a warning",
                        PREFIX + streamState("elsewhere", "{\"c\":9}") + status("elsewhere", "COMPLETE"),
                        2,
                        run -> {
                            assertThat(run.result()
                                            .states()
                                            .get(1)
                                            .at("/stream/stream_state/c")
                                            .asInt())
                                    .isEqualTo(9);
                            assertThat(run.result().messages("LOG")).anySatisfy(log -> assertThat(
                                            log.at("/log/message").asText())
                                    .contains("elsewhere")
                                    .contains("not in the configured catalog"));
                        }),
                accepted(
                        "emitted_at written as a floating-point number",
                        PREFIX
                                + "{\"type\":\"RECORD\",\"record\":{\"stream\":\"docs\",\"emitted_at\":1.7E12,"
                                + "\"data\":{\"id\":2,\"text\":\"float time\"}}}\n"
                                + state(2),
                        2,
                        run -> assertThat(only(run, "2").number("_ab_extracted_at"))
                                .isEqualTo(1_700_000_000_000L)),
                accepted(
                        "a 49,000-character field name is stored as it is",
                        PREFIX
                                + line("{\"id\":2,\"text\":\"long name\",\"" + "n".repeat(49_000) + "\":\"v\"}")
                                + state(2),
                        2,
                        run -> assertThat(only(run, "2").text("n".repeat(49_000)))
                                .isEqualTo("v")),
                accepted(
                        "a metadata value over the store's 4096-byte limit is TRUNCATED on the row",
                        PREFIX + line("{\"id\":2,\"text\":\"short\",\"note\":\"" + "é".repeat(3000) + "\"}") + state(2),
                        2,
                        run -> {
                            Point point = only(run, "2");
                            assertThat(point.document()).isEqualTo("text: short");
                            assertThat(point.text("note")).hasSize(2048).isEqualTo("é".repeat(2048));
                            assertThat(changes(point))
                                    .containsExactly("note TRUNCATED DESTINATION_FIELD_SIZE_LIMITATION");
                        }),
                accepted(
                        "the connector's own field names in data are NULLED on the row, other _ab_ fields kept",
                        PREFIX
                                + line("{\"id\":2,\"text\":\"reserved\",\"_ab_stream\":\"spoofed\","
                                        + "\"_ab_record_id\":\"spoofed\",\"_ab_cdc_updated_at\":\"spoofed\","
                                        + "\"_airbyte_meta\":\"spoofed\"}")
                                + state(2),
                        2,
                        run -> {
                            Point point = only(run, "2");
                            assertThat(point.text("_ab_stream")).isEqualTo("docs");
                            assertThat(point.text("_ab_cdc_updated_at")).isEqualTo("spoofed");
                            assertThat(point.text("_ab_record_id")).doesNotContain("spoofed");
                            assertThat(changes(point))
                                    .containsExactly(
                                            "_ab_stream NULLED DESTINATION_SERIALIZATION_ERROR",
                                            "_ab_record_id NULLED DESTINATION_SERIALIZATION_ERROR",
                                            "_airbyte_meta NULLED DESTINATION_SERIALIZATION_ERROR");
                        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void should_accept_and_store_what_the_table_says(
            String name, byte[] input, int expectedStates, Consumer<Run> outcome) {
        Run run = run(freshCollection("odd"), 10, 4, DOCS, input);

        assertThat(run.result().exitCode())
                .as("exit code; stderr:\n" + run.result().stderr())
                .isZero();
        assertThat(run.result().traceError()).isNull();
        assertThat(run.result().states()).hasSize(expectedStates);
        assertGoodRecordIntact(run);
        outcome.accept(run);
    }

    // ---------------------------------------------------------------- cases with their own shape

    @Test
    void should_exit_0_and_write_nothing_on_an_empty_input() {
        for (String input : List.of("", "\n\n   \n\r\n")) {
            String collection = freshCollection("empty");
            Run run = run(collection, 10, 4, DOCS, input.getBytes(StandardCharsets.UTF_8));
            assertThat(run.result().exitCode()).isZero();
            assertThat(run.result().messages())
                    .extracting(m -> m.get("type").asText())
                    .containsOnly("LOG");
            assertThat(run.points()).isEmpty();
        }
    }

    @Test
    void should_accept_a_catalog_without_streams_until_a_record_comes() {
        String empty = "{\"streams\":[]}";
        Run quiet = run(
                freshCollection("no-streams"),
                10,
                4,
                empty,
                globalState("{\"g\":1}").getBytes(StandardCharsets.UTF_8));
        assertThat(quiet.result().exitCode()).isZero();
        assertThat(quiet.result().states()).singleElement().satisfies(state -> assertThat(
                        state.at("/destinationStats/recordCount").asDouble())
                .isZero());
        assertThat(quiet.points()).isEmpty();

        Run records = run(
                freshCollection("no-streams"),
                10,
                4,
                empty,
                (globalState("{\"g\":1}") + record("docs", "{\"id\":1,\"text\":\"" + PRIVATE + "\"}"))
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(records.result().exitCode()).isEqualTo(1);
        JsonNode error = records.result().traceError();
        assertThat(error.get("failure_type").asText()).isEqualTo(CONFIG);
        assertThat(error.get("message").asText()).contains("line 2").contains("docs");
        assertThat(records.result().allOutput()).doesNotContain(PRIVATE);
        assertThat(records.result().states()).hasSize(1);
        assertThat(records.points()).isEmpty();
    }

    /** Primary keys of every JSON type, as the source writes them; each must be one record across re-sends. */
    private static final List<String> KEYS = List.of(
            "\"s\"",
            "\"\"",
            "\"1\"",
            "1",
            "-7",
            "1.5",
            "true",
            "false",
            "{\"a\":1,\"b\":[2,\"c\"]}",
            "[1,\"x\",null]",
            "123456789012345678901234567890",
            "1e400",
            "\"k\\ud800\"");

    @Test
    void should_deduplicate_primary_keys_of_every_json_type_on_a_resend() {
        String collection = freshCollection("keys");
        String twoChunks = keyedRecords(ELEVEN_WORDS) + state(1);

        List<Point> first = sorted(run(collection, 10, 4, DOCS, utf8(twoChunks)).points());
        assertThat(first).hasSize(2 * KEYS.size());
        assertThat(first.stream().map(p -> p.text("_ab_record_id")).distinct()).hasSize(KEYS.size());
        assertThat(first)
                .extracting(p -> p.text("_ab_record_id"))
                .contains(
                        "[null,\"docs\",123456789012345678901234567890]",
                        "[null,\"docs\",1E+400]",
                        "[null,\"docs\",{\"a\":1,\"b\":[2,\"c\"]}]",
                        "[null,\"docs\",\"k\\ud800\"]");

        // Airbyte re-sends after a failure: the same records give the same chunks, nothing more.
        assertThat(sorted(run(collection, 10, 4, DOCS, utf8(twoChunks)).points()))
                .isEqualTo(first);

        // A shorter version of every record replaces it: one chunk per key, the stale second chunk trimmed.
        List<Point> updated = run(collection, 10, 4, DOCS, utf8(keyedRecords("short now") + state(2)))
                .points();
        assertThat(updated).hasSize(KEYS.size());
        assertThat(updated).allSatisfy(p -> {
            assertThat(p.document()).startsWith("text: short now");
            assertThat(p.number("_ab_chunk_count")).isEqualTo(1);
        });
    }

    private static String keyedRecords(String text) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < KEYS.size(); i++) {
            lines.append(line("{\"id\":" + KEYS.get(i) + ",\"text\":\"" + text + " " + i + "\"}"));
        }
        return lines.toString();
    }

    @Test
    void should_chunk_and_write_a_20_mb_text_value_within_a_512_mb_heap() {
        // 1,000-word chunks (about 8 KB of text each) in batches of 64: about 2,450 chunks, 39 store writes.
        StringBuilder text = new StringBuilder(21 << 20);
        int words = 0;
        while (text.length() < 20 << 20) {
            if (words > 0) {
                text.append(words % 200 == 0 ? "\\n\\n" : " "); // JSON-escaped paragraph breaks
            }
            text.append(word(words++));
        }
        String input = PREFIX + line("{\"id\":2,\"text\":\"" + text + "\"}") + state(2);
        text.setLength(0);
        String collection = freshCollection("twenty-mb");

        Run run = run(collection, 1000, 64, DOCS, utf8(input));

        assertThat(run.result().exitCode())
                .as("exit code; stderr:\n" + run.result().stderr())
                .isZero();
        assertThat(run.result().states()).hasSize(2);
        assertGoodRecordIntact(run);
        List<Point> chunks = run.chunks("2").stream()
                .sorted(Comparator.comparingLong(p -> p.number("_ab_chunk_index")))
                .toList();
        assertThat(chunks).hasSizeGreaterThanOrEqualTo((words + 1) / 1000); // the words and the "text:" label
        // Read back in order, the chunks hold every word once, in order: nothing lost, nothing repeated.
        int next = -1; // -1 stands for the "text:" label
        for (int i = 0; i < chunks.size(); i++) {
            Point chunk = chunks.get(i);
            assertThat(chunk.number("_ab_chunk_index")).isEqualTo(i);
            assertThat(chunk.number("_ab_chunk_count")).isEqualTo(chunks.size());
            List<String> tokens = Stream.of(chunk.document().split("\\s+"))
                    .filter(t -> !t.isEmpty())
                    .toList();
            assertThat(tokens).hasSizeLessThanOrEqualTo(1000);
            for (String token : tokens) {
                String expected = next < 0 ? "text:" : word(next);
                if (!token.equals(expected)) { // AssertJ only on a mismatch: there are 2.5 million tokens
                    assertThat(token).as("a token of chunk " + i).isEqualTo(expected);
                }
                next++;
            }
        }
        assertThat(next).isEqualTo(words);
    }

    private static String word(int index) {
        return "w" + index;
    }

    // ---------------------------------------------------------------- second round: a stalled store

    /**
     * Issue 12, item 2: a source that sends states of a megabyte (CDC states, ten records apart) while the
     * store answers nothing. The states that wait for the store used to fill the heap (an OutOfMemoryError
     * after 113 states at 256 MB); now they take at most an eighth of the heap and the connector stops
     * reading until the store answers. 150 states of 1 MB (150 MB) pass through a 128 MB heap.
     */
    @Test
    void should_hold_back_the_source_not_run_out_of_memory_when_large_states_wait_for_a_stalled_store()
            throws Exception {
        String collection = freshCollection("big-states");
        int states = 150;
        String blob = "s".repeat(1 << 20);
        try (HoldingProxy proxy = new HoldingProxy(chromaUrl());
                ConnectorProcess sync = startWrite(
                        """
                        {"processing": {"chunk_size": 10, "chunk_overlap": 0, "text_fields": ["text"]},
                         "embedding": {"mode": "fake", "dimensions": 8},
                         "indexing": {"mode": "chroma", "host": "%s", "collection": "%s"},
                         "advanced": {"batch_size": 16}}
                        """
                                .formatted(proxy.url(), collection),
                        DOCS,
                        java.util.Map.of(),
                        List.of("-Xmx128m"))) {
            Thread source = new Thread(() -> {
                try {
                    sync.write(PREFIX);
                    for (int round = 0; round < states; round++) {
                        StringBuilder lines = new StringBuilder();
                        for (int i = 0; i < 10; i++) {
                            int id = 2 + round * 10 + i;
                            lines.append(line("{\"id\":" + id + ",\"text\":\"record " + id + "\"}"));
                        }
                        sync.write(lines + streamState("docs", "{\"c\":" + (round + 2) + ",\"cdc\":\"" + blob + "\"}"));
                    }
                    sync.closeStdin();
                } catch (UncheckedIOException e) {
                    // the connector died; the assertions below say how
                }
            });
            source.setDaemon(true);
            source.start();
            assertThat(proxy.awaitHeldUpsert(60))
                    .as("an upsert reached the store")
                    .isTrue();
            Thread.sleep(15_000); // the store stays silent while the source pushes its states
            assertThat(source.isAlive())
                    .as("the source is held back, not read to its end")
                    .isTrue();
            proxy.release();
            source.join(120_000);
            ConnectorProcess.Result result = sync.await(180);
            assertThat(result.exitCode())
                    .as("exit code; stderr:\n" + result.stderr())
                    .isZero();
            assertThat(result.states())
                    .extracting(state -> state.at("/stream/stream_state/c").asInt())
                    .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, states + 1)
                            .boxed()
                            .toList());
        }
        assertThat(chroma().all(collection)).hasSize(1 + 10 * states);
    }

    // ---------------------------------------------------------------- second round (issue 12)

    @Test
    void should_echo_states_byte_for_byte_and_render_numbers_as_the_source_wrote_them() {
        String stateLine = "{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":"
                + "{\"name\":\"docs\"},\"stream_state\":{ \"c\" : \"key\\ud800\", \"low\":\"\\udc00\","
                + "\"e\":\"\\u00e9\\/\\\\\\\"\",\"n\":100.0,\"t\":1700000000.000,\"z\":-0.0,\"i\":-0,\"x\":1E2,"
                + "\"y\":1e-7,\"big\":1e400}},\"sourceStats\":{\"recordCount\":2.0}}}";
        String input = PREFIX
                + line("{\"id\":2,\"text\":100.0}")
                + line("{\"id\":3,\"text\":{\"a\":1E2,\"b\":-0.0,\"c\":1700000000.000,\"d\":1e-7,\"e\":-0}}")
                + stateLine + "\n";

        Run run = run(freshCollection("states"), 10, 4, DOCS, utf8(input));

        assertThat(run.result().exitCode())
                .as("stderr:\n" + run.result().stderr())
                .isZero();
        String echoed =
                stateLine.substring(0, stateLine.length() - 2) + ",\"destinationStats\":{\"recordCount\":2.0}}}";
        assertThat(run.result().stdoutLines()).contains(echoed);
        assertGoodRecordIntact(run);
        assertThat(only(run, "2").document()).isEqualTo("text: 100.0");
        assertThat(only(run, "3").document())
                .isEqualTo("text: {\"a\":1E2,\"b\":-0.0,\"c\":1700000000.000,\"d\":1e-7,\"e\":-0}");
        assertThat(only(run, "3").text("text"))
                .isEqualTo("{\"a\":1E2,\"b\":-0.0,\"c\":1700000000.000,\"d\":1e-7,\"e\":-0}");
    }

    @Test
    void should_take_numeric_primary_keys_by_value_however_they_are_spelt() {
        String input = PREFIX
                + line("{\"id\":100,\"text\":\"first\"}")
                + line("{\"id\":100.0,\"text\":\"second\"}")
                + line("{\"id\":1E2,\"text\":\"third\"}")
                + line("{\"id\":1.00e+2,\"text\":\"fourth\"}")
                + line("{\"id\":1.0,\"text\":\"one again\"}")
                + line("{\"id\":-0.0,\"text\":\"minus zero\"}")
                + line("{\"id\":0,\"text\":\"zero\"}")
                + line("{\"id\":\"100\",\"text\":\"a string\"}")
                + state(2);

        Run run = run(freshCollection("numeric-keys"), 10, 4, DOCS, utf8(input));

        assertThat(run.result().exitCode())
                .as("stderr:\n" + run.result().stderr())
                .isZero();
        assertThat(only(run, "100").document()).isEqualTo("text: fourth");
        assertThat(only(run, "1").document()).isEqualTo("text: one again"); // the good record's key, replaced
        assertThat(only(run, "0").document()).isEqualTo("text: zero");
        assertThat(only(run, "\"100\"").document()).isEqualTo("text: a string");
        assertThat(run.points()).hasSize(4);
    }

    @Test
    void should_record_fields_chroma_reserves_and_leave_nothing_stale_for_a_newer_version() {
        String collection = freshCollection("reserved");
        String first = PREFIX
                + line("{\"id\":2,\"text\":\"v1\",\"chroma:foo\":\"old\",\"chroma:document\":\"d\","
                        + "\"chroma:id\":\"i\",\"Chroma:x\":\"kept\",\"chromax\":\"kept\",\"#document\":\"kept\","
                        + "\"$x\":\"kept\"}")
                + state(2);
        Run run = run(collection, 10, 4, DOCS, utf8(first));

        assertThat(run.result().exitCode())
                .as("stderr:\n" + run.result().stderr())
                .isZero();
        Point point = only(run, "2");
        assertThat(point.metadata())
                .doesNotContainKeys("chroma:foo", "chroma:document", "chroma:id")
                .containsKeys("Chroma:x", "chromax", "#document", "$x");
        assertThat(changes(point))
                .containsExactly(
                        "chroma:foo NULLED DESTINATION_SERIALIZATION_ERROR",
                        "chroma:document NULLED DESTINATION_SERIALIZATION_ERROR",
                        "chroma:id NULLED DESTINATION_SERIALIZATION_ERROR");

        // A newer version without the field: no chunk may still match the old value.
        Run newer = run(collection, 10, 4, DOCS, utf8(PREFIX + line("{\"id\":2,\"text\":\"v2\"}") + state(2)));
        assertThat(newer.result().exitCode()).isZero();
        assertThat(only(newer, "2").document()).isEqualTo("text: v2");
        assertThat(chroma().matching(collection, "{\"chroma:foo\":\"old\"}")).isEmpty();
    }

    @Test
    void should_record_two_selected_paths_that_land_on_one_key() {
        String input = PREFIX + line("{\"id\":2,\"text\":\"t\",\"a.b\":\"top\",\"a\":{\"b\":\"nested\"}}") + state(2);

        Run run = run(
                freshCollection("collide"),
                10,
                4,
                DOCS,
                utf8(input),
                ",\"metadata_fields\":[\"id\",\"text\",\"a.*\",\"a.b\",\"text\"]");

        assertThat(run.result().exitCode())
                .as("stderr:\n" + run.result().stderr())
                .isZero();
        Point point = only(run, "2");
        assertThat(point.text("a.b")).isEqualTo("nested");
        assertThat(changes(point)).containsExactly("a.b NULLED DESTINATION_SERIALIZATION_ERROR");
    }

    @Test
    void should_refuse_a_record_with_more_metadata_keys_than_chroma_holds_and_accept_one_under_it() {
        StringBuilder many = new StringBuilder("{\"id\":2,\"text\":\"" + PRIVATE + "\"");
        for (int i = 0; i < 8_500; i++) {
            many.append(",\"f").append(i).append("\":").append(i);
        }
        Run refused = run(freshCollection("keys-8500"), 10, 4, DOCS, utf8(PREFIX + line(many + "}") + state(2)));

        assertThat(refused.result().exitCode()).isEqualTo(1);
        JsonNode error = refused.result().traceError();
        assertThat(error.get("failure_type").asText()).isEqualTo(CONFIG);
        assertThat(error.get("message").asText())
                .contains("line 3", "stream docs", "4096", "metadata_fields")
                .doesNotContain(PRIVATE);
        assertThat(refused.result().stderr()).doesNotContain("attempt 2"); // refused before any write, never retried
        assertThat(refused.result().states()).hasSize(1);
        assertGoodRecordIntact(refused);
        assertThat(refused.points()).hasSize(1);

        StringBuilder under = new StringBuilder("{\"id\":2,\"text\":\"under\"");
        for (int i = 0; i < 4_000; i++) {
            under.append(",\"f").append(i).append("\":\"v\""); // short values: within the 128 KiB of a chunk
        }
        Run accepted = run(freshCollection("keys-4000"), 10, 4, DOCS, utf8(PREFIX + line(under + "}") + state(2)));
        assertThat(accepted.result().exitCode())
                .as("stderr:\n" + accepted.result().stderr())
                .isZero();
        assertThat(only(accepted, "2").metadata()).containsKeys("f0", "f3999");
    }

    @Test
    void should_refuse_a_key_over_the_limit_whichever_metadata_fields_are_selected() {
        String input = PREFIX + line("{\"id\":\"" + PRIVATE + "x".repeat(5000) + "\",\"text\":\"t\"}");

        Run run = run(freshCollection("long-key"), 10, 4, DOCS, utf8(input), ",\"metadata_fields\":[\"text\"]");

        assertThat(run.result().exitCode()).isEqualTo(1);
        JsonNode error = run.result().traceError();
        assertThat(error.get("failure_type").asText()).isEqualTo(CONFIG);
        assertThat(error.get("message").asText())
                .contains("line 3", "stream docs", "'id'", "4096")
                .doesNotContain(PRIVATE);
        assertThat(run.points()).hasSize(1);
    }

    // ---------------------------------------------------------------- harness

    /** A finished run and what the collection holds afterwards. */
    record Run(ConnectorProcess.Result result, List<Point> points) {
        /** The chunks of the record whose primary key is {@code keyJson}. */
        List<Point> chunks(String keyJson) {
            String id = "[null,\"docs\"," + keyJson + "]";
            return points.stream()
                    .filter(p -> id.equals(p.text("_ab_record_id")))
                    .toList();
        }
    }

    /**
     * Runs {@code write} with {@code stdin} as raw bytes, then scans everything the process printed for
     * the configured secret.
     */
    private Run run(String collection, int chunkSize, int batchSize, String catalog, byte[] stdin) {
        return run(collection, chunkSize, batchSize, catalog, stdin, "");
    }

    /** As above, with {@code processingExtra} (such as {@code ,"metadata_fields":[...]}) in the processing. */
    private Run run(
            String collection, int chunkSize, int batchSize, String catalog, byte[] stdin, String processingExtra) {
        String config =
                """
                {"processing": {"chunk_size": %d, "chunk_overlap": 0, "text_fields": ["text"]%s},
                 "embedding": {"mode": "fake", "dimensions": 8},
                 "indexing": {"mode": "chroma", "host": "%s", "collection": "%s",
                              "auth": {"mode": "token", "token": "%s"}},
                 "advanced": {"batch_size": %d}}
                """
                        .formatted(chunkSize, processingExtra, chromaUrl(), collection, SECRET, batchSize);
        ConnectorProcess.Result result;
        try (ConnectorProcess process = startWrite(config, catalog)) {
            try {
                process.write(stdin);
                process.closeStdin();
            } catch (UncheckedIOException e) {
                // The connector stops reading at a bad line and may exit before the rest is written.
            }
            result = process.await(300);
        }
        try {
            // The scan below is meaningful only if the secret really was in the config the connector read.
            assertThat(Files.readString(dir.resolve("config.json"))).contains(SECRET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(result.allOutput()).as("stdout and stderr hold the secret").doesNotContain(SECRET);
        return new Run(result, chroma().all(collection));
    }

    // ---------------------------------------------------------------- third round

    /**
     * The platform fills {@code primary_key} from the source's key whatever the sync mode, and the protocol
     * ignores it outside {@code *_dedup}: an append or overwrite record without a key value is written, not
     * refused (it used to stop the sync with a config_error about "a deduplicated stream").
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("modesThatIgnoreTheKey")
    void should_write_records_without_a_key_value_when_the_mode_does_not_deduplicate(String mode, long minimum) {
        String input = PREFIX
                + line("{\"text\":\"no key field\"}")
                + line("{\"id\":null,\"text\":\"null key\"}")
                + line("{\"id\":2,\"text\":\"keyed first\"}")
                + line("{\"id\":2,\"text\":\"keyed second\"}")
                + state(2);
        Run run = run(
                freshCollection("unkeyed"),
                10,
                4,
                catalog(stream("docs", mode, List.of("id"), 1, minimum)),
                utf8(input));

        assertThat(run.result().exitCode())
                .as("exit code; stderr:\n" + run.result().stderr())
                .isZero();
        assertThat(run.result().states()).hasSize(2);
        assertThat(run.result()
                        .states()
                        .get(1)
                        .at("/destinationStats/recordCount")
                        .asDouble())
                .isEqualTo(4.0);
        assertGoodRecordIntact(run);
        List<Point> unkeyed = run.points().stream()
                .filter(p -> !p.metadata().containsKey("_ab_record_id"))
                .toList();
        assertThat(unkeyed)
                .extracting(Point::document)
                .containsExactlyInAnyOrder("text: no key field", "text: null key");
        List<String> keyed = run.chunks("2").stream().map(Point::document).toList();
        if (mode.equals("append")) {
            assertThat(keyed).containsExactlyInAnyOrder("text: keyed first", "text: keyed second");
        } else {
            assertThat(keyed).containsExactly("text: keyed second"); // overwrite still replaces by key
        }
    }

    /**
     * A stream name and namespace with unpaired surrogate escapes: Chroma refused every chunk of such a
     * stream (HTTP 400 on {@code _ab_stream}), so the sync failed. Two overwrite syncs: the second replaces
     * the first, so the stream's filters match what its chunks store.
     */
    @Test
    void should_write_and_replace_a_stream_whose_name_has_unpaired_surrogates() {
        String descriptor = "\"name\":\"s\\ud800\",\"namespace\":\"n\\udc00\"";
        String collection = freshCollection("surrogate-stream");
        for (int generation = 1; generation <= 2; generation++) {
            String catalog = "{\"streams\":[{\"stream\":{" + descriptor + ",\"json_schema\":{}},"
                    + "\"destination_sync_mode\":\"overwrite\",\"primary_key\":[[\"id\"]],\"generation_id\":"
                    + generation + ",\"minimum_generation_id\":" + generation + "}]}";
            String input = "{\"type\":\"RECORD\",\"record\":{" + descriptor.replace("\"name\"", "\"stream\"")
                    + ",\"emitted_at\":1,\"data\":{\"id\":" + generation + ",\"text\":\"generation " + generation
                    + "\"}}}\n"
                    + "{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{"
                    + descriptor + "},\"stream_state\":{\"g\":" + generation + "}}}}\n"
                    + "{\"type\":\"TRACE\",\"trace\":{\"type\":\"STREAM_STATUS\",\"emitted_at\":1,\"stream_status\":{"
                    + "\"stream_descriptor\":{" + descriptor + "},\"status\":\"COMPLETE\"}}}\n";
            Run run = run(collection, 10, 4, catalog, utf8(input));

            assertThat(run.result().exitCode())
                    .as("exit code; stdout:\n" + run.result().stdoutLines())
                    .isZero();
            assertThat(run.result().states()).singleElement().satisfies(state -> assertThat(
                            state.at("/stream/stream_descriptor/name").asText())
                    .isEqualTo("s\ud800"));
            assertThat(run.points()).singleElement().satisfies(point -> {
                assertThat(point.text("_ab_stream")).isEqualTo("n\ufffd_s\ufffd");
                assertThat(point.text("_ab_namespace")).isEqualTo("n\ufffd");
            });
            assertThat(run.points().get(0).document()).isEqualTo("text: generation " + generation);
        }
    }

    /**
     * The files are read as stdin is: a leading byte-order mark (an editor on Windows writes one) carries no
     * data, and a number no decimal holds is named as the file's problem, not an "Unexpected failure".
     */
    @Test
    void should_read_config_and_catalog_files_that_start_with_a_bom_and_name_a_number_out_of_range() {
        String collection = freshCollection("bom-files");
        String config = fakeConfig(collection, "");
        String input = PREFIX;
        ConnectorProcess.Result withBom = write("\uFEFF" + config, "\uFEFF" + DOCS, input);
        assertThat(withBom.exitCode()).as("stdout:\n" + withBom.stdoutLines()).isZero();
        assertThat(withBom.states()).hasSize(1);

        String outOfRange = DOCS.replaceFirst("\\{\"stream\":", "{\"x\":1e9999999999,\"stream\":");
        assertThat(outOfRange).contains("1e9999999999");
        ConnectorProcess.Result refused = write(config, outOfRange, input);
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.traceError().get("failure_type").asText()).isEqualTo(CONFIG);
        assertThat(refused.traceError().get("message").asText())
                .contains("catalog file")
                .contains("a number whose exponent is beyond");
    }

    static Stream<Arguments> modesThatIgnoreTheKey() {
        return Stream.of(Arguments.of("append", 0L), Arguments.of("overwrite", 1L));
    }

    private static void assertGoodRecordIntact(Run run) {
        assertThat(run.chunks("1")).singleElement().satisfies(point -> {
            assertThat(point.document()).isEqualTo("text: good record");
            assertThat(point.number("id")).isEqualTo(1);
            assertThat(point.text("text")).isEqualTo("good record");
            assertThat(point.text("_ab_stream")).isEqualTo("docs");
            assertThat(point.number("_ab_chunk_index")).isZero();
            assertThat(point.number("_ab_chunk_count")).isEqualTo(1);
            assertThat(point.number("_ab_extracted_at")).isEqualTo(1_700_000_000_000L);
            assertThat(point.metadata()).doesNotContainKey("_airbyte_meta");
        });
    }

    private static Point only(Run run, String keyJson) {
        List<Point> chunks = run.chunks(keyJson);
        assertThat(chunks).as("chunks of the record with key " + keyJson).hasSize(1);
        return chunks.get(0);
    }

    /** The row's {@code _airbyte_meta} changes as "field change reason". */
    private static List<String> changes(Point point) {
        JsonNode meta = Messages.json(point.text("_airbyte_meta"));
        return StreamSupport.stream(meta.get("changes").spliterator(), false)
                .map(c -> c.get("field").asText() + " " + c.get("change").asText() + " "
                        + c.get("reason").asText())
                .collect(Collectors.toList());
    }

    private static List<Point> sorted(List<Point> points) {
        return points.stream().sorted(Comparator.comparing(Point::id)).toList();
    }

    /** A RECORD line of stream docs with {@code data} as raw JSON text: its escapes reach the connector as written. */
    private static String line(String data) {
        return "{\"type\":\"RECORD\",\"record\":{\"stream\":\"docs\",\"emitted_at\":1700000000001,\"data\":" + data
                + "}}\n";
    }

    private static String state(int cursor) {
        return streamState("docs", "{\"c\":" + cursor + "}");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code text} in UTF-8 with {@code marker} replaced by raw bytes that UTF-8 forbids. */
    private static byte[] bytes(String text, String marker, byte[] raw) {
        int at = text.indexOf(marker);
        return concat(utf8(text.substring(0, at)), raw, utf8(text.substring(at + marker.length())));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static Arguments failing(String name, Object badLines, String failureType, String... says) {
        byte[] lines = badLines instanceof byte[] raw ? raw : utf8((String) badLines);
        return Arguments.of(name, lines, failureType, List.of(says));
    }

    private static Arguments accepted(String name, String input, int states, Consumer<Run> outcome) {
        return Arguments.of(name, utf8(input), states, outcome);
    }
}
