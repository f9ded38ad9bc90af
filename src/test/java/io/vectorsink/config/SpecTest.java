package io.vectorsink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.embedding.local.LocalModel;
import io.vectorsink.error.ConfigException;
import io.vectorsink.store.DistanceMetric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The spec itself: Airbyte's conventions, secrets, patterns, and agreement with the config records. */
class SpecTest {
    private static final Pattern SECRET_LIKE = Pattern.compile("(?i).*(key|token|password|secret).*");
    private static final Pattern ENDPOINT_OR_NAME =
            Pattern.compile("(?i).*(url|host|name|tenant|database|collection).*");

    private final JsonNode spec = SpecSchema.spec();
    private final JsonNode connection = spec.get("connectionSpecification");

    /** Calls {@code visitor} with the dot path and schema of every property, in every oneOf branch and list. */
    private static void forEachProperty(String path, JsonNode schema, BiConsumer<String, JsonNode> visitor) {
        schema.path("properties").properties().forEach(property -> {
            String child = Problems.child(path, property.getKey());
            visitor.accept(child, property.getValue());
            forEachProperty(child, property.getValue(), visitor);
        });
        schema.path("oneOf").forEach(branch -> forEachProperty(path, branch, visitor));
        if (schema.has("items")) {
            forEachProperty(path + "[]", schema.get("items"), visitor);
        }
    }

    private List<String> pathsWhere(BiPredicate<String, JsonNode> test) {
        List<String> paths = new ArrayList<>();
        forEachProperty("", connection, (path, schema) -> {
            if (test.test(path, schema)) {
                paths.add(path);
            }
        });
        return paths;
    }

    @Test
    void should_declare_the_destination_capabilities() {
        assertThat(spec.get("documentationUrl").asText()).startsWith("https://");
        assertThat(spec.get("supportsIncremental").booleanValue()).isTrue();
        assertThat(spec.get("supported_destination_sync_modes"))
                .extracting(JsonNode::asText)
                .containsExactly("append", "append_dedup", "overwrite");
        assertThat(connection.get("$schema").asText()).isEqualTo("http://json-schema.org/draft-07/schema#");
    }

    @Test
    void should_compile_without_unknown_keywords() {
        // The factory refuses keywords that are neither JSON Schema nor Airbyte's, so a typo fails here.
        assertThatCode(() -> SpecSchema.compile(connection)).doesNotThrowAnyException();
    }

    @Test
    void should_mark_every_secret_like_field_as_airbyte_secret() {
        List<String> secretLike =
                pathsWhere((path, schema) -> SECRET_LIKE.matcher(lastName(path)).matches());

        assertThat(secretLike).contains("indexing.auth.token", "indexing.auth.password");
        assertThat(pathsWhere((path, schema) -> secretLike.contains(path)
                        && !schema.path("airbyte_secret").asBoolean(false)))
                .isEmpty();
    }

    @Test
    void should_give_every_endpoint_and_name_field_a_pattern_with_a_descriptor() {
        List<String> endpointsAndNames =
                pathsWhere((path, schema) -> schema.path("type").asText().equals("string")
                        && !schema.has("enum")
                        && ENDPOINT_OR_NAME.matcher(lastName(path)).matches());

        assertThat(endpointsAndNames)
                .contains(
                        "indexing.host",
                        "indexing.tenant",
                        "indexing.database",
                        "indexing.collection",
                        "indexing.auth.username");
        assertThat(pathsWhere((path, schema) -> endpointsAndNames.contains(path) && !schema.has("pattern")))
                .isEmpty();
        assertThat(pathsWhere((path, schema) -> schema.has("pattern") && !schema.has("pattern_descriptor")))
                .isEmpty();
    }

    @Test
    void should_compile_every_pattern() {
        forEachProperty("", connection, (path, schema) -> {
            if (schema.has("pattern")) {
                assertThatCode(() -> Pattern.compile(schema.get("pattern").asText()))
                        .as(path)
                        .doesNotThrowAnyException();
            }
        });
    }

    @Test
    void should_give_every_field_a_title_and_an_order() {
        assertThat(pathsWhere((path, schema) -> !schema.has("title") || !schema.has("order")))
                .isEmpty();
    }

    @Test
    void should_put_every_top_level_field_in_a_declared_group() {
        Set<String> groups = new HashSet<>();
        connection.get("groups").forEach(group -> groups.add(group.get("id").asText()));

        assertThat(groups).containsExactlyInAnyOrder("processing", "embedding", "indexing", "advanced");
        connection.get("properties").properties().forEach(property -> assertThat(groups)
                .as(property.getKey())
                .contains(property.getValue().path("group").asText()));
    }

    @Test
    void should_discriminate_every_one_of_by_a_required_constant_mode() {
        List<JsonNode> oneOfs = new ArrayList<>();
        forEachProperty("", connection, (path, schema) -> {
            if (schema.has("oneOf")) {
                oneOfs.add(schema.get("oneOf"));
            }
        });

        // embedding, indexing, text_splitter, the auth of Chroma, of OpenSearch and of Milvus, and Weaviate's
        // layout and auth
        assertThat(oneOfs).hasSize(8);
        for (JsonNode oneOf : oneOfs) {
            for (JsonNode branch : oneOf) {
                assertThat(branch.path("properties").path("mode").has("const")).isTrue();
                assertThat(branch.path("required")).extracting(JsonNode::asText).contains("mode");
                assertThat(branch.get("title")).isNotNull();
            }
        }
    }

    @Test
    void should_list_the_same_choices_as_the_config_records() {
        JsonNode processing = connection.at("/properties/processing/properties");
        JsonNode splitters = processing.at("/text_splitter/oneOf");
        JsonNode chroma = connection.at("/properties/indexing/oneOf/0/properties");

        assertThat(texts(splitters.get(2).at("/properties/language/enum")))
                .containsExactlyElementsOf(TextSplitterConfig.Code.LANGUAGES);
        assertThat(texts(connection.at("/properties/embedding/oneOf/0/properties/model/enum")))
                .containsExactlyElementsOf(EmbeddingConfig.Local.MODELS);
        assertThat(connection
                        .at("/properties/embedding/oneOf/0/properties/model/default")
                        .asText())
                .isEqualTo(EmbeddingConfig.Local.MINILM);
        assertThat(texts(chroma.at("/distance_metric/enum"))).containsExactlyElementsOf(DistanceMetric.NAMES);
        assertThat(texts(chroma.at("/auth/oneOf/1/properties/header/enum")))
                .containsExactly(
                        IndexingConfig.ChromaAuth.Token.AUTHORIZATION, IndexingConfig.ChromaAuth.Token.X_CHROMA_TOKEN);
        assertThat(processing.at("/text_splitter/default/mode").asText()).isEqualTo("separator");
        JsonNode openSearch = connection.at("/properties/indexing/oneOf/1/properties");
        JsonNode qdrant = connection.at("/properties/indexing/oneOf/2/properties");
        assertThat(texts(openSearch.at("/distance_metric/enum"))).containsExactlyElementsOf(DistanceMetric.NAMES);
        assertThat(texts(openSearch.at("/refresh/enum")))
                .containsExactlyElementsOf(IndexingConfig.OpenSearch.REFRESH_POLICIES);
        assertThat(openSearch.at("/refresh/default").asText()).isEqualTo("wait_for");
        // Qdrant also takes the names Airbyte's Qdrant destination uses (cos, euc, dot).
        assertThat(texts(qdrant.at("/distance_metric/enum"))).startsWith(DistanceMetric.NAMES.toArray(String[]::new));
        JsonNode pinecone = connection.at("/properties/indexing/oneOf/3/properties");
        assertThat(texts(pinecone.at("/distance_metric/enum"))).containsExactlyElementsOf(DistanceMetric.NAMES);
        assertThat(pinecone.at("/pinecone_key/airbyte_secret").asBoolean()).isTrue();
        JsonNode milvus = connection.at("/properties/indexing/oneOf/4/properties");
        assertThat(texts(milvus.at("/distance_metric/enum"))).containsExactlyElementsOf(DistanceMetric.NAMES);
        JsonNode weaviate = connection.at("/properties/indexing/oneOf/5/properties");
        assertThat(weaviate.at("/mode/const").asText()).isEqualTo("weaviate");
        assertThat(texts(weaviate.at("/distance_metric/enum"))).containsExactlyElementsOf(DistanceMetric.NAMES);
        assertThat(texts(weaviate.at("/consistency_level/enum")))
                .containsExactlyElementsOf(IndexingConfig.Weaviate.CONSISTENCY_LEVELS);
        assertThat(weaviate.at("/consistency_level/default").asText())
                .isEqualTo(IndexingConfig.Weaviate.CONSISTENCY_LEVELS.get(0));
        assertThat(weaviate.at("/additional_headers/items/properties/value/airbyte_secret")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void should_declare_the_defaults_the_records_document() {
        JsonNode advanced = connection.at("/properties/advanced/properties");
        AdvancedConfig defaults = AdvancedConfig.defaults();

        assertThat(Map.of(
                        "batch_size", defaults.batchSize(),
                        "embedding_concurrency", defaults.embeddingConcurrency(),
                        "upsert_concurrency", defaults.upsertConcurrency(),
                        "flush_interval_seconds", (int) defaults.flushInterval().toSeconds(),
                        "max_in_flight_chunks", defaults.maxInFlightChunks(),
                        "retry_max_seconds", (int) defaults.retryMaxDuration().toSeconds()))
                .allSatisfy((name, value) -> assertThat(
                                advanced.at("/" + name + "/default").asInt())
                        .as(name)
                        .isEqualTo(value));
        assertThat(advanced.at("/flush_interval_seconds/maximum").asLong())
                .isEqualTo(AdvancedConfig.MAX_FLUSH_INTERVAL.toSeconds())
                .isLessThan(Duration.ofMinutes(10).toSeconds());
        assertThat(advanced.at("/allow_insecure_http/default").asBoolean(true)).isFalse();
    }

    @Test
    void should_keep_its_default_chunk_size_within_the_local_models_window() {
        // all-MiniLM-L6-v2, the default model, is made for 256 word pieces, [CLS] and [SEP] among them.
        int chunkSize = connection
                .at("/properties/processing/properties/chunk_size/default")
                .asInt();

        assertThat(chunkSize).isBetween(1, LocalModel.ALL_MINILM_L6_V2_Q.window() - 2);
    }

    @Test
    void should_document_every_field() throws IOException {
        Set<String> documented = new HashSet<>();
        Matcher code = Pattern.compile("`([^`\\n]+)`").matcher(Files.readString(Paths.get("docs/configuration.md")));
        while (code.find()) {
            documented.addAll(List.of(code.group(1).split("[^A-Za-z0-9_]+")));
        }

        assertThat(pathsWhere((path, schema) -> !documented.contains(lastName(path))))
                .isEmpty();
    }

    @Test
    void should_hand_out_a_copy_of_the_spec() {
        ((ObjectNode) SpecSchema.spec()).put("documentationUrl", "changed");

        assertThat(SpecSchema.spec().get("documentationUrl").asText()).isNotEqualTo("changed");
    }

    @Test
    void should_reject_a_schema_with_an_unknown_keyword() {
        ObjectNode misspelt = ConfigParserTest.json("{\"type\": \"string\", \"patern\": \"^a$\"}");

        assertThat(catchThrowable(() -> SpecSchema.compile(misspelt)))
                .isNotNull()
                .isNotInstanceOf(ConfigException.class);
    }

    private static String lastName(String path) {
        String name = path.replace("[]", "");
        return name.substring(name.lastIndexOf('.') + 1);
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
