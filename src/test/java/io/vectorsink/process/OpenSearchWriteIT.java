package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.record;
import static io.vectorsink.testing.Messages.status;
import static io.vectorsink.testing.Messages.stream;
import static io.vectorsink.testing.Messages.streamState;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.store.StoredChunk;
import io.vectorsink.testing.ConnectorProcess;
import io.vectorsink.testing.OpenSearchInspector;
import io.vectorsink.testing.OpenSearchNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The built jar writing to a real OpenSearch node with k-NN, exactly as Airbyte runs it. */
class OpenSearchWriteIT extends ProcessTestSupport {
    private static OpenSearchInspector openSearch() {
        return new OpenSearchInspector(OpenSearchNode.shared().url());
    }

    /** The fake embedder (8 dimensions, words as tokens), small chunks, and the given refresh policy. */
    private static String config(String index, String refresh) {
        return """
                {"processing": {"chunk_size": 10, "chunk_overlap": 0, "text_fields": ["text"]},
                 "embedding": {"mode": "fake", "dimensions": 8},
                 "indexing": {"mode": "opensearch", "url": "%s", "index": "%s", "refresh": "%s"},
                 "advanced": {"batch_size": 4}}
                """
                .formatted(OpenSearchNode.shared().url(), index, refresh);
    }

    @Test
    void should_pass_check_creating_nothing_then_fail_it_when_the_dimension_differs() {
        String index = freshIndex("os-check");
        String path = file("config.json", config(index, "wait_for")).toString();

        JsonNode before = ConnectorProcess.run("", "check", "--config", path)
                .messages("CONNECTION_STATUS")
                .get(0)
                .get("connectionStatus");
        assertThat(before.get("status").asText()).as(before.toString()).isEqualTo("SUCCEEDED");
        assertThat(openSearch().exists(index)).isFalse();

        ok(write(
                config(index, "wait_for"),
                catalog(stream("docs", "append", List.of(), 1, 0)),
                record("docs", "{\"text\":\"x\"}")));
        String wider = config(index, "wait_for").replace("\"dimensions\": 8", "\"dimensions\": 16");
        JsonNode after = ConnectorProcess.run(
                        "", "check", "--config", file("wider.json", wider).toString())
                .messages("CONNECTION_STATUS")
                .get(0)
                .get("connectionStatus");
        assertThat(after.get("status").asText()).isEqualTo("FAILED");
        assertThat(after.get("message").asText()).contains("8 dimensions", "makes 16");
    }

    @Test
    void should_echo_every_state_in_order_with_exact_counts() {
        String index = freshIndex("os-states");
        String input = record("a", "{\"id\":1,\"text\":\"alpha\"}")
                + record("a", "{\"id\":2,\"text\":\"beta\"}")
                + streamState("a", "{\"cursor\":2}")
                + streamState("b", "{\"cursor\":0}")
                + record("b", "{\"id\":1,\"text\":\"gamma\"}")
                + record("a", "{\"id\":3,\"text\":\"delta\"}")
                + streamState("b", "{\"cursor\":1}")
                + streamState("a", "{\"cursor\":3}");

        var result = ok(write(
                config(index, "wait_for"),
                catalog(
                        stream("a", "append_dedup", List.of("id"), 1, 0),
                        stream("b", "append_dedup", List.of("id"), 1, 0)),
                input));

        assertThat(result.states())
                .extracting(s -> s.get("stream").get("stream_state").toString())
                .containsExactly("{\"cursor\":2}", "{\"cursor\":0}", "{\"cursor\":1}", "{\"cursor\":3}");
        assertThat(result.states())
                .extracting(s -> s.get("destinationStats").get("recordCount").asDouble())
                .containsExactly(2.0, 0.0, 1.0, 1.0);
        assertThat(openSearch().all(index)).hasSize(4);
    }

    @Test
    void should_leave_no_stale_chunk_when_a_dedup_update_has_fewer_chunks_whatever_the_refresh_policy() {
        for (String refresh : List.of("wait_for", "false")) {
            String index = freshIndex("os-dedup-" + refresh.replace("_", ""));
            String catalog = catalog(stream("docs", "append_dedup", List.of("id"), 1, 0));
            // With refresh=false the second version follows the first within the refresh interval: the trim
            // must still see (and delete) the first version's extra chunks.
            String input = record("docs", "{\"id\":1,\"text\":\"" + LONG + " " + LONG + "\"}")
                    + streamState("docs", "{}")
                    + record("docs", "{\"id\":1,\"text\":\"short now\"}")
                    + streamState("docs", "{}");

            ok(write(config(index, refresh), catalog, input));

            assertThat(openSearch().all(index)).as(refresh).singleElement().satisfies(chunk -> {
                assertThat(chunk.document()).isEqualTo("text: short now");
                assertThat(chunk.chunkIndex()).isZero();
                assertThat(chunk.metadata()).containsEntry("_ab_chunk_count", 1L);
            });
        }
    }

    @Test
    void should_keep_old_data_during_an_overwrite_and_remove_it_once_the_stream_is_complete() throws Exception {
        String index = freshIndex("os-overwrite");
        ok(write(
                config(index, "wait_for"),
                catalog(stream("docs", "overwrite", List.of("id"), 1, 1)),
                record("docs", "{\"id\":1,\"text\":\"old one\"}")
                        + record("docs", "{\"id\":2,\"text\":\"old two\"}")
                        + status("docs", "COMPLETE")));
        assertThat(openSearch().all(index)).hasSize(2);

        try (ConnectorProcess sync =
                startWrite(config(index, "wait_for"), catalog(stream("docs", "overwrite", List.of("id"), 2, 2)))) {
            sync.write(record("docs", "{\"id\":3,\"text\":\"new three\"}") + streamState("docs", "{}"));
            assertThat(sync.awaitMessage(m -> m.path("type").asText().equals("STATE"), 60))
                    .isNotNull();
            // Checkpointed and searchable (refresh=wait_for), and the old generation is still there.
            assertThat(openSearch().all(index))
                    .extracting(StoredChunk::document)
                    .containsExactlyInAnyOrder("text: old one", "text: old two", "text: new three");
            sync.write(status("docs", "COMPLETE"));
            sync.closeStdin();
            ok(sync.await(60));
        }

        assertThat(openSearch().all(index)).singleElement().satisfies(chunk -> {
            assertThat(chunk.document()).isEqualTo("text: new three");
            assertThat(chunk.metadata()).containsEntry("_ab_generation_id", 2L);
        });
    }

    @Test
    void should_write_a_document_without_a_value_its_index_typed_otherwise_and_record_the_change() {
        String index = freshIndex("os-refit");
        // The first sync maps metadata.price as a number; the second sends text there. OpenSearch answers
        // the bulk request with HTTP 200 and refuses that one document in its item (mapper_parsing_exception).
        var result = secondSync(
                index,
                "{\"id\":1,\"text\":\"a\",\"price\":1}",
                "{\"id\":2,\"text\":\"b\",\"price\":\"private-words\"}");

        ok(result);
        assertThat(result.states()).hasSize(1);
        assertThat(result.allOutput()).doesNotContain("private-words");
        assertThat(openSearch().all(index))
                .filteredOn(chunk -> chunk.document().equals("text: b"))
                .singleElement()
                .satisfies(chunk -> {
                    assertThat(chunk.metadata()).doesNotContainKey("price").containsEntry("id", 2L);
                    assertThat(chunk.metadata().get("_airbyte_meta").toString())
                            .contains("\"field\":\"price\",\"change\":\"NULLED\"");
                });
    }

    @Test
    void should_emit_no_state_and_fail_without_content_when_opensearch_refuses_a_primary_key_value() {
        String index = freshIndex("os-refused");
        // The first sync maps metadata.id as a number; the second's key is text. A key value is never left out
        // to fit the index, so OpenSearch's refusal of the document (in a 200 bulk answer) fails the sync.
        var result = secondSync(index, "{\"id\":1,\"text\":\"a\"}", "{\"id\":\"private-words\",\"text\":\"b\"}");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.states()).isEmpty();
        JsonNode error = result.traceError();
        assertThat(error.get("failure_type").asText()).isEqualTo("config_error");
        assertThat(error.get("message").asText()
                        + error.path("internal_message").asText())
                .contains("mapper_parsing_exception", "metadata.id");
        assertThat(result.allOutput()).doesNotContain("private-words");
        assertThat(openSearch().all(index)).extracting(StoredChunk::document).containsExactly("text: a");
    }

    /** A first append_dedup sync of the record {@code first}, then a second of {@code second} and a state. */
    private ConnectorProcess.Result secondSync(String index, String first, String second) {
        String catalog = catalog(stream("docs", "append_dedup", List.of("id"), 1, 0));
        ok(write(config(index, "wait_for"), catalog, record("docs", first)));
        return write(config(index, "wait_for"), catalog, record("docs", second) + streamState("docs", "{}"));
    }
}
