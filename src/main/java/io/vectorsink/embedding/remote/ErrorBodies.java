package io.vectorsink.embedding.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.http.HttpStatus;
import io.vectorsink.protocol.Json;
import java.io.IOException;
import java.util.Optional;

/**
 * The parts of a provider's error body that are safe to show: its {@code message} and its {@code code},
 * never the raw body. Validation errors of some servers (FastAPI, pydantic) echo the request's input,
 * which holds record content; the fields read here are the provider's own words. Bodies are read from
 * {@link HttpStatus#bodySnippet()}, which has every registered secret redacted already.
 */
public final class ErrorBodies {
    private static final int MAX_MESSAGE_CHARS = 300;

    private ErrorBodies() {}

    /** {@code error.message}, {@code message}, {@code error} or {@code detail}, when one is a string. */
    public static Optional<String> message(HttpStatus status) {
        JsonNode body = parse(status);
        for (JsonNode candidate : new JsonNode[] {
            body.path("error").path("message"), body.path("message"), body.path("error"), body.path("detail")
        }) {
            if (candidate.isTextual() && !candidate.textValue().isBlank()) {
                String text = candidate.textValue().strip();
                return Optional.of(
                        text.length() > MAX_MESSAGE_CHARS ? text.substring(0, MAX_MESSAGE_CHARS) + "…" : text);
            }
        }
        return Optional.empty();
    }

    /** {@code error.code} or {@code code} (OpenAI's {@code model_not_found}, Azure's {@code DeploymentNotFound}). */
    public static Optional<String> code(HttpStatus status) {
        JsonNode body = parse(status);
        for (JsonNode candidate : new JsonNode[] {body.path("error").path("code"), body.path("code")}) {
            if (candidate.isValueNode() && !candidate.asText().isBlank()) {
                return Optional.of(candidate.asText());
            }
        }
        return Optional.empty();
    }

    /** "HTTP 404: the provider's message" or just "HTTP 404". */
    public static String describe(HttpStatus status) {
        return message(status).map(m -> "HTTP " + status.code() + ": " + m).orElse("HTTP " + status.code());
    }

    private static JsonNode parse(HttpStatus status) {
        try {
            JsonNode node = Json.MAPPER.readTree(status.bodySnippet());
            return node == null ? Json.MAPPER.missingNode() : node;
        } catch (IOException e) {
            return Json.MAPPER.missingNode();
        }
    }
}
