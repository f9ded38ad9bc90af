package io.vectorsink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.protocol.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Chroma collection back over the REST API, independently of the connector's own client, so that
 * process tests check what is really stored.
 */
public final class ChromaInspector {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    public ChromaInspector(String url) {
        this.base = url + "/api/v2/tenants/default_tenant/databases/default_database/collections";
    }

    /** One stored chunk. */
    public record Point(String id, String document, Map<String, JsonNode> metadata) {
        public String text(String key) {
            JsonNode value = metadata.get(key);
            return value == null ? null : value.asText();
        }

        public long number(String key) {
            return metadata.get(key).asLong();
        }
    }

    public boolean exists(String collection) {
        return send("GET", base + "/" + collection, null).statusCode() == 200;
    }

    /** The collection's description ({@code GET} of the collection: id, configuration_json, metadata, ...). */
    public JsonNode describe(String collection) {
        return parse(send("GET", base + "/" + collection, null).body());
    }

    /** Every point of the collection, or an empty list if the collection does not exist. */
    public List<Point> all(String collection) {
        HttpResponse<String> found = send("GET", base + "/" + collection, null);
        if (found.statusCode() == 404) {
            return List.of();
        }
        String id = parse(found.body()).get("id").asText();
        JsonNode got = parse(send("POST", base + "/" + id + "/get", "{\"include\":[\"documents\",\"metadatas\"]}")
                .body());
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < got.get("ids").size(); i++) {
            Map<String, JsonNode> metadata = new LinkedHashMap<>();
            JsonNode meta = got.get("metadatas").get(i);
            if (meta != null && meta.isObject()) {
                meta.properties().forEach(e -> metadata.put(e.getKey(), e.getValue()));
            }
            JsonNode document = got.get("documents").get(i);
            points.add(
                    new Point(got.get("ids").get(i).asText(), document.isNull() ? null : document.asText(), metadata));
        }
        return points;
    }

    /** The ids of the points that match a Chroma {@code where} filter (JSON), empty without the collection. */
    public List<String> matching(String collection, String whereJson) {
        HttpResponse<String> found = send("GET", base + "/" + collection, null);
        if (found.statusCode() == 404) {
            return List.of();
        }
        String id = parse(found.body()).get("id").asText();
        JsonNode got = parse(send("POST", base + "/" + id + "/get", "{\"where\":" + whereJson + ",\"include\":[]}")
                .body());
        List<String> ids = new ArrayList<>();
        got.get("ids").forEach(i -> ids.add(i.asText()));
        return ids;
    }

    /** Every point's vector, by id (empty if the collection does not exist). */
    public Map<String, List<Double>> vectors(String collection) {
        HttpResponse<String> found = send("GET", base + "/" + collection, null);
        if (found.statusCode() == 404) {
            return Map.of();
        }
        String id = parse(found.body()).get("id").asText();
        JsonNode got = parse(send("POST", base + "/" + id + "/get", "{\"include\":[\"embeddings\"]}")
                .body());
        Map<String, List<Double>> vectors = new LinkedHashMap<>();
        for (int i = 0; i < got.get("ids").size(); i++) {
            List<Double> vector = new ArrayList<>();
            got.get("embeddings").get(i).forEach(v -> vector.add(v.asDouble()));
            vectors.put(got.get("ids").get(i).asText(), vector);
        }
        return vectors;
    }

    /**
     * Creates an empty collection with only {@code metadata} (JSON), as LangChain's Python store does with
     * {@code collection_metadata={"hnsw:space": ...}}: the server takes the metric from the metadata key.
     */
    public void createWithMetadata(String collection, String metadata) {
        HttpResponse<String> created =
                send("POST", base, "{\"name\":\"" + collection + "\",\"metadata\":" + metadata + "}");
        if (created.statusCode() != 200) {
            throw new IllegalStateException("Chroma refused to create " + collection + ": " + created.body());
        }
    }

    /** Creates a collection with a given dimension by inserting one point (Chroma fixes it on first insert). */
    public void createWithDimension(String collection, int dimension, String space) {
        createWithDimension(collection, dimension, space, "{}");
    }

    /** A collection as {@link #createWithDimension(String, int, String)} makes it, with this metadata (JSON). */
    public void createWithDimension(String collection, int dimension, String space, String metadata) {
        String metadataField = metadata.equals("{}") ? "" : ",\"metadata\":" + metadata;
        String created = send(
                        "POST",
                        base,
                        "{\"name\":\"" + collection + "\",\"configuration\":{\"hnsw\":{\"space\":\"" + space + "\"}}"
                                + metadataField + "}")
                .body();
        String id = parse(created).get("id").asText();
        StringBuilder vector = new StringBuilder("[");
        for (int i = 0; i < dimension; i++) {
            vector.append(i == 0 ? "1" : ",0");
        }
        vector.append("]");
        send("POST", base + "/" + id + "/upsert", "{\"ids\":[\"seed\"],\"embeddings\":[" + vector + "]}");
    }

    private HttpResponse<String> send(String method, String url, String body) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url)).header("content-type", "application/json");
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("Chroma answered with non-JSON: " + body, e);
        }
    }
}
