package io.vectorsink.config;

import static io.vectorsink.config.ConfigParserTest.json;
import static io.vectorsink.config.ConfigParserTest.minimalWith;
import static io.vectorsink.config.ConfigParserTest.problems;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.error.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The remote embedding modes: binding, defaults, rules between fields, https, secrets, and the spec. */
class RemoteEmbeddingConfigTest {
    private static final Map<String, String> SELF_MANAGED = Map.of();
    private static final Map<String, String> CLOUD = Map.of("DEPLOYMENT_MODE", "cloud");

    private static EmbeddingConfig embedding(String embeddingJson) {
        return ConfigParser.parse(minimalWith("embedding", json(embeddingJson)), SELF_MANAGED)
                .embedding();
    }

    private static List<String> embeddingProblems(String embeddingJson) {
        return problems(minimalWith("embedding", json(embeddingJson)));
    }

    @Test
    void should_bind_openai_with_the_models_full_length_when_dimensions_are_absent() {
        EmbeddingConfig config = embedding(
                "{\"mode\": \"openai\", \"openai_key\": \"sk-test-123456\", \"model\": \"text-embedding-3-large\"}");

        assertThat(config)
                .isEqualTo(new EmbeddingConfig.OpenAi("sk-test-123456", "text-embedding-3-large", OptionalInt.empty()));
        assertThat(((EmbeddingConfig.OpenAi) config).vectorLength()).isEqualTo(3072);
        assertThat(config.toString()).doesNotContain("sk-test-123456").contains("text-embedding-3-large");
    }

    @Test
    void should_bind_openai_with_shortened_dimensions_for_a_3_model() {
        EmbeddingConfig.OpenAi config = (EmbeddingConfig.OpenAi) embedding(
                "{\"mode\": \"openai\", \"openai_key\": \"sk-test-123456\", \"model\": \"text-embedding-3-small\","
                        + " \"dimensions\": 512}");

        assertThat(config.dimensions()).hasValue(512);
        assertThat(config.vectorLength()).isEqualTo(512);
    }

    @Test
    void should_require_the_openai_key_and_an_explicit_model() {
        assertThat(embeddingProblems("{\"mode\": \"openai\"}"))
                .containsExactly(
                        "embedding.openai_key: is required",
                        "embedding.model: is required: one of text-embedding-3-small, text-embedding-3-large,"
                                + " text-embedding-ada-002");
    }

    @Test
    void should_reject_dimensions_the_openai_model_does_not_offer() {
        assertThat(embeddingProblems("{\"mode\": \"openai\", \"openai_key\": \"sk-1\", \"model\":"
                        + " \"text-embedding-ada-002\", \"dimensions\": 512}"))
                .containsExactly("embedding.dimensions: can only be set for the text-embedding-3 models;"
                        + " text-embedding-ada-002 always gives 1536");
        assertThat(embeddingProblems("{\"mode\": \"openai\", \"openai_key\": \"sk-1\", \"model\":"
                        + " \"text-embedding-3-small\", \"dimensions\": 2000}"))
                .containsExactly("embedding.dimensions: must be between 1 and 1536 for text-embedding-3-small");
        assertThatThrownBy(() -> new EmbeddingConfig.OpenAi("sk-1", "text-embedding-ada-002", OptionalInt.of(8)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("dimensions can only be set");
    }

    @Test
    void should_bind_azure_openai_with_its_defaults() {
        EmbeddingConfig config = embedding("{\"mode\": \"azure_openai\", \"openai_key\": \"az-key-123456\","
                + " \"api_base\": \"https://my-resource.openai.azure.com/\", \"deployment\": \"embed-small\"}");

        assertThat(config)
                .isEqualTo(new EmbeddingConfig.AzureOpenAi(
                        "az-key-123456", "https://my-resource.openai.azure.com", "embed-small", "2024-10-21", 1536));
        assertThat(config.toString()).doesNotContain("az-key-123456");
    }

    @Test
    void should_require_https_for_the_azure_endpoint_unless_loopback() {
        String insecure = "{\"mode\": \"azure_openai\", \"openai_key\": \"k-123456\", \"api_base\":"
                + " \"http://my-resource.openai.azure.com\", \"deployment\": \"d\"}";

        assertThat(embeddingProblems(insecure))
                .containsExactly("embedding.api_base: must use https; plain http is only for loopback hosts unless"
                        + " advanced.allow_insecure_http is true");
        assertThat(embedding(insecure.replace("my-resource.openai.azure.com", "127.0.0.1:8080")))
                .isInstanceOf(EmbeddingConfig.AzureOpenAi.class);
        assertThat(
                        embeddingProblems(
                                "{\"mode\": \"azure_openai\", \"openai_key\": \"k\", \"api_base\":"
                                        + " \"https://x.openai.azure.com/openai\", \"deployment\": \"d\", \"api_version\": \"latest\"}"))
                .containsExactly(
                        "embedding.api_base: must look like https://your-resource.openai.azure.com",
                        "embedding.api_version: must look like YYYY-MM-DD or YYYY-MM-DD-preview");
    }

    @Test
    void should_bind_cohere_and_offer_shortened_vectors_only_for_embed_v4() {
        EmbeddingConfig.Cohere v4 = (EmbeddingConfig.Cohere)
                embedding(
                        "{\"mode\": \"cohere\", \"cohere_key\": \"co-key-123456\", \"model\": \"embed-v4.0\", \"dimensions\": 512}");
        EmbeddingConfig.Cohere light = (EmbeddingConfig.Cohere) embedding(
                "{\"mode\": \"cohere\", \"cohere_key\": \"co-key-123456\", \"model\": \"embed-english-light-v3.0\"}");

        assertThat(v4.vectorLength()).isEqualTo(512);
        assertThat(light.vectorLength()).isEqualTo(384);
        assertThat(light.toString()).doesNotContain("co-key-123456");
        assertThat(embeddingProblems("{\"mode\": \"cohere\", \"cohere_key\": \"k\", \"model\": \"embed-english-v3.0\","
                        + " \"dimensions\": 512}"))
                .containsExactly("embedding.dimensions: can only be set for embed-v4.0; embed-english-v3.0 always"
                        + " gives 1024");
        assertThat(
                        embeddingProblems(
                                "{\"mode\": \"cohere\", \"cohere_key\": \"k\", \"model\": \"embed-v4.0\", \"dimensions\": 300}"))
                .containsExactly("embedding.dimensions: must be one of 256, 512, 1024, 1536");
    }

    @Test
    void should_bind_an_openai_compatible_server_with_a_path_and_no_key() {
        EmbeddingConfig config =
                embedding("{\"mode\": \"openai_compatible\", \"base_url\": \"http://localhost:11434/v1/\","
                        + " \"model_name\": \"nomic-embed-text\", \"dimensions\": 768}");

        assertThat(config)
                .isEqualTo(new EmbeddingConfig.OpenAiCompatible(
                        "http://localhost:11434/v1", "", "nomic-embed-text", 768, 512));
    }

    @Test
    void should_require_https_for_an_openai_compatible_server_unless_allowed() {
        ObjectNode remoteHttp = minimalWith(
                "embedding",
                json("{\"mode\": \"openai_compatible\", \"base_url\": \"http://vllm.internal:8000/v1\","
                        + " \"model_name\": \"bge\", \"dimensions\": 384, \"api_key\": \"tok-123456\"}"));
        ObjectNode allowed = remoteHttp.deepCopy();
        allowed.putObject("advanced").put("allow_insecure_http", true);

        assertThat(problems(remoteHttp))
                .containsExactly("embedding.base_url: must use https; plain http is only for loopback hosts unless"
                        + " advanced.allow_insecure_http is true");
        assertThat(ConfigParser.parse(allowed, SELF_MANAGED).embedding())
                .isInstanceOf(EmbeddingConfig.OpenAiCompatible.class);
        assertThat(problems(allowed, CLOUD))
                .containsExactly("embedding.base_url: must use https: Airbyte Cloud never sends data over plain http");
    }

    @Test
    void should_reject_an_openai_compatible_url_with_a_query_or_spaces() {
        assertThat(embeddingProblems("{\"mode\": \"openai_compatible\", \"base_url\": \"https://h/v1?x=1\","
                        + " \"model_name\": \"m\", \"dimensions\": 3}"))
                .containsExactly("embedding.base_url: must look like http(s)://host[:port][/path], e.g."
                        + " https://api.mistral.ai/v1");
        assertThat(embeddingProblems("{\"mode\": \"openai_compatible\", \"base_url\": \"https://h/v1\","
                        + " \"model_name\": \"my model\", \"dimensions\": 3}"))
                .containsExactly("embedding.model_name: must look like a model name without spaces");
    }

    @Test
    void should_list_every_embedding_key_as_a_secret() {
        assertThat(ConfigSecrets.valuesIn(
                        minimalWith("embedding", json("{\"mode\": \"openai\", \"openai_key\": \"sk-secret-1\"}"))))
                .containsExactly("sk-secret-1");
        assertThat(ConfigSecrets.valuesIn(
                        minimalWith("embedding", json("{\"mode\": \"cohere\", \"cohere_key\": \"co-secret-2\"}"))))
                .containsExactly("co-secret-2");
        assertThat(ConfigSecrets.valuesIn(minimalWith(
                        "embedding", json("{\"mode\": \"openai_compatible\", \"api_key\": \"tok-secret-3\"}"))))
                .containsExactly("tok-secret-3");
    }

    @Test
    void should_never_quote_an_embedding_key_in_a_problem() {
        ConfigException error = org.assertj.core.api.Assertions.catchThrowableOfType(
                ConfigException.class,
                () -> ConfigParser.parse(
                        minimalWith(
                                "embedding",
                                json("{\"mode\": \"openai\", \"openai_key\": \"sk with spaces\", \"model\": \"x\"}")),
                        SELF_MANAGED));

        assertThat(error.getMessage()).doesNotContain("sk with spaces");
    }

    @Test
    void should_list_the_same_models_in_the_spec_as_the_records() {
        JsonNode branches = SpecSchema.spec().at("/connectionSpecification/properties/embedding/oneOf");

        assertThat(texts(branch(branches, "openai").at("/properties/model/enum")))
                .containsExactlyElementsOf(EmbeddingConfig.OpenAi.MODEL_DIMENSIONS.keySet());
        assertThat(texts(branch(branches, "cohere").at("/properties/model/enum")))
                .containsExactlyElementsOf(EmbeddingConfig.Cohere.MODEL_DIMENSIONS.keySet());
        assertThat(texts(branch(branches, "cohere").at("/properties/dimensions/enum")))
                .containsExactlyElementsOf(EmbeddingConfig.Cohere.EMBED_V4_DIMENSIONS.stream()
                        .map(String::valueOf)
                        .toList());
        assertThat(branch(branches, "azure_openai")
                        .at("/properties/api_version/default")
                        .asText())
                .isEqualTo(EmbeddingConfig.AzureOpenAi.DEFAULT_API_VERSION);
        assertThat(branch(branches, "openai_compatible")
                        .at("/properties/context_length/default")
                        .asInt())
                .isEqualTo(EmbeddingConfig.OpenAiCompatible.DEFAULT_CONTEXT_LENGTH);
        assertThat(branch(branches, "openai").toString()).doesNotContain("from_field");
    }

    private static JsonNode branch(JsonNode branches, String mode) {
        for (JsonNode branch : branches) {
            if (branch.at("/properties/mode/const").asText().equals(mode)) {
                return branch;
            }
        }
        throw new AssertionError("no embedding branch " + mode);
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
