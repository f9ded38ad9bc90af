package io.vectorsink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.protocol.Json;
import io.vectorsink.store.StoredChunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an OpenSearch or Elasticsearch index straight over HTTP, independently of the store under test.
 */
public final class OpenSearchInspector {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String url;
    private final String authorization;

    public OpenSearchInspector(String url) {
        this(url, null);
    }

    /** An inspector that sends {@code authorization} (an {@code Authorization} header value) when not null. */
    public OpenSearchInspector(String url, String authorization) {
        this.url = url;
        this.authorization = authorization;
    }

    /** The Elasticsearch test node's indexes, read as its superuser. */
    public static OpenSearchInspector elasticsearch() {
        return new OpenSearchInspector(ElasticsearchNode.shared().nodeUrl(), ElasticsearchNode.ADMIN.header());
    }

    public boolean exists(String index) {
        return send("HEAD", "/" + index, null).statusCode() == 200;
    }

    /** Every document of {@code index} (at most 10,000), after a refresh; empty when it does not exist. */
    public List<StoredChunk> all(String index) {
        if (send("POST", "/" + index + "/_refresh", null).statusCode() == 404) {
            return List.of();
        }
        HttpResponse<String> response = send(
                "POST",
                "/" + index + "/_search",
                "{\"size\": 10000, \"query\": {\"match_all\": {}}, \"_source\": {\"excludes\": [\"vector_field\", \"vector\"]}}");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("search answered " + response.statusCode() + ": " + response.body());
        }
        try {
            List<StoredChunk> chunks = new ArrayList<>();
            for (JsonNode hit :
                    Json.MAPPER.readTree(response.body()).path("hits").path("hits")) {
                JsonNode source = hit.path("_source");
                JsonNode text = source.path("text");
                chunks.add(new StoredChunk(
                        hit.path("_id").asText(),
                        text.isTextual() ? text.textValue() : null,
                        StoredChunk.metadata(source.path("metadata"))));
            }
            return chunks;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The index's description ({@code GET /{index}}). */
    public JsonNode describe(String index) {
        try {
            return Json.MAPPER.readTree(send("GET", "/" + index, null).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code body} (JSON, or null) to {@code path}; returns the answer whatever its status. */
    public HttpResponse<String> send(String method, String path, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url + path));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        HttpRequest request = builder.header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
