package io.vectorsink.store.opensearch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.protocol.Json;
import io.vectorsink.store.IndexModelContract;
import io.vectorsink.store.StoredChunk;
import io.vectorsink.store.VectorStore;
import io.vectorsink.store.VectorStoreContract;
import io.vectorsink.testing.FakeRetryTiming;
import io.vectorsink.testing.OpenSearchInspector;
import io.vectorsink.testing.OpenSearchNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The store contract against a real OpenSearch 2.19 node with the k-NN plugin (in-process, lucene engine),
 * and against WireMock answering as OpenSearch documents for faults and limits.
 */
class OpenSearchContractIT implements VectorStoreContract, IndexModelContract {
    static OpenSearchVectorStore store(String url, String index, String metric, String refresh, RetryTiming timing) {
        return store(url, index, metric, refresh, null, timing);
    }

    static OpenSearchVectorStore store(
            String url,
            String index,
            String metric,
            String refresh,
            IndexingConfig.OpenSearchAuth auth,
            RetryTiming timing) {
        return new OpenSearchVectorStore(
                new IndexingConfig.OpenSearch(url, index, metric, refresh, auth),
                AdvancedConfig.defaults(),
                HttpClients.shared(),
                timing,
                RetrySettings.forService("OpenSearch", AdvancedConfig.defaults()));
    }

    @Override
    public VectorStore newStore(String collection, String metric) {
        return store(OpenSearchNode.shared().url(), collection, metric, "wait_for", new FakeRetryTiming().timing());
    }

    @Override
    public List<StoredChunk> readAll(String collection) {
        return new OpenSearchInspector(OpenSearchNode.shared().url()).all(collection);
    }

    @Override
    public boolean collectionExists(String collection) {
        return new OpenSearchInspector(OpenSearchNode.shared().url()).exists(collection);
    }

    @Override
    public VectorStore storeAt(String baseUrl, String collection, RetryTiming timing) {
        return store(baseUrl, collection, "cosine", "wait_for", timing);
    }

    /** {@code GET /{index}} of an index vectorsink created: 3 dimensions, cosinesimil. */
    static String indexDescription(String index, int dimension, String spaceType) {
        return "{\"" + index + "\":{\"aliases\":{},\"mappings\":{\"properties\":{"
                + "\"vector_field\":{\"type\":\"knn_vector\",\"dimension\":" + dimension
                + ",\"method\":{\"engine\":\"lucene\",\"space_type\":\"" + spaceType
                + "\",\"name\":\"hnsw\",\"parameters\":{}}},"
                + "\"text\":{\"type\":\"text\"},"
                + "\"metadata\":{\"properties\":{\"_ab_stream\":{\"type\":\"keyword\"}}}}},"
                + "\"settings\":{\"index\":{\"knn\":\"true\",\"number_of_shards\":\"1\"}}}}";
    }

    static final String ROOT = "{\"name\":\"node-1\",\"cluster_name\":\"c\",\"version\":{\"distribution\":"
            + "\"opensearch\",\"number\":\"2.19.1\"},\"tagline\":\"The OpenSearch Project: https://opensearch.org/\"}";

    @Override
    public void stubHealthyEmptyCollection(WireMockServer server, String collection) {
        server.stubFor(get("/").willReturn(okJson(ROOT)));
        server.stubFor(get("/" + collection).willReturn(okJson(indexDescription(collection, 3, "cosinesimil"))));
        server.stubFor(put("/" + collection + "/_mapping").willReturn(okJson("{\"acknowledged\":true}")));
        server.stubFor(upsertStub(collection).willReturn(aResponse().withTransformers(UPSERT_ANSWERS)));
        server.stubFor(post(urlPathEqualTo("/" + collection + "/_delete_by_query"))
                .willReturn(okJson("{\"took\":1,\"timed_out\":false,\"total\":0,\"deleted\":0,\"batches\":0,"
                        + "\"version_conflicts\":0,\"noops\":0,\"failures\":[]}")));
    }

    @Override
    public MappingBuilder upsertStub(String collection) {
        return post(urlPathEqualTo("/" + collection + "/_bulk"));
    }

    @Override
    public RequestPatternBuilder upsertRequests(String collection) {
        return postRequestedFor(urlPathEqualTo("/" + collection + "/_bulk"));
    }

    @Override
    public int pointsIn(LoggedRequest upsert) {
        return actionIds(upsert.getBodyAsString()).size();
    }

    @Override
    public int maxPointsPerUpsert() {
        return OpenSearchVectorStore.MAX_DOCUMENTS_PER_BULK;
    }

    @Override
    public long maxUpsertBytes() {
        return OpenSearchVectorStore.MAX_BULK_BYTES;
    }

    @Override
    public String successfulUpsertAnswer(String requestBody) {
        return bulkAnswer(actionIds(requestBody), -1);
    }

    @Override
    public Optional<String> unconfirmedUpsertAnswer(String requestBody) {
        // HTTP 200 with "errors": true and one item refused, as OpenSearch answers a mapping conflict.
        return Optional.of(bulkAnswer(actionIds(requestBody), 0));
    }

    /** The ids of the action lines of a bulk body (every other line). */
    static List<String> actionIds(String body) {
        List<String> ids = new ArrayList<>();
        String[] lines = body.split("\n");
        try {
            for (int i = 0; i < lines.length; i += 2) {
                if (!lines[i].isBlank()) {
                    ids.add(Json.MAPPER
                            .readTree(lines[i])
                            .path("index")
                            .path("_id")
                            .asText());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ids;
    }

    /** A bulk answer as OpenSearch documents it; the item at {@code failed} (if >= 0) is refused with 400. */
    static String bulkAnswer(List<String> ids, int failed) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("took", 3);
        answer.put("errors", failed >= 0);
        ArrayNode items = answer.putArray("items");
        for (int i = 0; i < ids.size(); i++) {
            ObjectNode item = items.addObject().putObject("index");
            item.put("_index", "docs");
            item.put("_id", ids.get(i));
            if (i == failed) {
                item.put("status", 400);
                ObjectNode error = item.putObject("error");
                error.put("type", "mapper_parsing_exception");
                error.put(
                        "reason",
                        "failed to parse field [metadata.price] of type [long] in document with id '" + ids.get(i)
                                + "'. Preview of field's value: 'secret content'");
            } else {
                item.put("_version", 1);
                item.put("result", "created");
                item.put("status", 201);
                item.putObject("_shards").put("total", 2).put("successful", 1).put("failed", 0);
            }
        }
        return answer.toString();
    }

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
