package io.vectorsink.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.testing.ConnectorProcess;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class SpecAndCheckIT extends ProcessTestSupport {

    private ConnectorProcess.Result check(String config, String... form) {
        String path = file("config.json", config).toString();
        String command = form.length > 0 ? form[0] : "check";
        return ConnectorProcess.run("", command, "--config", path);
    }

    private static JsonNode onlyStatus(ConnectorProcess.Result result) {
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.messages("CONNECTION_STATUS")).hasSize(1);
        return result.messages("CONNECTION_STATUS").get(0).get("connectionStatus");
    }

    @Test
    void should_print_exactly_one_spec_in_both_command_forms() {
        for (String form : new String[] {"spec", "--spec"}) {
            var result = ConnectorProcess.run("", form);
            assertThat(result.exitCode()).isZero();
            assertThat(result.messages()).hasSize(1);
            JsonNode spec = result.messages("SPEC").get(0).get("spec");
            assertThat(spec.get("connectionSpecification").get("properties").has("indexing"))
                    .isTrue();
            assertThat(spec.get("supported_destination_sync_modes").toString())
                    .contains("append", "append_dedup", "overwrite");
        }
    }

    @Test
    void should_succeed_for_a_reachable_chroma_and_create_nothing() {
        String collection = freshCollection("check-ok");
        JsonNode status = onlyStatus(check(fakeConfig(collection, "")));
        assertThat(status.get("status").asText()).as(status.toString()).isEqualTo("SUCCEEDED");
        assertThat(chroma().exists(collection)).isFalse();
        JsonNode javaForm = onlyStatus(check(fakeConfig(collection, ""), "--check"));
        assertThat(javaForm.get("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void should_name_a_misspelt_key_in_check_and_warn_of_it_in_write() {
        String collection = freshCollection("check-unknown");
        String config = fakeConfig(collection, ", \"metdata_fields\": [\"id\"]");

        JsonNode status = onlyStatus(check(config));
        var written = write(
                config,
                io.vectorsink.testing.Messages.catalog(
                        io.vectorsink.testing.Messages.stream("docs", "append", java.util.List.of(), 1, 0)),
                io.vectorsink.testing.Messages.record("docs", "{\"id\":1,\"text\":\"a b c\"}"));

        assertThat(status.get("status").asText()).isEqualTo("FAILED");
        assertThat(status.get("message").asText())
                .contains("the index is ready")
                .contains("processing.metdata_fields (did you mean metadata_fields?)");
        assertThat(written.exitCode()).as(written.stderr()).isZero();
        assertThat(written.messages("LOG"))
                .anySatisfy(log -> assertThat(log.at("/log/level").asText()).isEqualTo("WARN"))
                .anySatisfy(log -> assertThat(log.at("/log/message").asText())
                        .contains("processing.metdata_fields")
                        .contains("this sync ignores them"));
    }

    @Test
    void should_report_every_config_problem_at_once() {
        String config =
                """
                {"processing": {"chunk_size": 10, "chunk_overlap": 20, "text_fields": ["text"]},
                 "embedding": {"mode": "fake", "dimensions": 8},
                 "indexing": {"mode": "chroma", "host": "not a url", "collection": "x"}}
                """;
        JsonNode status = onlyStatus(check(config));
        assertThat(status.get("status").asText()).isEqualTo("FAILED");
        assertThat(status.get("message").asText())
                .contains("host")
                .contains("collection")
                .contains("chunk_overlap");
    }

    @Test
    void should_report_a_store_rule_together_with_the_other_problems() {
        // The Weaviate header rules once ran only when the store's config record was built, after the rest
        // of the config had passed: check named the overlap first and the header only on the next try.
        String config =
                """
                {"processing": {"chunk_size": 10, "chunk_overlap": 20, "text_fields": ["text"]},
                 "embedding": {"mode": "fake", "dimensions": 8},
                 "indexing": {"mode": "weaviate", "host": "http://127.0.0.1:1",
                              "additional_headers": [{"name": "Authorization", "value": "Bearer hdr-secret-1"}]}}
                """;
        JsonNode status = onlyStatus(check(config));
        assertThat(status.get("status").asText()).isEqualTo("FAILED");
        assertThat(status.get("message").asText())
                .contains("processing.chunk_overlap")
                .contains("indexing.additional_headers[0].name: must not be Authorization");
    }

    @Test
    void should_refuse_a_query_limit_beyond_a_thousand_as_a_config_error() {
        var result = ConnectorProcess.run(
                "",
                "query",
                "--config",
                file("config.json", fakeConfig(freshCollection("limit"), "")).toString(),
                "--text",
                "anything",
                "--limit",
                "5000");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.traceError().get("failure_type").asText()).isEqualTo("config_error");
        assertThat(result.traceError().get("message").asText()).contains("--limit", "1 to 1000");
    }

    @Test
    void should_explain_an_unreachable_chroma() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String config = fakeConfig("unreachable", "").replace(chromaUrl(), "http://127.0.0.1:" + closedPort);
        JsonNode status = onlyStatus(check(config));
        assertThat(status.get("status").asText()).isEqualTo("FAILED");
        assertThat(status.get("message").asText()).containsIgnoringCase("reach");
    }

    @Test
    void should_explain_a_dimension_mismatch_with_both_numbers() {
        String collection = freshCollection("check-dim");
        chroma().createWithDimension(collection, 5, "cosine");
        JsonNode status = onlyStatus(check(fakeConfig(collection, "")));
        assertThat(status.get("status").asText()).isEqualTo("FAILED");
        assertThat(status.get("message").asText()).contains("5").contains("8");
    }

    @Test
    void should_refuse_a_collection_of_another_model_naming_both_unless_a_model_change_is_allowed() {
        String collection = freshCollection("check-model");
        chroma().createWithDimension(
                        collection,
                        8,
                        "cosine",
                        "{\"vectorsink_embedding_model\": \"provider=local;model=bge-small-en-v1.5;dimensions=8\"}");

        JsonNode refused = onlyStatus(check(fakeConfig(collection, "")));
        assertThat(refused.get("status").asText()).isEqualTo("FAILED");
        assertThat(refused.get("message").asText())
                .contains("local bge-small-en-v1.5 (8 dims)")
                .contains("fake sha256-seeded (8 dims)")
                .contains("advanced.allow_model_change");

        String migrating = fakeConfig(collection, "")
                .replace("\"batch_size\": 4", "\"batch_size\": 4, \"allow_model_change\": true");
        JsonNode allowed = onlyStatus(check(migrating));
        assertThat(allowed.get("status").asText()).as(allowed.toString()).isEqualTo("SUCCEEDED");
        assertThat(allowed.get("message").asText()).contains("Note:").contains("bge-small-en-v1.5");
    }

    @Test
    void should_explain_a_metric_mismatch() {
        String collection = freshCollection("check-metric");
        chroma().createWithDimension(collection, 8, "l2");
        JsonNode status = onlyStatus(check(fakeConfig(collection, "")));
        assertThat(status.get("status").asText()).isEqualTo("FAILED");
        assertThat(status.get("message").asText()).contains("l2").contains("cosine");
    }

    @Test
    void should_reject_a_chunk_size_the_local_model_cannot_embed_whole() {
        String config =
                """
                {"processing": {"chunk_size": 255, "text_fields": ["text"]},
                 "embedding": {"mode": "local"},
                 "indexing": {"mode": "chroma", "host": "%s", "collection": "too-big"}}
                """
                        .formatted(chromaUrl());
        JsonNode status = onlyStatus(check(config));
        assertThat(status.get("status").asText()).isEqualTo("FAILED");
        // all-MiniLM-L6-v2 is made for 256 word pieces: 254 tokens and [CLS], [SEP].
        assertThat(status.get("message").asText())
                .contains("chunk_size is 255")
                .contains("set chunk_size to 254 or less");
    }

    @Test
    void should_fail_a_config_that_is_not_json_without_crashing() {
        JsonNode status = onlyStatus(check("{not json"));
        assertThat(status.get("status").asText()).isEqualTo("FAILED");
        assertThat(status.get("message").asText()).contains("not valid JSON");
    }

    @Test
    void should_never_print_a_configured_secret() {
        String secret = "tok-" + "s3cr3t-value-4711";
        String config =
                """
                {"processing": {"chunk_size": 10, "text_fields": ["text"]},
                 "embedding": {"mode": "fake", "dimensions": 8},
                 "indexing": {"mode": "chroma", "host": "http://127.0.0.1:1", "collection": "secret-test",
                              "auth": {"mode": "token", "token": "%s"}}}
                """
                        .formatted(secret);
        var result = check(config);
        assertThat(onlyStatus(result).get("status").asText()).isEqualTo("FAILED");
        assertThat(result.allOutput()).doesNotContain(secret);
    }
}
