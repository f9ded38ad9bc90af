package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.record;
import static io.vectorsink.testing.Messages.stream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vectorsink.protocol.Json;
import io.vectorsink.testing.ConnectorProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider and a store that answer every request 503 with a JSON body echoing the credentials they
 * were sent: the whole header value and its credentials JSON-escaped (a backslash before each slash, as
 * many servers write it), URL-encoded and base64-encoded, and what a basic header decodes to. The body
 * reaches the user in the TRACE error, the CONNECTION_STATUS message and the retry warnings on stderr;
 * none of them may hold a secret in any of those forms. {@link ConnectorProcess} scans both streams for
 * every form ({@link io.vectorsink.testing.SecretScan}); this test also proves that the echoes did reach
 * the output, scrubbed, so the scan had something to find.
 */
class SecretEchoIT {
    private static final String TOKEN = "abc/DEF+ghi/jkl==";
    private static final String USER = "writer";
    private static final String PASSWORD = "pa55/w+rd=Zq";

    @TempDir
    Path dir;

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void startEchoingServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::echo);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void echo(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String header = exchange.getRequestHeaders().getFirst("Authorization");
            String credentials = header == null ? "" : header.substring(header.indexOf(' ') + 1);
            String decoded = header != null && header.startsWith("Basic ")
                    ? new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8)
                    : "";
            String body = "{\"error\":\"overloaded\",\"header\":" + slashEscaped(header == null ? "" : header)
                    + ",\"url\":\"" + URLEncoder.encode(credentials, StandardCharsets.UTF_8) + "\",\"b64\":\""
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8))
                    + "\",\"user\":" + slashEscaped(decoded) + "}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(503, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** A JSON string literal with a backslash before every slash, as PHP's and many servers' encoders write it. */
    private static String slashEscaped(String value) {
        try {
            return Json.MAPPER.writeValueAsString(value).replace("/", "\\/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The provider and the store both at the echoing server. */
    private String config() {
        return config(
                """
                {"mode": "openai_compatible", "base_url": "%s/v1", "api_key": "%s", "model_name": "echo",
                 "dimensions": 8, "context_length": 512}"""
                        .formatted(url(), TOKEN));
    }

    private String config(String embedding) {
        return """
                {"processing": {"chunk_size": 64, "text_fields": ["text"]},
                 "embedding": %s,
                 "indexing": {"mode": "chroma", "host": "%s", "collection": "echo",
                              "auth": {"mode": "basic", "username": "%s", "password": "%s"}},
                 "advanced": {"retry_max_seconds": 2}}
                """
                .formatted(embedding, url(), USER, PASSWORD);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private JsonNode check(String config) {
        ConnectorProcess.Result result = ConnectorProcess.run("", "check", "--config", path("config.json", config));
        assertThat(result.stderr()).as("the retry warnings carry the echoes").contains("\"error\":\"overloaded\"");
        JsonNode status = result.messages("CONNECTION_STATUS").get(0).get("connectionStatus");
        assertThat(status.get("status").asText()).isEqualTo("FAILED");
        return status;
    }

    private String path(String name, String content) {
        return ConnectorProcess.tempJson(dir, name, content).toString();
    }

    @Test
    void should_scrub_every_echoed_form_of_a_providers_key_from_check() {
        String message = check(config()).get("message").asText();

        assertThat(message).contains("\"error\":\"overloaded\"").contains("Bearer ****");
    }

    @Test
    void should_scrub_every_echoed_form_of_basic_credentials_from_check() {
        String message = check(config("{\"mode\": \"fake\", \"dimensions\": 8}"))
                .get("message")
                .asText();

        assertThat(message)
                .contains("\"error\":\"overloaded\"")
                .contains("Basic ****")
                .contains("\"user\":\"****\"");
    }

    @Test
    void should_scrub_every_echoed_form_of_the_secrets_from_write() {
        String catalog = catalog(stream("docs", "append", List.of(), -1, -1));
        ConnectorProcess.Result result = ConnectorProcess.run(
                record("docs", "{\"text\": \"hello\"}"),
                "write",
                "--config",
                path("config.json", config()),
                "--catalog",
                path("catalog.json", catalog));

        assertThat(result.exitCode()).isEqualTo(1);
        JsonNode error = result.traceError();
        assertThat(error.get("failure_type").asText()).isEqualTo("transient_error");
        assertThat(error.get("message").asText()).contains("overloaded").contains("****");
        assertThat(result.stderr()).contains("\"error\":\"overloaded\"");
    }

    /**
     * A key with a character HTTP headers cannot carry passed the spec's old pattern, then the HTTP client
     * refused the header: {@code check} said "failed unexpectedly (IllegalArgumentException)" and {@code
     * write} failed as a system_error. Now both name the field, and the server is never asked.
     */
    @Test
    void should_refuse_a_key_that_is_not_visible_ascii_in_check_and_write_naming_the_field() {
        String config = config(
                """
                {"mode": "openai_compatible", "base_url": "%s/v1", "api_key": "sk-na\u00efve-\u00e9t\u00e9",
                 "model_name": "echo", "dimensions": 8, "context_length": 512}"""
                        .formatted(url()));

        ConnectorProcess.Result check = ConnectorProcess.run("", "check", "--config", path("config.json", config));
        JsonNode status = check.messages("CONNECTION_STATUS").get(0).get("connectionStatus");
        assertThat(check.exitCode()).isZero();
        assertThat(status.get("status").asText()).isEqualTo("FAILED");
        assertThat(status.get("message").asText())
                .contains("embedding.api_key: must look like")
                .contains("visible ASCII")
                .doesNotContain("IllegalArgumentException");

        ConnectorProcess.Result write = ConnectorProcess.run(
                record("docs", "{\"text\": \"hello\"}"),
                "write",
                "--config",
                path("config.json", config),
                "--catalog",
                path("catalog.json", catalog(stream("docs", "append", List.of(), -1, -1))));
        assertThat(write.exitCode()).isEqualTo(1);
        assertThat(write.traceError().get("failure_type").asText()).isEqualTo("config_error");
        assertThat(write.traceError().get("message").asText()).contains("embedding.api_key");
        assertThat(requests.get()).as("requests the server received").isZero();
    }
}
