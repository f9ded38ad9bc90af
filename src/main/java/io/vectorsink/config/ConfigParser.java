package io.vectorsink.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.config.IndexingConfig.ChromaAuth;
import io.vectorsink.config.IndexingConfig.OpenSearchAuth;
import io.vectorsink.config.ProcessingConfig.FieldMapping;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the raw config JSON into a validated {@link ConnectorConfig}. The config is checked against the
 * spec's JSON Schema ({@code spec.json}), then against the rules between fields; every problem is reported
 * at once, each naming its field ("indexing.host: must look like http(s)://host[:port]"), so the user fixes
 * the config in one go. Optional fields get the spec's defaults.
 *
 * <p>Not checked here, because it needs the loaded model or the store: that {@code chunk_size} fits what
 * the embedding model embeds, and that the collection's dimensions and metric match.
 */
public final class ConfigParser {
    /** Airbyte sets {@code DEPLOYMENT_MODE=cloud} in Airbyte Cloud, where plain http is never allowed. */
    static final String DEPLOYMENT_MODE = "DEPLOYMENT_MODE";

    /**
     * Scheme, host and port of an endpoint URL that passed the spec's pattern, with an optional path (an
     * OpenAI-compatible base URL has one). Parsed by hand because {@link java.net.URI} finds no host in
     * names with an underscore, which Docker networks use and OkHttp accepts.
     */
    private static final Pattern ENDPOINT = Pattern.compile("^(https?)://(\\[[^\\]]*]|[^:/]+)(?::(\\d+))?(?:/.*)?$");

    private ConfigParser() {}

    /** The ConnectorSpecification, as the {@code spec} command returns it (a copy the caller may change). */
    public static JsonNode spec() {
        return SpecSchema.spec().deepCopy();
    }

    /**
     * Validates {@code raw} and binds it, reading {@code DEPLOYMENT_MODE} from the environment.
     *
     * @throws ConfigException listing every problem found
     */
    public static ConnectorConfig parse(JsonNode raw) {
        return parse(raw, System.getenv());
    }

    /**
     * Validates {@code raw} and binds it; {@code env} supplies {@code DEPLOYMENT_MODE}.
     *
     * @throws ConfigException listing every problem found
     */
    public static ConnectorConfig parse(JsonNode raw, Map<String, String> env) {
        if (raw == null || !raw.isObject()) {
            throw new ConfigException(List.of("config: must be a JSON object"), null);
        }
        boolean cloud = "cloud".equalsIgnoreCase(env.getOrDefault(DEPLOYMENT_MODE, ""));
        ObjectNode config = raw.deepCopy();
        Problems problems = new Problems();
        SpecSchema.validate(config, problems);
        checkRulesBetweenFields(config, cloud, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.messages(), null);
        }
        return bind(config, cloud);
    }

    /**
     * Every secret value in {@code raw}: the values of fields the spec marks {@code airbyte_secret}, looked
     * up in every oneOf branch so that a secret is found whichever mode is chosen, even in an invalid
     * config. Register them with {@link io.vectorsink.error.Secrets} before anything is logged.
     */
    public static List<String> secretValues(JsonNode raw) {
        Set<String> secrets = new LinkedHashSet<>();
        collectSecrets(SpecSchema.connectionSpecification(), raw, secrets);
        return List.copyOf(secrets);
    }

    private static void collectSecrets(JsonNode schema, JsonNode value, Set<String> secrets) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return;
        }
        for (String combinator : List.of("oneOf", "anyOf", "allOf")) {
            schema.path(combinator).forEach(branch -> collectSecrets(branch, value, secrets));
        }
        if (value.isObject()) {
            schema.path("properties").properties().forEach(property -> {
                JsonNode child = value.get(property.getKey());
                if (property.getValue().path("airbyte_secret").asBoolean(false)) {
                    collectLeaves(child, secrets);
                } else {
                    collectSecrets(property.getValue(), child, secrets);
                }
            });
        } else if (value.isArray()) {
            value.forEach(element -> collectSecrets(schema.path("items"), element, secrets));
        }
    }

    private static void collectLeaves(JsonNode value, Set<String> secrets) {
        if (value == null || value.isNull()) {
            return;
        }
        if (value.isContainerNode()) {
            value.forEach(child -> collectLeaves(child, secrets));
        } else {
            secrets.add(value.asText());
        }
    }

    // ---- rules between fields; they run on the defaulted config and skip fields that already failed ----

    private static void checkRulesBetweenFields(ObjectNode config, boolean cloud, Problems problems) {
        JsonNode processing = config.path("processing");
        checkChunkOverlap(processing, problems);
        checkSeparators(processing.path("text_splitter"), problems);
        checkFieldMappings(processing.path("field_name_mappings"), problems);
        JsonNode advanced = config.path("advanced");
        checkInFlightBudget(advanced, problems);
        JsonNode indexing = config.path("indexing");
        switch (indexing.path("mode").asText()) {
            case "chroma", "milvus", "weaviate" -> checkEndpoint(
                    "indexing.host", indexing.path("host"), advanced, cloud, problems);
            case "opensearch", "qdrant" -> checkEndpoint(
                    "indexing.url", indexing.path("url"), advanced, cloud, problems);
            case "pinecone" -> {
                // fixed https endpoints (api.pinecone.io and the index's *.pinecone.io host)
            }
            default -> {
                // an unknown mode is already a problem from the schema
            }
        }
        checkEmbedding(config.path("embedding"), advanced, cloud, problems);
    }

    private static void checkEmbedding(JsonNode embedding, JsonNode advanced, boolean cloud, Problems problems) {
        String mode = embedding.path("mode").asText();
        switch (mode) {
            case "openai" -> checkShortened(embedding, problems, EmbeddingConfig.OpenAi::shorteningProblem);
            case "cohere" -> checkShortened(embedding, problems, EmbeddingConfig.Cohere::shorteningProblem);
            case "azure_openai" -> checkEndpoint(
                    "embedding.api_base", embedding.path("api_base"), advanced, cloud, problems);
            case "openai_compatible" -> checkEndpoint(
                    "embedding.base_url", embedding.path("base_url"), advanced, cloud, problems);
            default -> {
                // local and fake have no rules between fields
            }
        }
    }

    /** A shortened vector length only where the model offers it (the records' own rule, reported per field). */
    private static void checkShortened(
            JsonNode embedding, Problems problems, BiFunction<String, OptionalInt, Optional<String>> rule) {
        JsonNode model = embedding.path("model");
        JsonNode dimensions = embedding.path("dimensions");
        if (!problems.clean("embedding.model", "embedding.dimensions")
                || !model.isTextual()
                || !dimensions.canConvertToInt()) {
            return;
        }
        rule.apply(model.textValue(), OptionalInt.of(dimensions.intValue()))
                .ifPresent(problem -> problems.add("embedding.dimensions", problem));
    }

    private static void checkChunkOverlap(JsonNode processing, Problems problems) {
        JsonNode size = processing.path("chunk_size");
        JsonNode overlap = processing.path("chunk_overlap");
        if (problems.clean("processing.chunk_size", "processing.chunk_overlap")
                && size.canConvertToInt()
                && overlap.canConvertToInt()
                && overlap.intValue() >= size.intValue()) {
            problems.add(
                    "processing.chunk_overlap", "must be less than processing.chunk_size (" + size.intValue() + ")");
        }
    }

    private static void checkSeparators(JsonNode splitter, Problems problems) {
        if (!"separator".equals(splitter.path("mode").asText())) {
            return;
        }
        JsonNode separators = splitter.path("separators");
        for (int i = 0; i < separators.size(); i++) {
            String path = Problems.element("processing.text_splitter.separators", i);
            JsonNode separator = separators.get(i);
            if (problems.clean(path)
                    && separator.isTextual()
                    && decodeSeparator(separator.textValue()).isEmpty()) {
                problems.add(path, "must be a valid JSON string with its quotes, e.g. \"\\n\"");
            }
        }
    }

    private static void checkFieldMappings(JsonNode mappings, Problems problems) {
        Set<String> sources = new HashSet<>();
        Set<String> targets = new HashSet<>();
        for (int i = 0; i < mappings.size(); i++) {
            String path = Problems.element("processing.field_name_mappings", i);
            JsonNode from = mappings.get(i).path("from_field");
            JsonNode to = mappings.get(i).path("to_field");
            checkMappingField(Problems.child(path, "from_field"), from, sources, problems);
            checkMappingField(Problems.child(path, "to_field"), to, targets, problems);
        }
    }

    private static void checkMappingField(String path, JsonNode field, Set<String> seen, Problems problems) {
        if (!problems.clean(path) || !field.isTextual()) {
            return;
        }
        String name = field.textValue();
        if (name.isBlank()) {
            problems.add(path, "must not be blank");
        } else if (List.of(name.split("\\.", -1)).contains("*")) {
            problems.add(path, "must name one field: wildcards (*) cannot be renamed");
        } else if (!seen.add(name)) {
            // A second rename of the same field would find it already moved, or overwrite the first result.
            problems.add(path, "is already used by an earlier mapping");
        }
    }

    private static void checkInFlightBudget(JsonNode advanced, Problems problems) {
        JsonNode batchSize = advanced.path("batch_size");
        JsonNode maxInFlight = advanced.path("max_in_flight_chunks");
        if (problems.clean("advanced.batch_size", "advanced.max_in_flight_chunks")
                && batchSize.canConvertToInt()
                && maxInFlight.canConvertToInt()
                && maxInFlight.intValue() < batchSize.intValue()) {
            // Fewer chunks in flight than one batch holds: no batch could ever fill.
            problems.add(
                    "advanced.max_in_flight_chunks",
                    "must be at least advanced.batch_size (" + batchSize.intValue() + ")");
        }
    }

    /**
     * An endpoint URL must use https, except for loopback hosts, or when the user allows insecure http
     * outside Airbyte Cloud (DESIGN §7: secrets and records must not cross a network in clear text).
     */
    private static void checkEndpoint(String path, JsonNode url, JsonNode advanced, boolean cloud, Problems problems) {
        if (!problems.clean(path) || !url.isTextual()) {
            return;
        }
        Matcher endpoint = ENDPOINT.matcher(url.textValue());
        if (!endpoint.matches()) {
            return; // the spec's pattern has already said what is wrong
        }
        String port = endpoint.group(3);
        if (port != null && (Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65_535)) {
            problems.add(path, "must have a port between 1 and 65535");
            return;
        }
        if (endpoint.group(1).equals("https") || isLoopback(endpoint.group(2))) {
            return;
        }
        if (cloud) {
            problems.add(path, "must use https: Airbyte Cloud never sends data over plain http");
        } else if (!advanced.path("allow_insecure_http").asBoolean(false)) {
            problems.add(
                    path,
                    "must use https; plain http is only for loopback hosts unless"
                            + " advanced.allow_insecure_http is true");
        }
    }

    /** By name only: resolving the host would make a config's validity depend on DNS. */
    static boolean isLoopback(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return name.equals("localhost") || name.equals("[::1]") || name.matches("127(\\.\\d{1,3}){3}");
    }

    /** The separator a JSON string literal such as {@code "\n"} stands for, if it is one. */
    private static Optional<String> decodeSeparator(String literal) {
        try {
            JsonNode decoded = Json.MAPPER.readTree(literal);
            return decoded != null && decoded.isTextual() ? Optional.of(decoded.textValue()) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    // ---- binding; runs only on a config without problems, with every default filled in ----

    private static ConnectorConfig bind(ObjectNode config, boolean cloud) {
        return new ConnectorConfig(
                processing(config.get("processing")),
                embedding(config.get("embedding")),
                indexing(config.get("indexing")),
                config.get("omit_raw_text").booleanValue(),
                advanced(config.get("advanced"), cloud));
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
                textSplitter(node.get("text_splitter")));
    }

    private static TextSplitterConfig textSplitter(JsonNode node) {
        String mode = node.get("mode").textValue();
        return switch (mode) {
            case "separator" -> new TextSplitterConfig.Separator(
                    strings(node.get("separators")).stream()
                            .map(s -> decodeSeparator(s)
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
                    qdrantMetric(node.get("distance_metric").textValue()));
            case "pinecone" -> new IndexingConfig.Pinecone(
                    node.get("pinecone_key").textValue(),
                    node.get("index").textValue(),
                    node.get("namespace").textValue(),
                    node.get("stream_namespaces").booleanValue(),
                    node.get("distance_metric").textValue());
            case "milvus" -> new IndexingConfig.Milvus(
                    withoutSlash(node.get("host").textValue()),
                    node.get("db").textValue(),
                    node.get("collection").textValue(),
                    node.get("distance_metric").textValue(),
                    milvusAuth(node.get("auth")));
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
            String name = header.get("name").textValue();
            if (headers.put(name, header.get("value").textValue()) != null) {
                throw new ConfigException("indexing.additional_headers names '" + name + "' twice");
            }
        }
        return new IndexingConfig.Weaviate(
                withoutSlash(node.get("host").textValue()),
                boundLayout,
                node.get("distance_metric").textValue(),
                node.get("consistency_level").textValue(),
                boundAuth,
                headers);
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
                Duration.ofSeconds(node.get("request_timeout_seconds").intValue()));
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
