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
import io.vectorsink.testing.ElasticsearchNode;
import io.vectorsink.testing.ElasticsearchNode.Credentials;
import io.vectorsink.testing.OpenSearchInspector;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The built jar writing to a real Elasticsearch 8.19 node (security on), exactly as Airbyte runs it: dedup
 * with trims and CDC deletes, overwrite that completes and one that does not, {@code refresh: false}, an
 * alias, and a user with only the documented minimal role.
 */
class ElasticsearchWriteIT extends ProcessTestSupport {
    private static OpenSearchInspector elasticsearch() {
        return OpenSearchInspector.elasticsearch();
    }

    /** The fake embedder (8 dimensions, words as tokens), small chunks, the refresh policy and a user. */
    private static String config(String index, String refresh, Credentials user) {
        return """
                {"processing": {"chunk_size": 10, "chunk_overlap": 0, "text_fields": ["text"]},
                 "embedding": {"mode": "fake", "dimensions": 8},
                 "indexing": {"mode": "opensearch", "url": "%s", "index": "%s", "refresh": "%s", "auth": %s},
                 "advanced": {"batch_size": 4}}
                """
                .formatted(ElasticsearchNode.shared().url(), index, refresh, user.configAuth());
    }

    private static String config(String index) {
        return config(index, "wait_for", ElasticsearchNode.ADMIN);
    }

    private JsonNode check(String config) {
        return ConnectorProcess.run(
                        "", "check", "--config", file("check.json", config).toString())
                .messages("CONNECTION_STATUS")
                .get(0)
                .get("connectionStatus");
    }

    /** A sync that trims a shorter new version and deletes a record by CDC, then the state. */
    private void dedupWithTrimAndCdcDelete(String config, String index) {
        String catalog = catalog(stream("docs", "append_dedup", List.of("id"), 1, 0));
        var result = ok(write(
                config,
                catalog,
                record("docs", "{\"id\":1,\"text\":\"" + LONG + " " + LONG + "\"}")
                        + record("docs", "{\"id\":2,\"text\":\"" + LONG + "\"}")
                        + streamState("docs", "{\"cursor\":1}")
                        + record("docs", "{\"id\":1,\"text\":\"short now\"}")
                        + record("docs", "{\"id\":2,\"_ab_cdc_deleted_at\":\"2024-01-01T00:00:00Z\"}")
                        + streamState("docs", "{\"cursor\":2}")));
        assertThat(result.states()).hasSize(2);
        assertThat(elasticsearch().all(index)).singleElement().satisfies(chunk -> {
            assertThat(chunk.document()).isEqualTo("text: short now");
            assertThat(chunk.metadata()).containsEntry("_ab_chunk_count", 1L);
        });
    }

    @Test
    void should_trim_and_delete_by_cdc_whatever_the_refresh_policy() {
        for (String refresh : List.of("wait_for", "false")) {
            String index = freshIndex("es-dedup-" + refresh.replace("_", ""));
            // With refresh=false the second version follows the first within the refresh interval: the trim
            // must still see (and delete) the first version's extra chunks.
            dedupWithTrimAndCdcDelete(config(index, refresh, ElasticsearchNode.ADMIN), index);
        }
    }

    @Test
    void should_keep_old_data_until_an_overwrite_completes_and_through_one_that_does_not() {
        String index = freshIndex("es-overwrite");
        ok(write(
                config(index),
                catalog(stream("docs", "overwrite", List.of("id"), 1, 1)),
                record("docs", "{\"id\":1,\"text\":\"old one\"}")
                        + record("docs", "{\"id\":2,\"text\":\"old two\"}")
                        + status("docs", "COMPLETE")));
        ok(write(
                config(index),
                catalog(stream("docs", "overwrite", List.of("id"), 2, 2)),
                record("docs", "{\"id\":3,\"text\":\"partial\"}") + status("docs", "INCOMPLETE")));
        assertThat(elasticsearch().all(index))
                .extracting(StoredChunk::document)
                .containsExactlyInAnyOrder("text: old one", "text: old two", "text: partial");

        ok(write(
                config(index),
                catalog(stream("docs", "overwrite", List.of("id"), 3, 3)),
                record("docs", "{\"id\":4,\"text\":\"new four\"}") + status("docs", "COMPLETE")));
        assertThat(elasticsearch().all(index)).singleElement().satisfies(chunk -> {
            assertThat(chunk.document()).isEqualTo("text: new four");
            assertThat(chunk.metadata()).containsEntry("_ab_generation_id", 3L);
        });
    }

    @Test
    void should_check_and_write_through_an_alias_into_the_index_behind_it() {
        String concrete = freshIndex("es-behind-alias");
        String alias = freshIndex("es-alias");
        HttpResponse<String> created = ElasticsearchNode.shared()
                .admin(
                        "PUT",
                        "/" + concrete,
                        "{\"aliases\": {\"" + alias + "\": {}}, \"mappings\": {\"properties\": {\"vector_field\":"
                                + " {\"type\": \"dense_vector\", \"dims\": 8, \"similarity\": \"cosine\","
                                + " \"index_options\": {\"type\": \"hnsw\"}}}}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);

        JsonNode checked = check(config(alias));
        assertThat(checked.get("status").asText()).as(checked.toString()).isEqualTo("SUCCEEDED");
        dedupWithTrimAndCdcDelete(config(alias), concrete);
    }

    @Test
    void should_write_with_only_the_minimal_role_and_say_which_privilege_is_missing_without_monitor() {
        String index = freshIndex("es-minimal");
        JsonNode passed = check(config(index, "wait_for", ElasticsearchNode.WRITER));
        assertThat(passed.get("status").asText()).as(passed.toString()).isEqualTo("SUCCEEDED");
        dedupWithTrimAndCdcDelete(config(index, "wait_for", ElasticsearchNode.WRITER), index);

        JsonNode refused = check(config(freshIndex("es-nomonitor"), "wait_for", ElasticsearchNode.NO_MONITOR));
        assertThat(refused.get("status").asText()).isEqualTo("FAILED");
        assertThat(refused.get("message").asText())
                .startsWith("Elasticsearch at ")
                .contains("HTTP 403", "cluster:monitor/main", "monitor cluster privilege")
                .doesNotContain("rejected the credentials");
    }

    @Test
    void should_name_elasticsearch_and_the_refused_field_when_a_primary_key_value_is_refused() {
        String index = freshIndex("es-refused");
        HttpResponse<String> created = ElasticsearchNode.shared()
                .admin(
                        "PUT",
                        "/" + index,
                        "{\"mappings\": {\"properties\": {\"vector_field\": {\"type\": \"dense_vector\","
                                + " \"dims\": 8, \"similarity\": \"cosine\"}, \"metadata\": {\"properties\":"
                                + " {\"id\": {\"type\": \"long\"}}}}}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);

        var result = write(
                config(index),
                catalog(stream("docs", "append_dedup", List.of("id"), 1, 0)),
                // A key value is never left out to fit the index: the refusal fails the sync.
                record("docs", "{\"id\":\"private-words\",\"text\":\"a\"}") + streamState("docs", "{}"));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.states()).isEmpty();
        JsonNode error = result.traceError();
        assertThat(error.get("failure_type").asText()).isEqualTo("config_error");
        assertThat(error.get("message").asText())
                .startsWith("Elasticsearch refused 1 of 1 documents")
                .contains("document_parsing_exception", "metadata.id")
                .doesNotContain("OpenSearch");
        assertThat(result.allOutput()).doesNotContain("private-words");
    }
}
