package io.vectorsink.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The in-process OpenSearch node answers over HTTP and serves k-NN queries with the lucene engine. */
class OpenSearchNodeIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> send(String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(OpenSearchNode.shared().url() + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void should_answer_with_its_version_and_run_a_lucene_knn_query() throws Exception {
        HttpResponse<String> root = send("GET", "/", null);
        HttpResponse<String> created = send(
                "PUT",
                "/node-it",
                """
                {"settings": {"index": {"knn": true}},
                 "mappings": {"properties": {"v": {"type": "knn_vector", "dimension": 2,
                   "method": {"name": "hnsw", "engine": "lucene", "space_type": "l2"}}}}}
                """);
        HttpResponse<String> indexed = send("PUT", "/node-it/_doc/1?refresh=true", "{\"v\": [1, 0]}");
        HttpResponse<String> found =
                send("POST", "/node-it/_search", "{\"query\": {\"knn\": {\"v\": {\"vector\": [1, 0.1], \"k\": 1}}}}");

        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.body()).contains("\"number\" : \"2.19.1\"");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(indexed.statusCode()).as(indexed.body()).isEqualTo(201);
        assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
        assertThat(found.body()).contains("\"_id\":\"1\"");
    }
}
