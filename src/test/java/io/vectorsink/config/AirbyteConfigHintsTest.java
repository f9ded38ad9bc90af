package io.vectorsink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.error.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Configs in the shape Airbyte's vector destinations save them (their specs: processing as here, embedding
 * modes openai/cohere/fake/azure_openai/openai_compatible without a model name, indexing without a mode) are
 * refused with the change to make first, and following it gives a config that passes.
 */
class AirbyteConfigHintsTest {
    private static final String PROCESSING =
            """
            "processing": {"chunk_size": 512, "chunk_overlap": 0, "text_fields": ["text"], "metadata_fields": [],
                           "text_splitter": {"mode": "separator", "separators": ["\\"\\\\n\\\\n\\"", "\\"\\\\n\\""],
                                             "keep_separator": false},
                           "field_name_mappings": []},
            "omit_raw_text": false""";

    private static ConfigException refusal(String json) {
        Throwable error = catchThrowable(() -> ConfigParser.parse(ConfigParserTest.json(json)));
        assertThat(error).isInstanceOf(ConfigException.class);
        return (ConfigException) error;
    }

    @Test
    void should_say_what_to_change_in_a_pinecone_config_and_accept_it_changed() {
        String saved = "{" + PROCESSING
                + """
                , "embedding": {"mode": "openai", "openai_key": "sk-abcd"},
                  "indexing": {"pinecone_key": "pc-abcd", "pinecone_environment": "us-west1-gcp", "index": "docs"}}
                """;

        ConfigException error = refusal(saved);

        assertThat(error.problems().get(0))
                .startsWith("embedding.model:")
                .contains("\"model\": \"text-embedding-ada-002\"");
        assertThat(error.problems().get(1))
                .startsWith("indexing.mode: this looks like the indexing section of Airbyte's Pinecone destination")
                .contains("add \"mode\": \"pinecone\"", "remove pinecone_environment");

        ObjectNode changed = ConfigParserTest.json(saved);
        ((ObjectNode) changed.get("embedding")).put("model", "text-embedding-ada-002");
        ((ObjectNode) changed.get("indexing")).put("mode", "pinecone").remove("pinecone_environment");
        assertThat(ConfigParser.parse(changed).processing().chunkSize()).isEqualTo(512);
        assertThat(UnknownKeys.in(changed)).isEmpty();
    }

    @Test
    void should_say_what_to_change_in_a_qdrant_config_and_accept_it_changed() {
        String saved = "{" + PROCESSING
                + """
                , "embedding": {"mode": "fake"},
                  "indexing": {"url": "https://q.example.com:6333", "auth_method": {"mode": "api_key_auth", "api_key": "qk-abcd"},
                               "prefer_grpc": true, "collection": "docs", "distance_metric": "cos", "text_field": "text"}}
                """;

        ConfigException error = refusal(saved);

        assertThat(error.problems().get(0))
                .contains(
                        "Qdrant destination",
                        "add \"mode\": \"qdrant\" and \"payload_layout\": \"flat\"",
                        "text_field carries over",
                        "replace auth_method by \"api_key\"",
                        "remove prefer_grpc");

        ObjectNode changed = ConfigParserTest.json(saved);
        ObjectNode indexing = (ObjectNode) changed.get("indexing");
        indexing.put("mode", "qdrant")
                .put("api_key", "qk-abcd")
                .put("payload_layout", "flat")
                .remove(java.util.List.of("auth_method", "prefer_grpc"));
        assertThat(ConfigParser.parse(changed).indexing())
                .isEqualTo(new IndexingConfig.Qdrant(
                        "https://q.example.com:6333", "qk-abcd", "docs", "cosine", "text", "flat"));
    }

    @Test
    void should_recognise_chroma_milvus_and_weaviate_sections() {
        List<String> chroma = refusal(
                        "{" + PROCESSING
                                + """
                , "embedding": {"mode": "no_embedding"},
                  "indexing": {"auth_method": {"mode": "http_client", "host": "chroma.example.com", "port": 8000,
                                               "ssl": true}, "collection_name": "docs"}}
                """)
                .problems();
        assertThat(chroma.get(0))
                .contains(
                        "Chroma destination",
                        "rename collection_name to collection",
                        "replace auth_method by \"host\"");
        assertThat(chroma.get(1))
                .startsWith("embedding.mode: \"no_embedding\" of Airbyte's destinations has no counterpart")
                .contains("\"local\"");
        assertThat(refusal(
                                "{" + PROCESSING
                                        + """
                        , "embedding": {"mode": "fake"},
                          "indexing": {"host": "https://m.example.com", "db": "default", "collection": "docs",
                                       "auth": {"mode": "no_auth"}, "vector_field": "vector", "text_field": "text"}}
                        """)
                        .problems()
                        .get(0))
                .contains("Milvus destination", "mode \"none\" for no_auth", "vector_field and text_field carry over")
                .doesNotContain("remove");
        assertThat(refusal(
                                "{" + PROCESSING
                                        + """
                        , "embedding": {"mode": "cohere", "cohere_key": "co-abcd"},
                          "indexing": {"host": "https://w.example.com", "auth": {"mode": "token", "token": "wk-abcd"},
                                       "batch_size": 128, "default_vectorizer": "none", "text_field": "text"}}
                        """)
                        .problems())
                .satisfies(problems -> assertThat(problems.get(0)).contains("embed-english-light-v2.0"))
                .satisfies(problems -> assertThat(problems.get(1))
                        .contains(
                                "Weaviate destination",
                                "{\"mode\": \"api_key\", \"api_key\": ...}",
                                "remove batch_size, default_vectorizer"))
                .satisfies(problems -> assertThat(problems.get(1)).doesNotContain("text_field"));
    }

    @Test
    void should_add_no_hint_to_a_config_of_this_connector() {
        ConfigException error = refusal(
                """
                {"embedding": {"mode": "openai", "openai_key": "sk-abcd", "model": "nope"},
                 "indexing": {"mode": "pinecone", "pinecone_key": "pc-abcd", "index": "docs"}}
                """);

        assertThat(error.problems()).singleElement().asString().startsWith("embedding.model: must be one of");
    }
}
