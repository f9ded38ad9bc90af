package io.vectorsink.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.LoggedResponse;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.vectorsink.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One vendor's machine-readable API definition (OpenAPI 3 or Swagger 2, from {@code
 * src/test/resources/vendor-api/}), read with Atlassian's swagger-request-validator: a request the
 * connector sent and the answer a stand-in gave are checked against the operation the definition
 * declares for that method and path. Everything the definition states is enforced (paths, parameters,
 * bodies, required fields, enums, types), except where a test names an answer a fault ({@link
 * ExchangeCheck#FAULT}).
 */
public final class ApiDefinition {
    private final String resource;
    private final OpenApiInteractionValidator validator;
    private final Map<String, String> requiredHeaders;
    /**
     * The query parameters whose schema is composed ({@code anyOf}/{@code oneOf}, such as Qdrant's
     * {@code consistency}: a number or a level name). The validator reads such a value as JSON, so a plain form
     * value like {@code all}, which is the string "all", is handed to it as that JSON string.
     */
    private final Set<String> composedQueryParameters;

    private ApiDefinition(
            String resource,
            OpenApiInteractionValidator validator,
            Map<String, String> requiredHeaders,
            Set<String> composedQueryParameters) {
        this.resource = resource;
        this.validator = validator;
        this.requiredHeaders = requiredHeaders;
        this.composedQueryParameters = composedQueryParameters;
    }

    /**
     * This definition, for requests that also carry header {@code name} with {@code value}: a versioned API
     * (Pinecone's) takes its version from a header, and the definition describes only that version, which a
     * definition can declare without an enum.
     */
    public ApiDefinition requiringHeader(String name, String value) {
        Map<String, String> headers = new LinkedHashMap<>(requiredHeaders);
        headers.put(name, value);
        return new ApiDefinition(resource, validator, Map.copyOf(headers), composedQueryParameters);
    }

    /**
     * The definition at {@code resource} on the test class path (for example {@code vendor-api/qdrant/...}),
     * read strictly: an object may hold only the properties the definition names, so a misspelled field in a
     * request or an answer is a mismatch even where the definition leaves {@code additionalProperties} open.
     */
    public static ApiDefinition load(String resource) {
        return load(resource, true);
    }

    /**
     * The definition at {@code resource}, read as written: an object may hold properties the definition does
     * not name unless it says {@code additionalProperties: false}. For a definition that composes objects
     * with {@code allOf} (the strict reading cannot satisfy all parts at once) or leaves objects free-form.
     */
    public static ApiDefinition loadAsWritten(String resource) {
        return load(resource, false);
    }

    private static ApiDefinition load(String resource, boolean onlyNamedProperties) {
        String text;
        try (InputStream in = ApiDefinition.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no API definition " + resource + " on the class path");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LevelResolver.Builder levels = LevelResolver.create()
                // The JSON Schema library behind the validator calls a decimal such as 0.0001 an "overflow" of
                // format float/double because no binary float holds it exactly; every number with a fraction
                // would fail. Types, ranges and required fields still count.
                .withLevel("validation.request.body.schema.format.float", ValidationReport.Level.IGNORE)
                .withLevel("validation.request.body.schema.format.double", ValidationReport.Level.IGNORE)
                .withLevel("validation.response.body.schema.format.float", ValidationReport.Level.IGNORE)
                .withLevel("validation.response.body.schema.format.double", ValidationReport.Level.IGNORE);
        if (!onlyNamedProperties) {
            // The validator adds additionalProperties: false to every object schema unless this is ignored.
            levels.withLevel("validation.schema.additionalProperties", ValidationReport.Level.IGNORE);
        }
        OpenApiInteractionValidator validator = OpenApiInteractionValidator.createForInlineApiSpecification(text)
                // Paths are matched against the definition's paths as they are; a stand-in serves them at its root.
                .withBasePathOverride("/")
                .withLevelResolver(levels.build())
                .build();
        return new ApiDefinition(resource, validator, Map.of(), composedQueryParameters(text));
    }

    private static Set<String> composedQueryParameters(String text) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        OpenAPI api = new OpenAPIV3Parser().readContents(text, null, options).getOpenAPI();
        Set<String> names = new TreeSet<>();
        if (api == null || api.getPaths() == null) {
            return names;
        }
        api.getPaths().values().forEach(path -> path.readOperations().forEach(operation -> {
            if (operation.getParameters() == null) {
                return;
            }
            for (Parameter parameter : operation.getParameters()) {
                Schema<?> schema = parameter.getSchema();
                if (schema != null && schema.get$ref() != null && api.getComponents() != null) {
                    schema = api.getComponents()
                            .getSchemas()
                            .get(schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1));
                }
                if ("query".equals(parameter.getIn())
                        && schema != null
                        && (schema.getAnyOf() != null || schema.getOneOf() != null)) {
                    names.add(parameter.getName());
                }
            }
        }));
        return names;
    }

    public String resource() {
        return resource;
    }

    /**
     * The mismatches of one exchange: {@code path} is the request's path as the definition names it (a
     * stand-in may serve the definition under a prefix); {@code response} is null when only the request is
     * checked.
     */
    List<String> mismatches(LoggedRequest request, String path, Optional<LoggedResponse> response) {
        SimpleRequest simpleRequest = request(request, path);
        ValidationReport report = response.isPresent()
                ? validator.validate(simpleRequest, response(response.get()))
                : validator.validateRequest(simpleRequest);
        List<String> found = new ArrayList<>();
        requiredHeaders.forEach((name, value) -> {
            String sent = request.getHeader(name);
            if (!value.equals(sent)) {
                found.add("header " + name + " is " + sent + ", but " + resource + " describes " + value);
            }
        });
        report.getMessages().stream()
                .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .forEach(m -> describe(m, "", found));
        return found;
    }

    /** A message and, indented, the messages it stands for (which branch of an allOf/anyOf failed, and why). */
    private static void describe(ValidationReport.Message message, String indent, List<String> out) {
        out.add(indent + message.getKey() + ": " + message.getMessage()
                + message.getContext()
                        .flatMap(c -> c.getPointers().map(p -> " at " + p.getInstance()))
                        .orElse(""));
        message.getNestedMessages().forEach(nested -> describe(nested, indent + "    ", out));
    }

    private SimpleRequest request(LoggedRequest logged, String path) {
        SimpleRequest.Builder builder = new SimpleRequest.Builder(
                Request.Method.valueOf(logged.getMethod().getName()), path);
        logged.getQueryParams()
                .forEach((name, parameter) -> builder.withQueryParam(
                        name,
                        composedQueryParameters.contains(name)
                                ? parameter.values().stream()
                                        .map(ApiDefinition::asJson)
                                        .toList()
                                : parameter.values()));
        for (HttpHeader header : logged.getHeaders().all()) {
            builder.withHeader(header.key(), header.values());
        }
        byte[] body = logged.getBody();
        if (body != null && body.length > 0) {
            builder.withBody(new String(body, StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    /** A form value as JSON: itself when it is JSON (a number), else the JSON string it stands for. */
    private static String asJson(String value) {
        try {
            Json.MAPPER.readTree(value);
            return value;
        } catch (IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(value).toString();
        }
    }

    private static SimpleResponse response(LoggedResponse logged) {
        SimpleResponse.Builder builder = SimpleResponse.Builder.status(logged.getStatus());
        if (logged.getHeaders() != null) {
            for (HttpHeader header : logged.getHeaders().all()) {
                builder.withHeader(header.key(), header.values());
            }
        }
        String body = logged.getBodyAsString();
        if (body != null && !body.isEmpty()) {
            builder.withBody(body);
        }
        return builder.build();
    }
}
