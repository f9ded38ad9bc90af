package io.vectorsink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.config.IndexingConfig.Chroma;
import io.vectorsink.config.IndexingConfig.ChromaAuth;
import io.vectorsink.config.ProcessingConfig.FieldMapping;
import io.vectorsink.error.ConfigException;
import io.vectorsink.protocol.Json;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigParserTest {
    private static final Map<String, String> SELF_MANAGED = Map.of();
    private static final Map<String, String> CLOUD = Map.of("DEPLOYMENT_MODE", "cloud");

    static final String MINIMAL =
            """
            {"embedding": {"mode": "local"},
             "indexing": {"mode": "chroma", "host": "http://127.0.0.1:8000", "collection": "airbyte"}}
            """;

    static ObjectNode json(String text) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The minimal config with {@code value} set at the dot path {@code path} (objects created on the way). */
    static ObjectNode minimalWith(String path, JsonNode value) {
        ObjectNode config = json(MINIMAL);
        String[] names = path.split("\\.");
        ObjectNode node = config;
        for (int i = 0; i < names.length - 1; i++) {
            node = node.has(names[i]) ? (ObjectNode) node.get(names[i]) : node.putObject(names[i]);
        }
        node.set(names[names.length - 1], value);
        return config;
    }

    static ObjectNode minimalWith(String path, String value) {
        return minimalWith(path, Json.MAPPER.getNodeFactory().textNode(value));
    }

    static List<String> problems(JsonNode config) {
        return problems(config, SELF_MANAGED);
    }

    static List<String> problems(JsonNode config, Map<String, String> env) {
        ConfigException error = catchThrowableOfType(ConfigException.class, () -> ConfigParser.parse(config, env));
        assertThat(error).as("expected the config to be rejected").isNotNull();
        return error.problems();
    }

    @Test
    void should_apply_every_default_when_config_is_minimal() {
        ConnectorConfig config = ConfigParser.parse(json(MINIMAL), SELF_MANAGED);

        assertThat(config.processing())
                .isEqualTo(new ProcessingConfig(
                        254, 0, List.of(), List.of(), List.of(), TextSplitterConfig.Separator.defaults()));
        assertThat(config.embedding()).isEqualTo(new EmbeddingConfig.Local(EmbeddingConfig.Local.MINILM));
        assertThat(config.indexing())
                .isEqualTo(new Chroma(
                        "http://127.0.0.1:8000",
                        "default_tenant",
                        "default_database",
                        "airbyte",
                        "cosine",
                        new ChromaAuth.None()));
        assertThat(config.omitRawText()).isFalse();
        assertThat(config.advanced()).isEqualTo(AdvancedConfig.defaults());
    }

    @Test
    void should_parse_a_config_that_sets_every_processing_field() {
        ObjectNode raw = json(
                """
                {
                  "processing": {"chunk_size": 256, "chunk_overlap": 0, "text_fields": ["title", "body"],
                                 "metadata_fields": ["id", "author.name"], "field_name_mappings": [{"from_field": "a", "to_field": "b"}],
                                 "text_splitter": {"mode": "separator", "separators": ["\\"\\\\n\\\\n\\"", "\\"\\\\n\\"", "\\" \\""], "keep_separator": false}},
                  "embedding": {"mode": "local", "model": "all-minilm-l6-v2-q"},
                  "indexing":  {"mode": "chroma", "host": "http://127.0.0.1:8000", "collection": "airbyte"},
                  "omit_raw_text": false
                }
                """);

        ConnectorConfig config = ConfigParser.parse(raw, SELF_MANAGED);

        assertThat(config.processing().textFields()).containsExactly("title", "body");
        assertThat(config.processing().metadataFields()).containsExactly("id", "author.name");
        assertThat(config.processing().fieldNameMappings()).containsExactly(new FieldMapping("a", "b"));
        assertThat(config.processing().textSplitter())
                .isEqualTo(new TextSplitterConfig.Separator(List.of("\n\n", "\n", " "), false));
        assertThat(((Chroma) config.indexing()).collection()).isEqualTo("airbyte");
    }

    @Test
    void should_report_every_problem_at_once_when_three_fields_are_bad() {
        ObjectNode raw = json(
                """
                {"processing": {"chunk_size": 0},
                 "embedding": {"mode": "fake", "dimensions": 5000},
                 "indexing": {"mode": "chroma", "host": "ftp://chroma", "collection": "airbyte"}}
                """);

        assertThat(problems(raw))
                .containsExactly(
                        "processing.chunk_size: must be at least 1",
                        "embedding.dimensions: must be at most 4096",
                        "indexing.host: must look like http(s)://host[:port]");
    }

    @Test
    void should_name_missing_required_fields() {
        assertThat(problems(json("{\"indexing\": {\"mode\": \"chroma\"}}")))
                .containsExactlyInAnyOrder(
                        "embedding: is required", "indexing.host: is required", "indexing.collection: is required");
    }

    @Test
    void should_list_the_modes_when_mode_is_missing_or_unknown() {
        assertThat(problems(minimalWith("embedding", json("{}"))))
                .containsExactly(
                        "embedding.mode: is required: one of local, fake, from_field, openai, azure_openai, cohere, openai_compatible");
        assertThat(problems(minimalWith("embedding.mode", "voyage")))
                .containsExactly(
                        "embedding.mode: must be one of local, fake, from_field, openai, azure_openai, cohere, openai_compatible");
        assertThat(problems(minimalWith("processing.text_splitter.mode", "sentences")))
                .containsExactly("processing.text_splitter.mode: must be one of separator, markdown, code");
    }

    @Test
    void should_reject_a_config_that_is_not_an_object() {
        assertThat(problems(Json.MAPPER.getNodeFactory().arrayNode())).containsExactly("config: must be a JSON object");
        assertThatThrownBy(() -> ConfigParser.parse(null, SELF_MANAGED)).isInstanceOf(ConfigException.class);
    }

    @Test
    void should_name_the_expected_type_when_a_value_has_the_wrong_type() {
        assertThat(problems(minimalWith("processing.chunk_size", "256")))
                .containsExactly("processing.chunk_size: must be a whole number");
        assertThat(problems(minimalWith("omit_raw_text", "yes")))
                .containsExactly("omit_raw_text: must be true or false");
        assertThat(problems(minimalWith("processing.text_fields", "body")))
                .containsExactly("processing.text_fields: must be a list");
    }

    @Test
    void should_treat_null_as_absent_when_an_optional_field_is_null() {
        ObjectNode raw = minimalWith("indexing.tenant", Json.MAPPER.nullNode());
        raw.set("processing", Json.MAPPER.nullNode());

        ConnectorConfig config = ConfigParser.parse(raw, SELF_MANAGED);

        assertThat(((Chroma) config.indexing()).tenant()).isEqualTo("default_tenant");
        assertThat(config.processing().chunkSize()).isEqualTo(254);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:8000",
                "http://localhost:8000/",
                "http://[::1]:8000",
                "https://chroma.example.com",
                "https://chroma.example.com:443",
                "https://my_chroma:8000",
                "https://10.0.0.5"
            })
    void should_accept_host_when_it_is_a_base_url(String host) {
        ConnectorConfig config = ConfigParser.parse(minimalWith("indexing.host", host), SELF_MANAGED);

        assertThat(((Chroma) config.indexing()).host()).isEqualTo(host.replaceAll("/$", ""));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ftp://chroma",
                "127.0.0.1:8000",
                "http://",
                "https://chroma.example.com/api",
                "https://user:secret@chroma.example.com",
                "https://chroma.example.com:port",
                "https://chroma.example.com?tenant=x",
                " https://chroma.example.com",
                "HTTPS://chroma.example.com"
            })
    void should_reject_host_when_it_is_not_a_base_url(String host) {
        assertThat(problems(minimalWith("indexing.host", host)))
                .containsExactly("indexing.host: must look like http(s)://host[:port]");
    }

    @Test
    void should_reject_a_port_out_of_range() {
        assertThat(problems(minimalWith("indexing.host", "https://chroma:70000")))
                .containsExactly("indexing.host: must have a port between 1 and 65535");
    }

    @Test
    void should_require_https_when_host_is_not_loopback() {
        assertThat(problems(minimalWith("indexing.host", "http://chroma.internal:8000")))
                .containsExactly("indexing.host: must use https; plain http is only for loopback hosts unless"
                        + " advanced.allow_insecure_http is true");
    }

    @Test
    void should_allow_plain_http_when_insecure_http_is_allowed_outside_cloud() {
        ObjectNode raw = minimalWith("indexing.host", "http://chroma.internal:8000");
        raw.putObject("advanced").put("allow_insecure_http", true);

        ConnectorConfig config = ConfigParser.parse(raw, SELF_MANAGED);

        assertThat(config.advanced().allowInsecureHttp()).isTrue();
    }

    @Test
    void should_bind_the_metadata_types_and_the_model_change_options() {
        ObjectNode raw = json(MINIMAL);
        ObjectNode processing = raw.putObject("processing").put("metadata_types", "strings_and_numbers");
        raw.putObject("advanced").put("allow_model_change", true);

        ConnectorConfig config = ConfigParser.parse(raw, SELF_MANAGED);

        assertThat(config.processing().metadataTypes()).isEqualTo(ProcessingConfig.MetadataTypes.STRINGS_AND_NUMBERS);
        assertThat(config.advanced().allowModelChange()).isTrue();
        assertThat(ConfigParser.parse(json(MINIMAL), SELF_MANAGED).processing().metadataTypes())
                .isEqualTo(ProcessingConfig.MetadataTypes.NATIVE);
        processing.put("metadata_types", "booleans");
        assertThat(problems(raw, SELF_MANAGED)).anyMatch(problem -> problem.contains("metadata_types"));
    }

    @Test
    void should_never_honour_insecure_http_when_deployed_in_cloud() {
        ObjectNode plainHttp = minimalWith("indexing.host", "http://chroma.internal:8000");
        plainHttp.putObject("advanced").put("allow_insecure_http", true);
        ObjectNode https = minimalWith("indexing.host", "https://chroma.example.com");
        https.putObject("advanced").put("allow_insecure_http", true);

        assertThat(problems(plainHttp, CLOUD))
                .containsExactly("indexing.host: must use https: Airbyte Cloud never sends data over plain http");
        assertThat(ConfigParser.parse(https, CLOUD).advanced().allowInsecureHttp())
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "a.b-c_d", "Airbyte_Docs.v2", "123"})
    void should_accept_chroma_names_when_they_follow_chromas_rules(String name) {
        ObjectNode raw = minimalWith("indexing.collection", name);
        ((ObjectNode) raw.get("indexing")).put("tenant", name).put("database", name);

        Chroma chroma = (Chroma) ConfigParser.parse(raw, SELF_MANAGED).indexing();

        assertThat(List.of(chroma.tenant(), chroma.database(), chroma.collection()))
                .containsOnly(name);
    }

    @Test
    void should_accept_chroma_names_of_512_characters() {
        String name = "a".repeat(512);

        assertThat(((Chroma) ConfigParser.parse(minimalWith("indexing.collection", name), SELF_MANAGED)
                                .indexing())
                        .collection())
                .isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "_abc", "abc-", "a..b", "1.2.3.4", "ab$c", "a b c", ""})
    void should_reject_chroma_names_when_they_break_chromas_rules(String name) {
        String rule = "must look like 3-512 of a-z A-Z 0-9 . _ -, a letter or digit at both ends, no '..', not an IP"
                + " address";
        ObjectNode raw = minimalWith("indexing.collection", name);
        ((ObjectNode) raw.get("indexing")).put("tenant", name).put("database", name);

        assertThat(problems(raw))
                .containsExactly(
                        "indexing.tenant: " + rule, "indexing.database: " + rule, "indexing.collection: " + rule);
    }

    @Test
    void should_reject_chroma_names_longer_than_512_characters() {
        assertThat(problems(minimalWith("indexing.collection", "a".repeat(513))))
                .hasSize(1);
    }

    @Test
    void should_accept_dot_paths_when_segments_are_not_empty() {
        ObjectNode raw = minimalWith(
                "processing.text_fields",
                json("{\"f\": [\"text\", \"user.name\", \"users.*.name\", \"First Name\"]}")
                        .get("f"));

        assertThat(ConfigParser.parse(raw, SELF_MANAGED).processing().textFields())
                .containsExactly("text", "user.name", "users.*.name", "First Name");
    }

    @Test
    void should_reject_dot_paths_when_a_segment_is_empty() {
        ObjectNode raw = minimalWith(
                "processing.metadata_fields",
                json("{\"f\": [\"ok\", \"\", \".a\", \"a.\", \"a..b\"]}").get("f"));

        assertThat(problems(raw))
                .containsExactly(
                        "processing.metadata_fields[1]: must look like field or dot.separated.path, * for any key",
                        "processing.metadata_fields[2]: must look like field or dot.separated.path, * for any key",
                        "processing.metadata_fields[3]: must look like field or dot.separated.path, * for any key",
                        "processing.metadata_fields[4]: must look like field or dot.separated.path, * for any key");
    }

    @Test
    void should_reject_overlap_when_it_is_not_less_than_chunk_size() {
        ObjectNode equal =
                minimalWith("processing.chunk_size", json("{\"n\": 100}").get("n"));
        ((ObjectNode) equal.get("processing")).put("chunk_overlap", 100);
        ObjectNode larger =
                minimalWith("processing.chunk_overlap", json("{\"n\": 300}").get("n"));

        assertThat(problems(equal))
                .containsExactly("processing.chunk_overlap: must be less than processing.chunk_size (100)");
        assertThat(problems(larger))
                .containsExactly("processing.chunk_overlap: must be less than processing.chunk_size (254)");
    }

    @Test
    void should_decode_separators_when_they_are_json_strings() {
        ObjectNode raw = minimalWith(
                "processing.text_splitter",
                json(
                        "{\"mode\": \"separator\", \"separators\": [\"\\\"###\\\"\", \"\\\"\\\\t\\\"\", \"\\\"\\\\u00a0\\\"\"],"
                                + " \"keep_separator\": true}"));

        assertThat(ConfigParser.parse(raw, SELF_MANAGED).processing().textSplitter())
                .isEqualTo(new TextSplitterConfig.Separator(List.of("###", "\t", "\u00a0"), true));
    }

    @Test
    void should_report_each_separator_that_is_not_a_json_string() {
        // "\q" has the quotes but is not valid JSON; ### lacks the quotes altogether.
        ObjectNode raw = minimalWith(
                "processing.text_splitter",
                json("{\"mode\": \"separator\", \"separators\": [\"\\\"\\\\n\\\"\", \"\\\"\\\\q\\\"\", \"###\"]}"));

        assertThat(problems(raw))
                .containsExactlyInAnyOrder(
                        "processing.text_splitter.separators[1]: must look like a JSON string with its quotes, e.g. \"\\n\"",
                        "processing.text_splitter.separators[2]: must look like a JSON string with its quotes, e.g. \"\\n\"");
    }

    @Test
    void should_bind_markdown_and_code_splitters() {
        ObjectNode markdown =
                minimalWith("processing.text_splitter", json("{\"mode\": \"markdown\", \"split_level\": 3}"));
        ObjectNode markdownDefault = minimalWith("processing.text_splitter", json("{\"mode\": \"markdown\"}"));
        ObjectNode code =
                minimalWith("processing.text_splitter", json("{\"mode\": \"code\", \"language\": \"kotlin\"}"));

        assertThat(ConfigParser.parse(markdown, SELF_MANAGED).processing().textSplitter())
                .isEqualTo(new TextSplitterConfig.Markdown(3));
        assertThat(ConfigParser.parse(markdownDefault, SELF_MANAGED)
                        .processing()
                        .textSplitter())
                .isEqualTo(new TextSplitterConfig.Markdown(1));
        assertThat(ConfigParser.parse(code, SELF_MANAGED).processing().textSplitter())
                .isEqualTo(new TextSplitterConfig.Code("kotlin"));
    }

    @Test
    void should_reject_splitter_settings_out_of_range() {
        ObjectNode markdown =
                minimalWith("processing.text_splitter", json("{\"mode\": \"markdown\", \"split_level\": 7}"));
        ObjectNode code =
                minimalWith("processing.text_splitter", json("{\"mode\": \"code\", \"language\": \"cobol\"}"));
        ObjectNode codeWithoutLanguage = minimalWith("processing.text_splitter", json("{\"mode\": \"code\"}"));

        assertThat(problems(markdown)).containsExactly("processing.text_splitter.split_level: must be at most 6");
        assertThat(problems(code))
                .singleElement()
                .asString()
                .startsWith("processing.text_splitter.language: must be one of cpp, go, java");
        assertThat(problems(codeWithoutLanguage))
                .singleElement()
                .asString()
                .startsWith("processing.text_splitter.language: is required: one of cpp, go");
    }

    @Test
    void should_reject_field_mappings_that_are_empty_wildcards_or_repeated() {
        ObjectNode raw = minimalWith(
                "processing.field_name_mappings",
                json("""
                        {"m": [{"from_field": "a", "to_field": ""},
                               {"from_field": "items.*", "to_field": "b"},
                               {"from_field": "c", "to_field": "b"},
                               {"from_field": "d"}]}
                        """)
                        .get("m"));

        assertThat(problems(raw))
                .containsExactly(
                        "processing.field_name_mappings[0].to_field: must look like field or dot.separated.path, one"
                                + " field (no * wildcard)",
                        "processing.field_name_mappings[1].from_field: must look like field or dot.separated.path, one"
                                + " field (no * wildcard)",
                        "processing.field_name_mappings[3].to_field: is required",
                        "processing.field_name_mappings[2].to_field: is already used by an earlier mapping");
    }

    @Test
    void should_bind_fake_embedding_with_its_default_dimensions() {
        assertThat(ConfigParser.parse(minimalWith("embedding", json("{\"mode\": \"fake\"}")), SELF_MANAGED)
                        .embedding())
                .isEqualTo(new EmbeddingConfig.Fake(384));
        assertThat(ConfigParser.parse(
                                minimalWith("embedding", json("{\"mode\": \"fake\", \"dimensions\": 4096}")),
                                SELF_MANAGED)
                        .embedding())
                .isEqualTo(new EmbeddingConfig.Fake(4096));
        assertThat(problems(minimalWith("embedding", json("{\"mode\": \"fake\", \"dimensions\": 0}"))))
                .containsExactly("embedding.dimensions: must be at least 1");
    }

    @Test
    void should_reject_in_flight_budget_smaller_than_a_batch() {
        ObjectNode raw = minimalWith("advanced", json("{\"batch_size\": 256, \"max_in_flight_chunks\": 100}"));

        assertThat(problems(raw))
                .containsExactly("advanced.max_in_flight_chunks: must be at least advanced.batch_size (256)");
    }

    @Test
    void should_bind_advanced_settings() {
        ObjectNode raw = minimalWith(
                "advanced",
                json(
                        """
                        {"batch_size": 64, "embedding_concurrency": 3, "upsert_concurrency": 4,
                         "flush_interval_seconds": 300, "max_in_flight_chunks": 1000, "retry_max_seconds": 30}
                        """));

        assertThat(ConfigParser.parse(raw, SELF_MANAGED).advanced())
                .isEqualTo(new AdvancedConfig(64, 3, 4, Duration.ofMinutes(5), 1000, Duration.ofSeconds(30), false));
        assertThat(problems(minimalWith("advanced", json("{\"flush_interval_seconds\": 301}"))))
                .containsExactly("advanced.flush_interval_seconds: must be at most 300");
    }

    @Test
    void should_bind_token_and_basic_auth_without_showing_secrets() {
        ObjectNode token = minimalWith(
                "indexing.auth",
                json("{\"mode\": \"token\", \"token\": \"tok-123456\", \"header\": \"x_chroma_token\"}"));
        ObjectNode basic = minimalWith(
                "indexing.auth", json("{\"mode\": \"basic\", \"username\": \"admin\", \"password\": \"pw-654321\"}"));

        ConnectorConfig withToken = ConfigParser.parse(token, SELF_MANAGED);
        ConnectorConfig withBasic = ConfigParser.parse(basic, SELF_MANAGED);

        assertThat(((Chroma) withToken.indexing()).auth())
                .isEqualTo(new ChromaAuth.Token("tok-123456", "x_chroma_token"));
        assertThat(((Chroma) withBasic.indexing()).auth()).isEqualTo(new ChromaAuth.Basic("admin", "pw-654321"));
        assertThat(withToken.toString()).doesNotContain("tok-123456");
        assertThat(withBasic.toString()).doesNotContain("pw-654321").contains("admin");
    }

    @Test
    void should_reject_credentials_with_spaces_or_colons() {
        ObjectNode token = minimalWith("indexing.auth", json("{\"mode\": \"token\", \"token\": \"Bearer abc\"}"));
        ObjectNode basic =
                minimalWith("indexing.auth", json("{\"mode\": \"basic\", \"username\": \"a:b\", \"password\": \"\"}"));

        assertThat(problems(token))
                .containsExactly(
                        "indexing.auth.token: must look like the token alone, in visible ASCII (letters, digits,"
                                + " punctuation), without spaces");
        assertThat(problems(basic))
                .containsExactly(
                        "indexing.auth.username: must look like no spaces or colons",
                        "indexing.auth.password: must not be empty");
    }

    @Test
    void should_never_quote_a_secret_in_a_problem() {
        ObjectNode raw = minimalWith("indexing.auth", json("{\"mode\": \"token\", \"token\": \"secret value\"}"));

        ConfigException error =
                catchThrowableOfType(ConfigException.class, () -> ConfigParser.parse(raw, SELF_MANAGED));

        assertThat(error.getMessage()).doesNotContain("secret value");
    }

    @Test
    void should_not_change_the_raw_config() {
        ObjectNode raw = json(MINIMAL);
        ObjectNode before = raw.deepCopy();

        ConfigParser.parse(raw, SELF_MANAGED);

        assertThat(raw).isEqualTo(before);
    }

    // ---- OpenSearch and Qdrant ----

    private static ObjectNode withIndexing(String indexing) {
        ObjectNode config = json(MINIMAL);
        config.set("indexing", json(indexing));
        return config;
    }

    @Test
    void should_bind_opensearch_with_its_defaults_and_each_auth_mode() {
        IndexingConfig plain = ConfigParser.parse(
                        withIndexing(
                                "{\"mode\": \"opensearch\", \"url\": \"http://127.0.0.1:9200/\", \"index\": \"docs\"}"),
                        SELF_MANAGED)
                .indexing();
        IndexingConfig basic = ConfigParser.parse(
                        withIndexing(
                                "{\"mode\": \"opensearch\", \"url\": \"https://search.example.com\","
                                        + " \"index\": \"docs\", \"distance_metric\": \"ip\", \"refresh\": \"false\","
                                        + " \"auth\": {\"mode\": \"basic\", \"username\": \"admin\", \"password\": \"pw-654321\"}}"),
                        SELF_MANAGED)
                .indexing();
        ObjectNode apiKeyConfig = withIndexing("{\"mode\": \"opensearch\", \"url\": \"https://search.example.com\","
                + " \"index\": \"docs\", \"auth\": {\"mode\": \"api_key\", \"api_key\": \"a2V5LWlkOnNlY3JldA==\"}}");
        IndexingConfig apiKey = ConfigParser.parse(apiKeyConfig, SELF_MANAGED).indexing();

        assertThat(plain)
                .isEqualTo(new IndexingConfig.OpenSearch(
                        "http://127.0.0.1:9200",
                        "docs",
                        "cosine",
                        "wait_for",
                        new IndexingConfig.OpenSearchAuth.None()));
        assertThat(basic)
                .isEqualTo(new IndexingConfig.OpenSearch(
                        "https://search.example.com",
                        "docs",
                        "ip",
                        "false",
                        new IndexingConfig.OpenSearchAuth.Basic("admin", "pw-654321")));
        assertThat(apiKey.toString()).doesNotContain("a2V5LWlkOnNlY3JldA==");
        assertThat(ConfigSecrets.valuesIn(apiKeyConfig)).containsExactly("a2V5LWlkOnNlY3JldA==");
    }

    @Test
    void should_bind_the_opensearch_vector_and_text_fields_and_refuse_a_text_field_that_is_the_vector_field() {
        IndexingConfig fields = ConfigParser.parse(
                        withIndexing(
                                "{\"mode\": \"opensearch\", \"url\": \"http://127.0.0.1:9200\","
                                        + " \"index\": \"docs\", \"vector_field\": \"embedding\", \"text_field\": \"content\"}"),
                        SELF_MANAGED)
                .indexing();

        assertThat(fields)
                .isEqualTo(new IndexingConfig.OpenSearch(
                        "http://127.0.0.1:9200",
                        "docs",
                        "cosine",
                        "wait_for",
                        new IndexingConfig.OpenSearchAuth.None(),
                        "embedding",
                        "content"));
        assertThatThrownBy(() -> new IndexingConfig.OpenSearch(
                        "http://127.0.0.1:9200", "docs", null, null, null, "embedding", "embedding"))
                .hasMessageContaining("text_field must")
                .hasMessageContaining("not be the vector field");
    }

    @Test
    void should_reject_opensearch_index_names_and_plain_http_that_break_the_rules() {
        assertThat(problems(withIndexing(
                        "{\"mode\": \"opensearch\", \"url\": \"http://search.example.com\", \"index\": \"Docs\"}")))
                .containsExactlyInAnyOrder(
                        "indexing.index: must look like 1-255 of a-z 0-9 . _ -, starting with a letter or digit"
                                + " (lowercase only)",
                        "indexing.url: must use https; plain http is only for loopback hosts unless"
                                + " advanced.allow_insecure_http is true");
    }

    @Test
    void should_bind_qdrant_and_accept_airbytes_metric_names() {
        ObjectNode config = withIndexing("{\"mode\": \"qdrant\", \"url\": \"https://xyz.cloud.qdrant.io:6333\","
                + " \"api_key\": \"qd-key-123456\", \"collection\": \"docs\", \"distance_metric\": \"euc\"}");

        IndexingConfig qdrant = ConfigParser.parse(config, SELF_MANAGED).indexing();
        IndexingConfig dot = ConfigParser.parse(
                        withIndexing("{\"mode\": \"qdrant\", \"url\": \"http://localhost:6333\", \"collection\": \"d\","
                                + " \"distance_metric\": \"dot\", \"api_key\": \"\"}"),
                        SELF_MANAGED)
                .indexing();

        assertThat(qdrant)
                .isEqualTo(
                        new IndexingConfig.Qdrant("https://xyz.cloud.qdrant.io:6333", "qd-key-123456", "docs", "l2"));
        assertThat(qdrant.toString()).doesNotContain("qd-key-123456");
        assertThat(dot).isEqualTo(new IndexingConfig.Qdrant("http://localhost:6333", null, "d", "ip"));
        assertThat(ConfigSecrets.valuesIn(config)).containsExactly("qd-key-123456");
    }

    @Test
    void should_require_https_for_a_qdrant_url_in_cloud() {
        assertThat(problems(
                        withIndexing(
                                "{\"mode\": \"qdrant\", \"url\": \"http://qdrant.internal:6333\", \"collection\": \"d\"}"),
                        CLOUD))
                .containsExactly("indexing.url: must use https: Airbyte Cloud never sends data over plain http");
    }

    // ---- Pinecone ----

    @Test
    void should_bind_pinecone_with_defaults_and_keep_the_key_secret() {
        ObjectNode config =
                withIndexing("{\"mode\": \"pinecone\", \"pinecone_key\": \"pcsk_abc123\", \"index\": \"docs\"}");
        IndexingConfig mapped = ConfigParser.parse(
                        withIndexing(
                                "{\"mode\": \"pinecone\", \"pinecone_key\": \"pcsk_abc123\", \"index\": \"docs\","
                                        + " \"namespace\": \"airbyte\", \"stream_namespaces\": true, \"distance_metric\": \"ip\"}"),
                        CLOUD)
                .indexing();

        IndexingConfig pinecone = ConfigParser.parse(config, SELF_MANAGED).indexing();

        assertThat(pinecone).isEqualTo(new IndexingConfig.Pinecone("pcsk_abc123", "docs", "", false, "cosine"));
        assertThat(mapped).isEqualTo(new IndexingConfig.Pinecone("pcsk_abc123", "docs", "airbyte", true, "ip"));
        assertThat(pinecone.toString()).doesNotContain("pcsk_abc123");
        assertThat(ConfigSecrets.valuesIn(config)).containsExactly("pcsk_abc123");
    }

    @Test
    void should_reject_pinecone_index_names_and_missing_keys_that_break_the_rules() {
        assertThat(problems(withIndexing("{\"mode\": \"pinecone\", \"index\": \"My_Index\"}")))
                .anySatisfy(p -> assertThat(p).startsWith("indexing.index: must look like 1-45 of a-z 0-9 -"))
                .anySatisfy(p -> assertThat(p).contains("pinecone_key"));
    }

    // ---- Milvus ----

    @Test
    void should_bind_milvus_with_its_auth_forms_and_keep_secrets() {
        ObjectNode config = withIndexing("{\"mode\": \"milvus\", \"host\": \"https://in03-abc.cloud.zilliz.com/\","
                + " \"collection\": \"docs\", \"auth\": {\"mode\": \"user_password\", \"username\": \"root\","
                + " \"password\": \"mv-pass-123\"}}");
        ObjectNode token = withIndexing(
                "{\"mode\": \"milvus\", \"host\": \"http://127.0.0.1:19530\", \"db\": \"rag\","
                        + " \"collection\": \"d\", \"distance_metric\": \"l2\", \"auth\": {\"mode\": \"token\", \"token\": \"tk-456\"}}");

        IndexingConfig milvus = ConfigParser.parse(config, SELF_MANAGED).indexing();

        assertThat(milvus)
                .isEqualTo(new IndexingConfig.Milvus(
                        "https://in03-abc.cloud.zilliz.com",
                        "default",
                        "docs",
                        "cosine",
                        new IndexingConfig.MilvusAuth.UserPassword("root", "mv-pass-123")));
        assertThat(ConfigParser.parse(token, SELF_MANAGED).indexing())
                .isEqualTo(new IndexingConfig.Milvus(
                        "http://127.0.0.1:19530", "rag", "d", "l2", new IndexingConfig.MilvusAuth.Token("tk-456")));
        assertThat(milvus.toString()).doesNotContain("mv-pass-123");
        assertThat(ConfigSecrets.valuesIn(config)).containsExactly("mv-pass-123");
        assertThat(ConfigSecrets.valuesIn(token)).containsExactly("tk-456");
    }

    @Test
    void should_bind_milvus_field_names_and_refuse_two_options_naming_one_field() {
        ObjectNode config = withIndexing("{\"mode\": \"milvus\", \"host\": \"http://127.0.0.1:19530\","
                + " \"collection\": \"d\", \"text_field\": \"page\", \"vector_field\": \"embedding\","
                + " \"primary_field\": \"pk\", \"metadata_field\": \"metadata\"}");

        IndexingConfig.Milvus milvus =
                (IndexingConfig.Milvus) ConfigParser.parse(config, SELF_MANAGED).indexing();

        assertThat(milvus.layout()).isEqualTo(new IndexingConfig.MilvusFields("page", "embedding", "pk", "metadata"));
        assertThat(((IndexingConfig.Milvus) ConfigParser.parse(
                                        withIndexing("{\"mode\": \"milvus\", \"host\": \"http://127.0.0.1:19530\","
                                                + " \"collection\": \"d\"}"),
                                        SELF_MANAGED)
                                .indexing())
                        .layout())
                .isEqualTo(new IndexingConfig.MilvusFields("text", "vector", "id", ""));
        assertThatThrownBy(() -> new IndexingConfig.MilvusFields("vector", "vector", null, null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("different Milvus fields");
    }

    @Test
    void should_require_https_for_a_milvus_host_in_cloud() {
        assertThat(problems(
                        withIndexing(
                                "{\"mode\": \"milvus\", \"host\": \"http://milvus.internal:19530\", \"collection\": \"d\"}"),
                        CLOUD))
                .containsExactly("indexing.host: must use https: Airbyte Cloud never sends data over plain http");
    }

    // ---- Weaviate ----

    @Test
    void should_bind_weaviate_with_its_layouts_auth_and_secret_headers() {
        ObjectNode config = withIndexing("{\"mode\": \"weaviate\", \"host\": \"https://c1.weaviate.cloud/\","
                + " \"auth\": {\"mode\": \"api_key\", \"api_key\": \"wv-key-123\"},"
                + " \"additional_headers\": [{\"name\": \"X-OpenAI-Api-Key\", \"value\": \"sk-hdr-456\"}]}");
        ObjectNode perStream = withIndexing("{\"mode\": \"weaviate\", \"host\": \"http://127.0.0.1:8080\","
                + " \"layout\": {\"mode\": \"class_per_stream\", \"class_prefix\": \"Airbyte_\"},"
                + " \"distance_metric\": \"ip\", \"consistency_level\": \"ALL\","
                + " \"auth\": {\"mode\": \"bearer_token\", \"token\": \"oidc-789\"}}");

        IndexingConfig weaviate = ConfigParser.parse(config, SELF_MANAGED).indexing();

        assertThat(weaviate)
                .isEqualTo(new IndexingConfig.Weaviate(
                        "https://c1.weaviate.cloud",
                        new IndexingConfig.WeaviateLayout.SingleClass("Airbyte"),
                        "cosine",
                        "QUORUM",
                        new IndexingConfig.WeaviateAuth.ApiKey("wv-key-123"),
                        Map.of("X-OpenAI-Api-Key", "sk-hdr-456")));
        assertThat(ConfigParser.parse(perStream, SELF_MANAGED).indexing())
                .isEqualTo(new IndexingConfig.Weaviate(
                        "http://127.0.0.1:8080",
                        new IndexingConfig.WeaviateLayout.ClassPerStream("Airbyte_"),
                        "ip",
                        "ALL",
                        new IndexingConfig.WeaviateAuth.BearerToken("oidc-789"),
                        Map.of()));
        assertThat(weaviate.toString()).doesNotContain("wv-key-123").doesNotContain("sk-hdr-456");
        assertThat(ConfigSecrets.valuesIn(config)).containsExactlyInAnyOrder("wv-key-123", "sk-hdr-456");
        assertThat(ConfigSecrets.valuesIn(perStream)).containsExactly("oidc-789");
    }

    @Test
    void should_reject_weaviate_class_names_levels_and_headers_that_break_the_rules() {
        assertThat(problems(withIndexing("{\"mode\": \"weaviate\", \"host\": \"https://w.example.com\","
                        + " \"layout\": {\"mode\": \"single_class\", \"class_name\": \"docs\"},"
                        + " \"consistency_level\": \"TWO\","
                        + " \"additional_headers\": [{\"name\": \"Bad Header\", \"value\": \"v\"}]}")))
                .anySatisfy(p -> assertThat(p).startsWith("indexing.layout.class_name:"))
                .anySatisfy(p -> assertThat(p).startsWith("indexing.consistency_level:"))
                .anySatisfy(p -> assertThat(p).startsWith("indexing.additional_headers[0].name:"));
        assertThatThrownBy(() -> ConfigParser.parse(
                        withIndexing("{\"mode\": \"weaviate\", \"host\": \"https://w.example.com\","
                                + " \"additional_headers\": [{\"name\": \"authorization\", \"value\": \"v\"}]}"),
                        SELF_MANAGED))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Authorization");
        assertThatThrownBy(() -> ConfigParser.parse(
                        withIndexing(
                                "{\"mode\": \"weaviate\", \"host\": \"https://w.example.com\","
                                        + " \"additional_headers\": [{\"name\": \"X-Key\", \"value\": \"na\u00efve-secret\"}]}"),
                        SELF_MANAGED))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("indexing.additional_headers[0].value: must look like visible ASCII")
                .hasMessageNotContaining("secret");
    }

    /**
     * Every secret that goes into an HTTP header must be text a header can carry: the client refuses anything
     * but visible ASCII at the first request, which used to surface as "failed unexpectedly
     * (IllegalArgumentException)" in {@code check} and a system_error in {@code write}.
     */
    @Test
    void should_refuse_a_header_secret_that_is_not_visible_ascii_naming_the_field_and_never_the_value() {
        String secret = "sk-na\u00efve-\u00e9t\u00e9";
        List<Map.Entry<String, ObjectNode>> configs = new java.util.ArrayList<>();
        configs.add(Map.entry(
                "embedding.openai_key",
                minimalWith("embedding", json("{\"mode\": \"openai\", \"openai_key\": \"%s\"}".formatted(secret)))));
        configs.add(Map.entry(
                "embedding.openai_key",
                minimalWith(
                        "embedding",
                        json(
                                ("{\"mode\": \"azure_openai\", \"openai_key\": \"%s\", \"api_base\": \"https://r.openai.azure.com\","
                                                + " \"deployment\": \"d\"}")
                                        .formatted(secret)))));
        configs.add(Map.entry(
                "embedding.cohere_key",
                minimalWith("embedding", json("{\"mode\": \"cohere\", \"cohere_key\": \"%s\"}".formatted(secret)))));
        configs.add(Map.entry(
                "embedding.api_key",
                minimalWith(
                        "embedding",
                        json(
                                ("{\"mode\": \"openai_compatible\", \"base_url\": \"https://e.example.com/v1\", \"api_key\": \"%s\","
                                                + " \"model_name\": \"m\", \"dimensions\": 8, \"context_length\": 512}")
                                        .formatted(secret)))));
        configs.add(Map.entry(
                "indexing.auth.token",
                minimalWith("indexing.auth", json("{\"mode\": \"token\", \"token\": \"%s\"}".formatted(secret)))));
        configs.add(Map.entry(
                "indexing.auth.api_key",
                withIndexing(("{\"mode\": \"opensearch\", \"url\": \"https://o.example.com\", \"index\": \"docs\","
                                + " \"auth\": {\"mode\": \"api_key\", \"api_key\": \"%s\"}}")
                        .formatted(secret))));
        configs.add(Map.entry(
                "indexing.api_key",
                withIndexing(("{\"mode\": \"qdrant\", \"url\": \"https://q.example.com\", \"collection\": \"c\","
                                + " \"api_key\": \"%s\"}")
                        .formatted(secret))));
        configs.add(Map.entry(
                "indexing.pinecone_key",
                withIndexing(
                        "{\"mode\": \"pinecone\", \"index\": \"docs\", \"pinecone_key\": \"%s\"}".formatted(secret))));
        configs.add(Map.entry(
                "indexing.auth.password",
                withIndexing(("{\"mode\": \"milvus\", \"host\": \"https://m.example.com\", \"collection\": \"c\","
                                + " \"auth\": {\"mode\": \"user_password\", \"username\": \"root\", \"password\": \"%s\"}}")
                        .formatted(secret))));
        configs.add(Map.entry(
                "indexing.auth.token",
                withIndexing(("{\"mode\": \"weaviate\", \"host\": \"https://w.example.com\","
                                + " \"auth\": {\"mode\": \"bearer_token\", \"token\": \"%s\"}}")
                        .formatted(secret))));

        assertThat(configs).hasSize(10);
        configs.forEach(entry -> {
            List<String> problems = problems(entry.getValue());
            assertThat(problems).as(entry.getKey()).allSatisfy(problem -> assertThat(problem)
                    .doesNotContain("na\u00efve"));
            assertThat(problems)
                    .as(entry.getKey())
                    .filteredOn(problem -> problem.startsWith(entry.getKey() + ":"))
                    .singleElement()
                    .satisfies(problem -> assertThat(problem)
                            .startsWith(entry.getKey() + ": must look like ")
                            .contains("visible ASCII"));
        });
    }

    /**
     * The spec's patterns are ECMA-262 expressions, as Airbyte's form runs them: {@code $} is the end of the
     * text, not also the place before a final line break (java.util.regex's reading), and {@code \s} is every
     * Unicode space. A key pasted with its line break, an http endpoint with one (which slipped past the https
     * rule), and a field mapping of ideographic spaces are refused naming the field.
     */
    @Test
    void should_read_the_specs_patterns_as_ecma_expressions_so_a_trailing_line_break_never_passes() {
        ObjectNode key = minimalWith("embedding", json("{\"mode\": \"openai\", \"openai_key\": \"sk-abc\\n\"}"));
        ObjectNode endpoint =
                withIndexing("{\"mode\": \"qdrant\", \"url\": \"http://q.example.com:80\\n\", \"collection\": \"c\"}");
        ObjectNode mapping = minimalWith(
                "processing.field_name_mappings",
                json("{\"m\": [{\"from_field\": \"\u3000\", \"to_field\": \"b\"}]}")
                        .get("m"));

        assertThat(problems(key)).anySatisfy(problem -> assertThat(problem).startsWith("embedding.openai_key:"));
        assertThat(problems(endpoint)).anySatisfy(problem -> assertThat(problem).startsWith("indexing.url:"));
        assertThat(problems(mapping))
                .anySatisfy(problem -> assertThat(problem).startsWith("processing.field_name_mappings[0].from_field:"));
    }

    @Test
    void should_report_weaviate_header_and_credential_rules_together_with_every_other_problem() {
        ObjectNode config = withIndexing("{\"mode\": \"weaviate\", \"host\": \"https://w.example.com\","
                + " \"auth\": {\"mode\": \"api_key\", \"api_key\": \"cl\u00e9-secret\"},"
                + " \"additional_headers\": [{\"name\": \"Authorization\", \"value\": \"v\"},"
                + " {\"name\": \"X-Key\", \"value\": \"one\"}, {\"name\": \"x-key\", \"value\": \"two\"},"
                + " {\"name\": \"X-Other\", \"value\": \"na\u00efve-secret\"}]}");
        config.putObject("processing").put("chunk_size", 10).put("chunk_overlap", 10);

        // Once only the record checked the headers, at binding: the other problems hid them.
        assertThat(problems(config))
                .containsExactlyInAnyOrder(
                        "processing.chunk_overlap: must be less than processing.chunk_size (10)",
                        "indexing.auth.api_key: must look like the key alone, in visible ASCII (letters, digits,"
                                + " punctuation), without spaces or Bearer",
                        "indexing.additional_headers[0].name: must not be Authorization; choose indexing.auth.mode"
                                + " instead",
                        "indexing.additional_headers[2].name: names header x-key again (header names ignore case)",
                        "indexing.additional_headers[3].value: must look like visible ASCII (letters, digits,"
                                + " punctuation), spaces and tabs")
                .allSatisfy(problem -> assertThat(problem).doesNotContain("secret"));
    }

    @Test
    void should_report_a_chroma_collection_name_together_with_plain_http_to_a_remote_host() {
        // Once the Chroma store's constructor checked the name again, after the parser had passed the config.
        ObjectNode config = minimalWith("indexing.collection", "x");
        ((ObjectNode) config.get("indexing")).put("host", "http://chroma.example.com:8000");

        assertThat(problems(config))
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("indexing.host: must use https"))
                .anySatisfy(p -> assertThat(p).startsWith("indexing.collection: must look like 3-512"));
    }

    @Test
    void should_require_https_for_a_weaviate_host_in_cloud() {
        assertThat(problems(
                        withIndexing("{\"mode\": \"weaviate\", \"host\": \"http://weaviate.internal:8080\"}"), CLOUD))
                .containsExactly("indexing.host: must use https: Airbyte Cloud never sends data over plain http");
    }
}
