package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.globalState;
import static io.vectorsink.testing.Messages.record;
import static io.vectorsink.testing.Messages.status;
import static io.vectorsink.testing.Messages.stream;
import static io.vectorsink.testing.Messages.streamState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.testing.AirbyteFiles;
import io.vectorsink.testing.ChromaInspector.Point;
import io.vectorsink.testing.ConnectorProcess;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WriteIT extends ProcessTestSupport {
    private static List<Point> sorted(List<Point> points) {
        return points.stream().sorted(Comparator.comparing(Point::id)).toList();
    }

    private static Map<String, List<Point>> byRecord(List<Point> points) {
        return points.stream().collect(Collectors.groupingBy(p -> p.text("_ab_record_id")));
    }

    @Test
    void should_echo_every_state_in_order_with_exact_counts_and_unknown_fields() {
        String collection = freshCollection("states");
        String input = record("a", "{\"id\":1,\"text\":\"alpha\"}")
                + record("a", "{\"id\":2,\"text\":\"beta\"}")
                + "{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"a\"},"
                + "\"stream_state\":{\"cursor\":2}},\"id\":17,\"sourceStats\":{\"recordCount\":2.0},\"x-future\":{\"k\":[1]}}}\n"
                + streamState("b", "{\"cursor\":0}")
                + record("b", "{\"id\":1,\"text\":\"gamma\"}")
                + record("a", "{\"id\":3,\"text\":\"delta\"}")
                + streamState("b", "{\"cursor\":1}")
                + streamState("a", "{\"cursor\":3}");
        var result = ok(write(
                fakeConfig(collection, ""),
                catalog(
                        stream("a", "append_dedup", List.of("id"), 1, 0),
                        stream("b", "append_dedup", List.of("id"), 1, 0)),
                input));
        List<JsonNode> states = result.states();
        assertThat(states)
                .extracting(s -> s.get("stream").get("stream_state").toString())
                .containsExactly("{\"cursor\":2}", "{\"cursor\":0}", "{\"cursor\":1}", "{\"cursor\":3}");
        assertThat(states)
                .extracting(s -> s.get("destinationStats").get("recordCount").asDouble())
                .containsExactly(2.0, 0.0, 1.0, 1.0);
        assertThat(states.get(0).get("destinationStats").get("recordCount").isFloatingPointNumber())
                .isTrue();
        assertThat(states.get(0).get("id").asInt()).isEqualTo(17);
        assertThat(states.get(0).get("sourceStats").get("recordCount").asDouble())
                .isEqualTo(2.0);
        assertThat(states.get(0).get("x-future").toString()).isEqualTo("{\"k\":[1]}");
        assertThat(chroma().all(collection)).hasSize(4);
    }

    @Test
    void should_echo_global_and_legacy_states_counting_all_streams() {
        String collection = freshCollection("global");
        String input = globalState("{\"at\":0}")
                + record("a", "{\"id\":1,\"text\":\"x\"}")
                + record("b", "{\"id\":1,\"text\":\"y\"}")
                + globalState("{\"at\":2}")
                + "{\"type\":\"STATE\",\"state\":{\"data\":{\"legacy\":true}}}\n";
        var result = ok(write(
                fakeConfig(collection, ""),
                catalog(stream("a", "append", List.of(), 1, 0), stream("b", "append", List.of(), 1, 0)),
                input));
        assertThat(result.states())
                .extracting(s -> s.path("destinationStats").path("recordCount").asDouble())
                .containsExactly(0.0, 2.0, 0.0);
        assertThat(result.states().get(2).get("data").get("legacy").asBoolean()).isTrue();
    }

    @Test
    void should_append_every_record_and_keep_every_version() {
        String collection = freshCollection("append");
        String catalog = catalog(stream("logs", "append", List.of("id"), 1, 0));
        String input = record("logs", "{\"id\":1,\"text\":\"first\"}")
                + record("logs", "{\"id\":1,\"text\":\"second\"}")
                + streamState("logs", "{}");
        ok(write(fakeConfig(collection, ""), catalog, input));
        ok(write(fakeConfig(collection, ""), catalog, input));
        List<Point> points = chroma().all(collection);
        assertThat(points).hasSize(4);
        assertThat(points).extracting(Point::document).containsOnly("text: first", "text: second");
        assertThat(points).allSatisfy(p -> assertThat(p.text("_ab_record_id")).isEqualTo("[null,\"logs\",1]"));
    }

    @Test
    void should_leave_no_stale_chunk_when_a_dedup_update_has_fewer_chunks() {
        String collection = freshCollection("dedup");
        String catalog = catalog(stream("docs", "append_dedup", List.of("id"), 1, 0));
        ok(write(
                fakeConfig(collection, ""),
                catalog,
                record("docs", "{\"id\":1,\"text\":\"" + LONG + " " + LONG + "\"}") + streamState("docs", "{}")));
        assertThat(chroma().all(collection)).hasSize(3);
        ok(write(
                fakeConfig(collection, ""),
                catalog,
                record("docs", "{\"id\":1,\"text\":\"short now\"}") + streamState("docs", "{}")));
        List<Point> points = chroma().all(collection);
        assertThat(points).singleElement().satisfies(p -> {
            assertThat(p.document()).isEqualTo("text: short now");
            assertThat(p.number("_ab_chunk_index")).isZero();
            assertThat(p.number("_ab_chunk_count")).isEqualTo(1);
        });
    }

    @Test
    void should_keep_the_last_version_when_one_sync_sends_a_record_several_times() {
        String collection = freshCollection("dedup-one-sync");
        String input = record("docs", "{\"id\":1,\"text\":\"" + LONG + "\"}")
                + record("docs", "{\"id\":2,\"text\":\"other\"}")
                + streamState("docs", "{}")
                + record("docs", "{\"id\":1,\"text\":\"v2\"}")
                + record("docs", "{\"id\":1,\"text\":\"v3 final\"}")
                + streamState("docs", "{}");
        ok(write(fakeConfig(collection, ""), catalog(stream("docs", "append_dedup", List.of("id"), 1, 0)), input));
        Map<String, List<Point>> records = byRecord(chroma().all(collection));
        assertThat(records.get("[null,\"docs\",1]")).extracting(Point::document).containsExactly("text: v3 final");
        assertThat(records.get("[null,\"docs\",2]")).hasSize(1);
    }

    @Test
    void should_change_nothing_when_an_identical_sync_runs_again() {
        String collection = freshCollection("rerun");
        String catalog = catalog(stream("docs", "append_dedup", List.of("id"), 1, 0));
        String input = record("docs", "{\"id\":1,\"text\":\"" + LONG + "\"}")
                + record("docs", "{\"id\":2,\"text\":\"two\"}")
                + streamState("docs", "{}");
        ok(write(fakeConfig(collection, ""), catalog, input));
        List<Point> first = sorted(chroma().all(collection));
        ok(write(fakeConfig(collection, ""), catalog, input));
        List<Point> second = sorted(chroma().all(collection));
        assertThat(second).hasSize(3).isEqualTo(first);
    }

    @Test
    void should_delete_every_chunk_of_a_record_on_a_cdc_delete() {
        String collection = freshCollection("cdc");
        String catalog = catalog(stream("docs", "append_dedup", List.of("id"), 1, 0));
        ok(write(
                fakeConfig(collection, ""),
                catalog,
                record("docs", "{\"id\":1,\"text\":\"" + LONG + "\"}")
                        + record("docs", "{\"id\":2,\"text\":\"keep\"}")));
        assertThat(chroma().all(collection)).hasSize(3);
        var result = ok(write(
                fakeConfig(collection, ""),
                catalog,
                record("docs", "{\"id\":1,\"_ab_cdc_deleted_at\":\"2024-01-01T00:00:00Z\"}")
                        + streamState("docs", "{}")));
        assertThat(result.states()).singleElement().satisfies(s -> assertThat(
                        s.get("destinationStats").get("recordCount").asDouble())
                .isEqualTo(1.0));
        assertThat(chroma().all(collection)).extracting(Point::document).containsExactly("text: keep");
    }

    @Test
    void should_keep_old_data_during_an_overwrite_and_remove_it_once_the_stream_is_complete() throws Exception {
        String collection = freshCollection("overwrite");
        ok(write(
                fakeConfig(collection, ""),
                catalog(stream("docs", "overwrite", List.of("id"), 1, 1)),
                record("docs", "{\"id\":1,\"text\":\"old one\"}")
                        + record("docs", "{\"id\":2,\"text\":\"old two\"}")
                        + status("docs", "COMPLETE")));
        assertThat(chroma().all(collection)).hasSize(2);

        try (ConnectorProcess sync =
                startWrite(fakeConfig(collection, ""), catalog(stream("docs", "overwrite", List.of("id"), 2, 2)))) {
            sync.write(record("docs", "{\"id\":3,\"text\":\"new three\"}") + streamState("docs", "{}"));
            assertThat(sync.awaitMessage(m -> m.path("type").asText().equals("STATE"), 60))
                    .isNotNull();
            // The new generation is written and checkpointed; the old one is still there for retrieval.
            assertThat(chroma().all(collection))
                    .extracting(Point::document)
                    .containsExactlyInAnyOrder("text: old one", "text: old two", "text: new three");
            sync.write(status("docs", "COMPLETE"));
            sync.closeStdin();
            ok(sync.await(60));
        }
        assertThat(chroma().all(collection)).singleElement().satisfies(p -> {
            assertThat(p.document()).isEqualTo("text: new three");
            assertThat(p.number("_ab_generation_id")).isEqualTo(2);
        });
    }

    @Test
    void should_keep_old_data_when_an_overwrite_is_interrupted() throws Exception {
        String collection = freshCollection("overwrite-killed");
        ok(write(
                fakeConfig(collection, ""),
                catalog(stream("docs", "overwrite", List.of(), 1, 1)),
                record("docs", "{\"text\":\"old\"}") + status("docs", "COMPLETE")));
        try (ConnectorProcess sync =
                startWrite(fakeConfig(collection, ""), catalog(stream("docs", "overwrite", List.of(), 2, 2)))) {
            sync.write(record("docs", "{\"text\":\"partial\"}") + streamState("docs", "{}"));
            assertThat(sync.awaitMessage(m -> m.path("type").asText().equals("STATE"), 60))
                    .isNotNull();
            sync.kill();
        }
        // A run that ends with an INCOMPLETE status is interrupted too.
        ok(write(
                fakeConfig(collection, ""),
                catalog(stream("docs", "overwrite", List.of(), 3, 3)),
                record("docs", "{\"text\":\"also partial\"}") + status("docs", "INCOMPLETE")));
        assertThat(chroma().all(collection))
                .extracting(Point::document)
                .containsExactlyInAnyOrder("text: old", "text: partial", "text: also partial");
    }

    /**
     * Platforms before refreshes send no generation ids and no sync_id, but give every attempt of a job its
     * id in {@code WORKER_JOB_ID}: the next job's clean end replaces what the earlier one wrote.
     */
    @Test
    void should_replace_a_legacy_overwrite_stream_at_the_clean_end_of_input() {
        String collection = freshCollection("legacy-overwrite");
        String catalog = catalog(stream("docs", "overwrite", List.of(), -1, -1));
        ok(write(
                fakeConfig(collection, ""),
                catalog,
                record("docs", "{\"text\":\"first run\"}"),
                Map.of("WORKER_JOB_ID", "41")));
        ok(write(
                fakeConfig(collection, ""),
                catalog,
                record("docs", "{\"text\":\"second run\"}"),
                Map.of("WORKER_JOB_ID", "42")));
        assertThat(chroma().all(collection)).extracting(Point::document).containsExactly("text: second run");
    }

    /**
     * Without generation ids, sync_id or job id, an earlier attempt of this sync cannot be told from an earlier
     * sync, and removing "other syncs" could remove records an earlier attempt's emitted states cover
     * (CrashResumeIT): nothing is removed, and the log says why.
     */
    @Test
    void should_keep_a_legacy_overwrite_streams_older_data_when_nothing_identifies_the_sync() {
        String collection = freshCollection("legacy-overwrite-anonymous");
        String catalog = catalog(stream("docs", "overwrite", List.of(), -1, -1));
        ok(write(fakeConfig(collection, ""), catalog, record("docs", "{\"text\":\"first run\"}")));
        var second = write(fakeConfig(collection, ""), catalog, record("docs", "{\"text\":\"second run\"}"));
        ok(second);
        assertThat(chroma().all(collection))
                .extracting(Point::document)
                .containsExactlyInAnyOrder("text: first run", "text: second run");
        assertThat(second.messages("LOG"))
                .anySatisfy(log -> assertThat(log.at("/log/message").asText()).contains("WORKER_JOB_ID"));
    }

    @Test
    void should_fail_with_the_line_number_on_a_malformed_line() {
        String collection = freshCollection("malformed");
        var result = write(
                fakeConfig(collection, ""),
                catalog(stream("docs", "append", List.of(), 1, 0)),
                record("docs", "{\"text\":\"fine\"}")
                        + "{\"type\":\"RECORD\",\"record\":{\"stream\":\"docs\",\"data\":{\"text\":\"private-words\n");
        assertThat(result.exitCode()).isEqualTo(1);
        JsonNode error = result.traceError();
        assertThat(error.get("failure_type").asText()).isEqualTo("system_error");
        assertThat(error.get("message").asText()).contains("line 2");
        assertThat(result.allOutput()).doesNotContain("private-words");
    }

    @Test
    void should_fail_with_a_config_error_naming_an_unknown_stream() {
        var result = write(
                fakeConfig(freshCollection("unknown"), ""),
                catalog(stream("docs", "append", List.of(), 1, 0)),
                record("elsewhere", "{\"text\":\"x\"}"));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.traceError().get("failure_type").asText()).isEqualTo("config_error");
        assertThat(result.traceError().get("message").asText())
                .contains("elsewhere")
                .contains("line 1");
        assertThat(result.states()).isEmpty();
    }

    @Test
    void should_fail_naming_stream_and_fields_when_text_fields_are_missing() {
        String collection = freshCollection("missing-text");
        var result = write(
                fakeConfig(collection, ""),
                catalog(stream("docs", "append", List.of(), 1, 0)),
                record("docs", "{\"text\":\"ok\"}")
                        + streamState("docs", "{}")
                        + record("docs", "{\"title\":\"top-secret-title\"}")
                        + streamState("docs", "{}"));
        assertThat(result.exitCode()).isEqualTo(1);
        JsonNode error = result.traceError();
        assertThat(error.get("failure_type").asText()).isEqualTo("config_error");
        assertThat(error.get("message").asText())
                .contains("docs")
                .contains("text")
                .contains("line 3");
        assertThat(result.allOutput()).doesNotContain("top-secret-title");
        assertThat(result.states()).hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void should_store_odd_unicode_and_dotted_field_names_intact() {
        String collection = freshCollection("unicode");
        String text = "line one\\nline two\\u2028after separator \uD83D\uDE80 nul:\\u0000:end";
        var result = ok(write(
                fakeConfig(collection, ", \"metadata_fields\": [\"Foo.Bar\", \"id\"]")
                        .replace("\"chunk_size\": 10", "\"chunk_size\": 50"),
                catalog(stream("docs", "append_dedup", List.of("id"), 1, 0)),
                record("docs", "{\"id\":\"ü-1\",\"Foo.Bar\":\"dotted \uD83D\uDE00\",\"text\":\"" + text + "\"}")
                        + streamState("docs", "{}")));
        assertThat(result.states()).hasSize(1);
        assertThat(chroma().all(collection)).singleElement().satisfies(p -> {
            assertThat(p.document())
                    .isEqualTo("text: line one\nline two\u2028after separator \uD83D\uDE80 nul:\u0000:end");
            assertThat(p.text("Foo.Bar")).isEqualTo("dotted \uD83D\uDE00");
            assertThat(p.text("id")).isEqualTo("ü-1");
        });
    }

    @Test
    void should_write_the_connectors_own_metadata_fields() {
        String collection = freshCollection("metadata");
        ok(write(
                fakeConfig(collection, ", \"metadata_fields\": [\"id\"]"),
                catalog(stream("docs", "append_dedup", List.of("id"), 7, 0)),
                record("docs", "{\"id\":5,\"text\":\"" + LONG + "\"}", 1_650_000_000_000L)));
        List<Point> points = chroma().all(collection);
        assertThat(points).hasSize(2).allSatisfy(p -> {
            assertThat(p.text("_ab_stream")).isEqualTo("docs");
            assertThat(p.text("_ab_record_id")).isEqualTo("[null,\"docs\",5]");
            assertThat(p.number("_ab_chunk_count")).isEqualTo(2);
            assertThat(p.number("_ab_generation_id")).isEqualTo(7);
            assertThat(p.number("_ab_extracted_at")).isEqualTo(1_650_000_000_000L);
            assertThat(p.text("_ab_sync_id")).isEqualTo("107");
            assertThat(p.number("id")).isEqualTo(5);
        });
        assertThat(points).extracting(p -> p.number("_ab_chunk_index")).containsExactlyInAnyOrder(0L, 1L);
    }

    @Test
    void should_record_a_truncated_metadata_value_on_the_row_and_keep_the_text_whole() {
        String collection = freshCollection("truncated");
        String big = "x".repeat(5000);
        ok(write(
                fakeConfig(collection, ", \"metadata_fields\": [\"id\", \"note\"]"),
                catalog(stream("docs", "append_dedup", List.of("id"), 1, 0)),
                record("docs", "{\"id\":1,\"note\":\"" + big + "\",\"text\":\"short\"}")));
        assertThat(chroma().all(collection)).singleElement().satisfies(p -> {
            assertThat(p.text("note"))
                    .hasSizeLessThan(5000)
                    .isEqualTo(big.substring(0, p.text("note").length()));
            JsonNode meta = io.vectorsink.testing.Messages.json(p.text("_airbyte_meta"));
            assertThat(meta.get("changes")).singleElement().satisfies(change -> {
                assertThat(change.get("field").asText()).isEqualTo("note");
                assertThat(change.get("change").asText()).isEqualTo("TRUNCATED");
                assertThat(change.get("reason").asText()).isEqualTo("DESTINATION_FIELD_SIZE_LIMITATION");
            });
        });
    }

    @Test
    void should_accept_the_java_image_command_form() {
        String collection = freshCollection("java-form");
        var result = ok(ConnectorProcess.run(
                record("docs", "{\"text\":\"x\"}") + streamState("docs", "{}"),
                "--write",
                "--config",
                file("config.json", fakeConfig(collection, "")).toString(),
                "--catalog",
                file("catalog.json", catalog(stream("docs", "append", List.of(), 1, 0)))
                        .toString()));
        assertThat(result.states()).hasSize(1);
    }

    @Test
    void should_flush_a_partial_batch_on_the_timer_without_more_input() throws Exception {
        String collection = freshCollection("timer");
        String config = fakeConfig(collection, "")
                .replace("\"batch_size\": 4", "\"batch_size\": 100, \"flush_interval_seconds\": 1");
        try (ConnectorProcess sync = startWrite(config, catalog(stream("docs", "append", List.of(), 1, 0)))) {
            sync.write(record("docs", "{\"text\":\"waiting\"}"));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (chroma().all(collection).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(chroma().all(collection)).hasSize(1);
            sync.closeStdin();
            ok(sync.await(60));
        }
    }

    @Test
    void should_pass_airbytes_edge_case_messages_and_echo_all_their_states() throws Exception {
        String input = AirbyteFiles.edgeCaseMessages();
        var streams = new java.util.LinkedHashSet<String>();
        for (String line : input.split("\n")) {
            JsonNode message = io.vectorsink.testing.Messages.json(line);
            if (message.path("type").asText().equals("RECORD")) {
                streams.add(message.get("record").get("stream").asText());
            } else if (message.path("type").asText().equals("TRACE")) {
                streams.add(message.at("/trace/stream_status/stream_descriptor/name")
                        .asText());
            }
        }
        var configured = streams.stream()
                .map(s -> stream(s, "append", List.of(), 1, 0))
                .toArray(com.fasterxml.jackson.databind.node.ObjectNode[]::new);
        String collection = freshCollection("edge-cases");
        String config = fakeConfig(collection, "").replace("\"text_fields\": [\"text\"]", "\"text_fields\": []");
        long inputStates = input.lines().filter(l -> l.contains("\"STATE\"")).count();
        var result = ok(write(config, catalog(configured), input));
        assertThat(result.states()).hasSize((int) inputStates);
        long records = input.lines().filter(l -> l.contains("\"RECORD\"")).count();
        assertThat(chroma().all(collection)).hasSize((int) records);
    }
}
