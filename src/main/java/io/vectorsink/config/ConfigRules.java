package io.vectorsink.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules of a config that its JSON Schema cannot state: rules between fields (overlap below chunk size,
 * a shortened vector length the model offers, https for an endpoint that is not loopback unless insecure http
 * is allowed, header names used once). Whatever one field's pattern can state is in the spec instead, so
 * that Airbyte's form refuses it too ({@code SpecParserAgreementTest}). This is the one place these rules
 * live; stores and embedders trust a config that passed them.
 *
 * <p>They run after the schema ({@link SpecSchema#validate}), on the config with its defaults filled in, and
 * skip every field that already has a problem, so one mistake is reported once, in the words that fit it.
 * Their problems join the schema's, so the user sees every problem of the config at once.
 */
final class ConfigRules {
    /**
     * Scheme, host and port of an endpoint URL that passed the spec's pattern, with an optional path (an
     * OpenAI-compatible base URL has one). Parsed by hand because {@link java.net.URI} finds no host in
     * names with an underscore, which Docker networks use and OkHttp accepts.
     */
    private static final Pattern ENDPOINT = Pattern.compile("^(https?)://(\\[[^\\]]*]|[^:/]+)(?::(\\d+))?(?:/.*)?$");

    private ConfigRules() {}

    /**
     * Adds a problem for every rule {@code config} breaks.
     *
     * @param config the config after schema validation, with every default filled in
     * @param cloud whether the connector runs in Airbyte Cloud, where plain http is never allowed
     */
    static void check(ObjectNode config, boolean cloud, Problems problems) {
        JsonNode processing = config.path("processing");
        checkChunkOverlap(processing, problems);
        checkFieldMappings(processing.path("field_name_mappings"), problems);
        JsonNode advanced = config.path("advanced");
        checkInFlightBudget(advanced, problems);
        checkIndexing(config.path("indexing"), advanced, cloud, problems);
        checkEmbedding(config.path("embedding"), advanced, cloud, problems);
    }

    // ---- processing and advanced ----

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
        // Blank names and wildcards are refused by the spec's pattern.
        if (!seen.add(field.textValue())) {
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

    // ---- indexing ----

    private static void checkIndexing(JsonNode indexing, JsonNode advanced, boolean cloud, Problems problems) {
        switch (indexing.path("mode").asText()) {
            case "chroma", "milvus" -> checkEndpoint("indexing.host", indexing.path("host"), advanced, cloud, problems);
            case "weaviate" -> {
                checkEndpoint("indexing.host", indexing.path("host"), advanced, cloud, problems);
                checkWeaviateHeaders(indexing.path("additional_headers"), problems);
            }
            case "opensearch", "qdrant" -> checkEndpoint(
                    "indexing.url", indexing.path("url"), advanced, cloud, problems);
            case "pinecone" -> {
                // fixed https endpoints (api.pinecone.io and the index's *.pinecone.io host)
            }
            default -> {
                // an unknown mode is already a problem from the schema
            }
        }
    }

    /**
     * Extra headers go out with every request next to the credentials: they must not replace the
     * Authorization header the auth mode sets and must not name one header twice (HTTP names ignore case);
     * that their values are text HTTP can carry is the spec's pattern.
     */
    private static void checkWeaviateHeaders(JsonNode headers, Problems problems) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < headers.size(); i++) {
            String path = Problems.element("indexing.additional_headers", i);
            String namePath = Problems.child(path, "name");
            JsonNode name = headers.get(i).path("name");
            if (!problems.clean(namePath) || !name.isTextual()) {
                continue;
            }
            String lower = name.textValue().toLowerCase(Locale.ROOT);
            if (lower.equals("authorization")) {
                problems.add(namePath, "must not be Authorization; choose indexing.auth.mode instead");
            } else if (!seen.add(lower)) {
                problems.add(namePath, "names header " + name.textValue() + " again (header names ignore case)");
            }
        }
    }

    // ---- embedding ----

    private static void checkEmbedding(JsonNode embedding, JsonNode advanced, boolean cloud, Problems problems) {
        switch (embedding.path("mode").asText()) {
            case "openai" -> checkShortened(embedding, problems, EmbeddingConfig.OpenAi::shorteningProblem);
            case "cohere" -> checkShortened(embedding, problems, EmbeddingConfig.Cohere::shorteningProblem);
            case "azure_openai" -> checkEndpoint(
                    "embedding.api_base", embedding.path("api_base"), advanced, cloud, problems);
            case "openai_compatible" -> checkEndpoint(
                    "embedding.base_url", embedding.path("base_url"), advanced, cloud, problems);
            default -> {
                // local, fake and from_field have no rules beyond the schema
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

    // ---- endpoints ----

    /**
     * An endpoint URL must use https, except for loopback hosts, or when the user allows insecure http
     * outside Airbyte Cloud: secrets and records must not cross a network in clear text
     * (docs/architecture.md, invariant 11).
     */
    private static void checkEndpoint(String path, JsonNode url, JsonNode advanced, boolean cloud, Problems problems) {
        if (!url.isTextual()) {
            return;
        }
        Matcher endpoint = ENDPOINT.matcher(url.textValue());
        String port = endpoint.matches() ? endpoint.group(3) : null;
        if (port != null && !isPort(port)) {
            // The spec's pattern refuses it too ("must look like ..."); this says what is wrong.
            problems.replace(path, "must have a port between 1 and 65535");
            return;
        }
        if (!problems.clean(path) || !endpoint.matches()) {
            return; // the spec's pattern has already said what is wrong
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

    /** Whether {@code digits} is a TCP port, 1 to 65535, leading zeros allowed (any number of digits). */
    private static boolean isPort(String digits) {
        String number = digits.replaceFirst("^0+", "");
        return !number.isEmpty() && number.length() <= 5 && Integer.parseInt(number) <= 65_535;
    }

    /** By name only: resolving the host would make a config's validity depend on DNS. */
    static boolean isLoopback(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return name.equals("localhost") || name.equals("[::1]") || name.matches("127(\\.\\d{1,3}){3}");
    }
}
