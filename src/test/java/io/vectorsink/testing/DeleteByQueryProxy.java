package io.vectorsink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vectorsink.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback proxy in front of the Elasticsearch test node that adds {@code _delete_by_query}, which the
 * integration-test zip leaves out (every real distribution has it, in the {@code reindex} module). Every
 * other request passes through unchanged, credentials included.
 *
 * <p>{@code POST /{index}/_delete_by_query} runs the caller's own query on the real node, as the reindex
 * module does, with the caller's credentials: a scroll over the matching documents (only searchable ones,
 * as Elasticsearch's own: no refresh first), each page deleted by {@code _bulk} guarded by
 * {@code if_seq_no}/{@code if_primary_term}, so a document rewritten since the search is a version conflict
 * ({@code conflicts=proceed} counts it; the default aborts with HTTP 409), then a refresh when
 * {@code refresh=true}. The answer has the documented fields ({@code total}, {@code deleted},
 * {@code batches}, {@code version_conflicts}, {@code failures}, ...). The refresh runs with the proxy's own
 * credentials: the reference asks only for {@code read} and {@code delete} (or {@code write}) for a
 * delete-by-query.
 */
public final class DeleteByQueryProxy implements AutoCloseable {
    private static final Pattern DELETE_BY_QUERY = Pattern.compile("^/([^/_][^/]*)/_delete_by_query$");

    /** Response headers worth passing back; the rest (length, connection) the server sets itself. */
    private static final List<String> RESPONSE_HEADERS =
            List.of("Content-Type", "X-elastic-product", "WWW-Authenticate", "Retry-After");

    private final String nodeUrl;
    private final String adminAuthorization;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    public DeleteByQueryProxy(String nodeUrl, String adminAuthorization) {
        this.nodeUrl = nodeUrl;
        this.adminAuthorization = adminAuthorization;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor = Executors.newFixedThreadPool(16, runnable -> {
            Thread thread = new Thread(runnable, "es-dbq-proxy");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            Matcher dbq = DELETE_BY_QUERY.matcher(path);
            Answer answer = exchange.getRequestMethod().equals("POST") && dbq.matches()
                    ? deleteByQuery(dbq.group(1), params(query), body, authorization)
                    : forward(
                            exchange.getRequestMethod(),
                            path + (query == null ? "" : "?" + query),
                            body,
                            exchange.getRequestHeaders().getFirst("Content-Type"),
                            authorization);
            answer.headers().forEach((name, values) -> {
                if (RESPONSE_HEADERS.stream().anyMatch(name::equalsIgnoreCase)) {
                    values.forEach(value -> exchange.getResponseHeaders().add(name, value));
                }
            });
            boolean noBody =
                    answer.body().length == 0 || exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(answer.status(), noBody ? -1 : answer.body().length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer.body());
                }
            }
        } catch (IOException | RuntimeException e) {
            // The connector sees a broken connection, as with a node that fell over.
            exchange.close();
        }
    }

    private record Answer(int status, Map<String, List<String>> headers, byte[] body) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Answer forward(String method, String pathAndQuery, byte[] body, String contentType, String authorization)
            throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(nodeUrl + pathAndQuery))
                .timeout(Duration.ofSeconds(120))
                .method(
                        method,
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.headers().map(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private Answer json(String method, String path, JsonNode body, String authorization, String contentType)
            throws IOException {
        byte[] bytes = body == null ? new byte[0] : Json.MAPPER.writeValueAsBytes(body);
        return forward(method, path, bytes, contentType, authorization);
    }

    private Answer deleteByQuery(String index, Map<String, String> params, byte[] body, String authorization)
            throws IOException {
        long started = System.nanoTime();
        boolean proceed = "proceed".equals(params.get("conflicts"));
        JsonNode request = body.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(body);
        ObjectNode search = Json.MAPPER.createObjectNode();
        search.put("size", Integer.parseInt(params.getOrDefault("scroll_size", "1000")));
        search.set("query", request.has("query") ? request.get("query") : matchAll());
        search.put("_source", false);
        search.put("seq_no_primary_term", true);
        search.putArray("sort").add("_doc");
        Answer page = json("POST", "/" + index + "/_search?scroll=1m", search, authorization, "application/json");
        if (page.status() != 200) {
            return page;
        }
        long total = page.json().path("hits").path("total").path("value").asLong();
        long deleted = 0;
        long conflicts = 0;
        int batches = 0;
        ArrayNode failures = Json.MAPPER.createArrayNode();
        String scrollId = page.json().path("_scroll_id").asText(null);
        try {
            while (true) {
                JsonNode hits = page.json().path("hits").path("hits");
                if (hits.isEmpty()) {
                    break;
                }
                batches++;
                StringBuilder bulk = new StringBuilder();
                for (JsonNode hit : hits) {
                    ObjectNode action = Json.MAPPER.createObjectNode();
                    ObjectNode delete = action.putObject("delete");
                    delete.put("_index", hit.path("_index").asText());
                    delete.put("_id", hit.path("_id").asText());
                    delete.put("if_seq_no", hit.path("_seq_no").asLong());
                    delete.put("if_primary_term", hit.path("_primary_term").asLong());
                    bulk.append(Json.MAPPER.writeValueAsString(action)).append('\n');
                }
                Answer result = forward(
                        "POST",
                        "/_bulk",
                        bulk.toString().getBytes(StandardCharsets.UTF_8),
                        "application/x-ndjson",
                        authorization);
                if (result.status() != 200) {
                    return result;
                }
                for (JsonNode item : result.json().path("items")) {
                    JsonNode delete = item.path("delete");
                    int status = delete.path("status").asInt();
                    if (status == 200) {
                        deleted++;
                    } else if (status == 409) {
                        conflicts++;
                        if (!proceed) {
                            failures.add(failure(delete));
                        }
                    } else {
                        failures.add(failure(delete));
                    }
                }
                if (!failures.isEmpty()) {
                    break;
                }
                ObjectNode next = Json.MAPPER.createObjectNode();
                next.put("scroll", "1m");
                next.put("scroll_id", scrollId);
                page = json("POST", "/_search/scroll", next, authorization, "application/json");
                if (page.status() != 200) {
                    return page;
                }
                scrollId = page.json().path("_scroll_id").asText(scrollId);
            }
        } finally {
            if (scrollId != null) {
                ObjectNode clear = Json.MAPPER.createObjectNode();
                clear.putArray("scroll_id").add(scrollId);
                json("DELETE", "/_search/scroll", clear, authorization, "application/json");
            }
        }
        if ("true".equals(params.get("refresh")) || "".equals(params.get("refresh"))) {
            Answer refreshed = forward("POST", "/" + index + "/_refresh", new byte[0], null, adminAuthorization);
            if (refreshed.status() != 200) {
                return refreshed;
            }
        }
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("took", (System.nanoTime() - started) / 1_000_000);
        answer.put("timed_out", false);
        answer.put("total", total);
        answer.put("deleted", deleted);
        answer.put("batches", batches);
        answer.put("version_conflicts", conflicts);
        answer.put("noops", 0);
        answer.putObject("retries").put("bulk", 0).put("search", 0);
        answer.put("throttled_millis", 0);
        answer.put("requests_per_second", -1.0);
        answer.put("throttled_until_millis", 0);
        answer.set("failures", failures);
        int status = failures.isEmpty() ? 200 : failures.get(0).path("status").asInt(500);
        return new Answer(
                status,
                Map.of("Content-Type", List.of("application/json"), "X-elastic-product", List.of("Elasticsearch")),
                Json.MAPPER.writeValueAsBytes(answer));
    }

    private static ObjectNode failure(JsonNode item) {
        ObjectNode failure = Json.MAPPER.createObjectNode();
        failure.put("index", item.path("_index").asText());
        failure.put("id", item.path("_id").asText());
        failure.set("cause", item.path("error"));
        failure.put("status", item.path("status").asInt());
        return failure;
    }

    private static ObjectNode matchAll() {
        ObjectNode query = Json.MAPPER.createObjectNode();
        query.putObject("match_all");
        return query;
    }

    private static Map<String, String> params(String query) {
        Map<String, String> params = new java.util.HashMap<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                params.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            }
        }
        return params;
    }
}
