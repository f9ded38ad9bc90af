package io.vectorsink.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.config.IndexingConfig.ChromaAuth;
import io.vectorsink.config.IndexingConfig.OpenSearchAuth;
import io.vectorsink.config.ProcessingConfig.FieldMapping;
import io.vectorsink.error.SystemException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Binds a config that passed the schema and {@link ConfigRules} into the immutable config records. It
 * judges nothing: every field it reads is there, with its default filled in, and of the right type and
 * form. A mode it cannot bind means spec.json and this class are out of step, a fault of the connector.
 */
final class ConfigBinder {
    private ConfigBinder() {}

    /**
     * The records of {@code config}.
     *
     * @param cloud whether the connector runs in Airbyte Cloud, where insecure http is never honoured
     */
    static ConnectorConfig bind(ObjectNode config, boolean cloud) {
        return new ConnectorConfig(
                processing(config.get("processing")),
                embedding(config.get("embedding")),
                indexing(config.get("indexing")),
                config.get("omit_raw_text").booleanValue(),
                advanced(config.get("advanced"), cloud),
                reuse(config.get("processing")));
    }

    private static ReuseConfig reuse(JsonNode processing) {
        return new ReuseConfig(
                processing.get("embedding_version").textValue(),
                processing.get("force_reembed").booleanValue());
    }

    private static ProcessingConfig processing(JsonNode node) {
        List<FieldMapping> mappings = new ArrayList<>();
        node.get("field_name_mappings")
                .forEach(m -> mappings.add(new FieldMapping(
                        m.get("from_field").textValue(), m.get("to_field").textValue())));
        return new ProcessingConfig(
                node.get("chunk_size").intValue(),
                node.get("chunk_overlap").intValue(),
                strings(node.get("text_fields")),
                strings(node.get("metadata_fields")),
                mappings,
                textSplitter(node.get("text_splitter")),
                ProcessingConfig.MetadataTypes.of(node.get("metadata_types").textValue()));
    }

    private static TextSplitterConfig textSplitter(JsonNode node) {
        String mode = node.get("mode").textValue();
        return switch (mode) {
            case "separator" -> new TextSplitterConfig.Separator(
                    strings(node.get("separators")).stream()
                            .map(s -> TextSplitterConfig.Separator.decode(s)
                                    .orElseThrow(() -> new SystemException("a separator passed validation undecoded")))
                            .toList(),
                    node.get("keep_separator").booleanValue());
            case "markdown" -> new TextSplitterConfig.Markdown(
                    node.get("split_level").intValue());
            case "code" -> new TextSplitterConfig.Code(node.get("language").textValue());
            default -> throw unknownMode("processing.text_splitter", mode);
        };
    }

    private static EmbeddingConfig embedding(JsonNode node) {
        String mode = node.get("mode").textValue();
        return switch (mode) {
            case "local" -> new EmbeddingConfig.Local(node.get("model").textValue());
            case "fake" -> new EmbeddingConfig.Fake(node.get("dimensions").intValue());
            case "from_field" -> new EmbeddingConfig.FromField(
                    node.get("field_name").textValue(), node.get("dimensions").intValue());
            case "openai" -> new EmbeddingConfig.OpenAi(
                    node.get("openai_key").textValue(), node.get("model").textValue(), optionalInt(node, "dimensions"));
            case "azure_openai" -> new EmbeddingConfig.AzureOpenAi(
                    node.get("openai_key").textValue(),
                    withoutSlash(node.get("api_base").textValue()),
                    node.get("deployment").textValue(),
                    node.get("api_version").textValue(),
                    node.get("dimensions").intValue());
            case "cohere" -> new EmbeddingConfig.Cohere(
                    node.get("cohere_key").textValue(), node.get("model").textValue(), optionalInt(node, "dimensions"));
            case "openai_compatible" -> new EmbeddingConfig.OpenAiCompatible(
                    withoutSlash(node.get("base_url").textValue()),
                    node.get("api_key").textValue(),
                    node.get("model_name").textValue(),
                    node.get("dimensions").intValue(),
                    node.get("context_length").intValue());
            default -> throw unknownMode("embedding", mode);
        };
    }

    private static IndexingConfig indexing(JsonNode node) {
        String mode = node.get("mode").textValue();
        return switch (mode) {
            case "chroma" -> chroma(node);
            case "opensearch" -> new IndexingConfig.OpenSearch(
                    withoutSlash(node.get("url").textValue()),
                    node.get("index").textValue(),
                    node.get("distance_metric").textValue(),
                    node.get("refresh").textValue(),
                    openSearchAuth(node.get("auth")),
                    node.path("vector_field").textValue());
            case "qdrant" -> new IndexingConfig.Qdrant(
                    withoutSlash(node.get("url").textValue()),
                    emptyToNull(node.path("api_key").textValue()),
                    node.get("collection").textValue(),
                    qdrantMetric(node.get("distance_metric").textValue()),
                    node.path("text_field").textValue(),
                    node.path("payload_layout").textValue());
            case "pinecone" -> new IndexingConfig.Pinecone(
                    node.get("pinecone_key").textValue(),
                    node.get("index").textValue(),
                    node.get("namespace").textValue(),
                    node.get("stream_namespaces").booleanValue(),
                    node.get("distance_metric").textValue(),
                    node.path("text_field").textValue());
            case "milvus" -> new IndexingConfig.Milvus(
                    withoutSlash(node.get("host").textValue()),
                    node.get("db").textValue(),
                    node.get("collection").textValue(),
                    node.get("distance_metric").textValue(),
                    milvusAuth(node.get("auth")),
                    new IndexingConfig.MilvusFields(
                            node.path("text_field").textValue(),
                            node.path("vector_field").textValue(),
                            node.path("primary_field").textValue(),
                            node.path("metadata_field").textValue()));
            case "weaviate" -> weaviate(node);
            default -> throw unknownMode("indexing", mode);
        };
    }

    private static IndexingConfig.MilvusAuth milvusAuth(JsonNode node) {
        String mode = node.get("mode").textValue();
        return switch (mode) {
            case "none" -> new IndexingConfig.MilvusAuth.None();
            case "token" -> new IndexingConfig.MilvusAuth.Token(
                    node.get("token").textValue());
            case "user_password" -> new IndexingConfig.MilvusAuth.UserPassword(
                    node.get("username").textValue(), node.get("password").textValue());
            default -> throw unknownMode("indexing.auth", mode);
        };
    }

    private static IndexingConfig weaviate(JsonNode node) {
        JsonNode layout = node.get("layout");
        IndexingConfig.WeaviateLayout boundLayout =
                switch (layout.get("mode").textValue()) {
                    case "single_class" -> new IndexingConfig.WeaviateLayout.SingleClass(
                            layout.get("class_name").textValue());
                    case "class_per_stream" -> new IndexingConfig.WeaviateLayout.ClassPerStream(
                            layout.get("class_prefix").textValue());
                    default -> throw unknownMode(
                            "indexing.layout", layout.get("mode").textValue());
                };
        JsonNode auth = node.get("auth");
        IndexingConfig.WeaviateAuth boundAuth =
                switch (auth.get("mode").textValue()) {
                    case "none" -> new IndexingConfig.WeaviateAuth.None();
                    case "api_key" -> new IndexingConfig.WeaviateAuth.ApiKey(
                            auth.get("api_key").textValue());
                    case "bearer_token" -> new IndexingConfig.WeaviateAuth.BearerToken(
                            auth.get("token").textValue());
                    default -> throw unknownMode(
                            "indexing.auth", auth.get("mode").textValue());
                };
        Map<String, String> headers = new LinkedHashMap<>();
        for (JsonNode header : node.get("additional_headers")) {
            headers.put(header.get("name").textValue(), header.get("value").textValue());
        }
        return new IndexingConfig.Weaviate(
                withoutSlash(node.get("host").textValue()),
                boundLayout,
                node.get("distance_metric").textValue(),
                node.get("consistency_level").textValue(),
                boundAuth,
                headers,
                node.path("text_field").textValue());
    }

    /** Airbyte's Qdrant destination names the metrics cos, euc and dot; they mean cosine, l2 and ip. */
    private static String qdrantMetric(String metric) {
        return switch (metric) {
            case "cos" -> "cosine";
            case "euc" -> "l2";
            case "dot" -> "ip";
            default -> metric;
        };
    }

    private static OpenSearchAuth openSearchAuth(JsonNode node) {
        String mode = node.get("mode").textValue();
        return switch (mode) {
            case "none" -> new OpenSearchAuth.None();
            case "basic" -> new OpenSearchAuth.Basic(
                    node.get("username").textValue(), node.get("password").textValue());
            case "api_key" -> new OpenSearchAuth.ApiKey(node.get("api_key").textValue());
            default -> throw unknownMode("indexing.auth", mode);
        };
    }

    private static String withoutSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static IndexingConfig chroma(JsonNode node) {
        String host = node.get("host").textValue();
        return new IndexingConfig.Chroma(
                withoutSlash(host),
                node.get("tenant").textValue(),
                node.get("database").textValue(),
                node.get("collection").textValue(),
                node.get("distance_metric").textValue(),
                chromaAuth(node.get("auth")));
    }

    private static ChromaAuth chromaAuth(JsonNode node) {
        String mode = node.get("mode").textValue();
        return switch (mode) {
            case "none" -> new ChromaAuth.None();
            case "token" -> new ChromaAuth.Token(
                    node.get("token").textValue(), node.get("header").textValue());
            case "basic" -> new ChromaAuth.Basic(
                    node.get("username").textValue(), node.get("password").textValue());
            default -> throw unknownMode("indexing.auth", mode);
        };
    }

    private static AdvancedConfig advanced(JsonNode node, boolean cloud) {
        return new AdvancedConfig(
                node.get("batch_size").intValue(),
                node.get("embedding_concurrency").intValue(),
                node.get("upsert_concurrency").intValue(),
                Duration.ofSeconds(node.get("flush_interval_seconds").intValue()),
                node.get("max_in_flight_chunks").intValue(),
                Duration.ofSeconds(node.get("retry_max_seconds").intValue()),
                node.get("allow_insecure_http").booleanValue() && !cloud,
                Duration.ofSeconds(node.get("request_timeout_seconds").intValue()),
                node.get("allow_model_change").booleanValue());
    }

    private static OptionalInt optionalInt(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null ? OptionalInt.empty() : OptionalInt.of(value.intValue());
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.textValue()));
        return values;
    }

    /** The schema accepted a mode this class cannot bind: spec.json and the parser are out of step. */
    private static SystemException unknownMode(String field, String mode) {
        return new SystemException(field + ".mode " + mode + " is in spec.json but the config parser cannot bind it");
    }
}
