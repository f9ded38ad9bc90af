package io.vectorsink.store.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.protocol.Json;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.QueryHit;
import io.vectorsink.store.StoredChunk;
import io.vectorsink.store.VectorStoreContract;
import io.vectorsink.testing.ElasticsearchNode;
import io.vectorsink.testing.ElasticsearchNode.Credentials;
import io.vectorsink.testing.FakeRetryTiming;
import io.vectorsink.testing.OpenSearchInspector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the real Elasticsearch 8.19 node does with indexes vectorsink did not make, or with models it
 * cannot index, and what the connector then says: each test here failed before the fix it names.
 */
class ElasticsearchIndexIT {
    private static final StreamId STREAM = VectorStoreContract.STREAM;

    private static ElasticsearchNode node() {
        return ElasticsearchNode.shared();
    }

    private static String freshIndex(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static OpenSearchVectorStore store(String index, String metric, Credentials user, String vectorField) {
        return new OpenSearchVectorStore(
                new IndexingConfig.OpenSearch(
                        node().url(),
                        index,
                        metric,
                        "wait_for",
                        new IndexingConfig.OpenSearchAuth.Basic(user.username(), user.password()),
                        vectorField),
                AdvancedConfig.defaults(),
                HttpClients.shared(),
                new FakeRetryTiming().timing(),
                RetrySettings.forService("OpenSearch", AdvancedConfig.defaults()));
    }

    private static OpenSearchVectorStore store(String index) {
        return store(index, "cosine", ElasticsearchNode.ADMIN, null);
    }

    /** Creates {@code index} as its owner would, with these mappings, through the node's own API. */
    private static void createIndex(String index, String mappings) {
        HttpResponse<String> created = node().admin("PUT", "/" + index, "{\"mappings\": " + mappings + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    }

    private static JsonNode vectorMapping(String index, String field) {
        try {
            JsonNode mapping = Json.MAPPER.readTree(
                    node().admin("GET", "/" + index + "/_mapping", null).body());
            return mapping.path(index).path("mappings").path("properties").path(field);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<StoredChunk> readAll(String index) {
        return OpenSearchInspector.elasticsearch().all(index);
    }

    @Test
    void should_accept_a_dense_vector_without_dims_and_let_the_first_document_set_them() {
        String index = freshIndex("es-nodims");
        createIndex(index, "{\"properties\": {\"vector_field\": {\"type\": \"dense_vector\"}}}");
        OpenSearchVectorStore store = store(index);

        store.check(3);
        store.prepare(3);
        store.upsert(List.of(VectorStoreContract.chunk(STREAM, "r1", 0, 1, "s", 1, 2, 3)));

        assertThat(readAll(index)).hasSize(1);
        assertThat(vectorMapping(index, "vector_field").path("dims").asInt()).isEqualTo(3);
    }

    @Test
    void should_fail_check_naming_element_type_when_the_dense_vector_holds_bytes() {
        String index = freshIndex("es-bytes");
        createIndex(
                index,
                "{\"properties\": {\"vector_field\": {\"type\": \"dense_vector\", \"dims\": 3,"
                        + " \"element_type\": \"byte\", \"similarity\": \"cosine\"}}}");

        assertThatThrownBy(() -> store(index).check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Elasticsearch index '" + index + "'")
                .hasMessageContaining("element_type byte")
                .hasMessageContaining("whole numbers from -128 to 127");
    }

    @Test
    void should_refuse_in_check_and_prepare_a_model_with_more_dimensions_than_elasticsearch_indexes() {
        // The node's own limit, as its mapping enforces it.
        HttpResponse<String> tooWide = node().admin(
                        "PUT",
                        "/" + freshIndex("es-wide-raw"),
                        "{\"mappings\": {\"properties\": {\"v\": {\"type\": \"dense_vector\", \"dims\": 4097}}}}");
        assertThat(tooWide.statusCode()).isEqualTo(400);
        assertThat(tooWide.body()).contains("[1, 4096]");

        String index = freshIndex("es-wide");
        for (Runnable step : List.<Runnable>of(
                () -> store(index).check(4097), () -> store(index).prepare(4097))) {
            assertThatThrownBy(step::run)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("Elasticsearch at " + node().url())
                    .hasMessageContaining("at most 4096 dimensions")
                    .hasMessageContaining("makes 4097");
        }
        store(index).check(4096);
    }

    @Test
    void should_create_hnsw_indexes_whose_distances_are_exact_and_note_quantized_ones_in_check() {
        Random random = new Random(13);
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            float[] vector = new float[64];
            for (int d = 0; d < vector.length; d++) {
                vector[d] = (float) random.nextGaussian();
            }
            vectors.add(vector);
        }
        float[] question = vectors.get(0).clone();
        for (int d = 0; d < question.length; d++) {
            question[d] += (float) random.nextGaussian();
        }

        String exact = freshIndex("es-exact");
        OpenSearchVectorStore created = store(exact);
        created.check(64);
        assertThat(created.checkNotes()).isEmpty();
        created.prepare(64);
        assertThat(vectorMapping(exact, "vector")
                        .path("index_options")
                        .path("type")
                        .asText())
                .isEqualTo("hnsw");
        double exactError = maxError(created, exact, vectors, question);
        assertThat(exactError).isLessThan(1e-6);

        // An index made with Elasticsearch's defaults: int8_hnsw since 8.14.
        String quantized = freshIndex("es-int8");
        createIndex(
                quantized,
                "{\"properties\": {\"vector_field\": {\"type\": \"dense_vector\", \"dims\": 64,"
                        + " \"similarity\": \"cosine\"}}}");
        OpenSearchVectorStore existing = store(quantized);
        existing.check(64);
        assertThat(existing.checkNotes()).singleElement().asString().contains("quantizes", "int8_hnsw", "approximate");
        existing.prepare(64);
        double quantizedError = maxError(existing, quantized, vectors, question);
        System.out.printf(
                "[elasticsearch distances] largest error against exact cosine: hnsw %.1e, int8_hnsw %.1e%n",
                exactError, quantizedError);
        assertThat(quantizedError).isGreaterThan(1e-5);
    }

    /** The largest difference between the distances the store reports and exact cosine distances. */
    private static double maxError(OpenSearchVectorStore store, String index, List<float[]> vectors, float[] question) {
        List<ChunkPoint> points = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            points.add(VectorStoreContract.chunk(STREAM, "r" + i, 0, 1, "s", vectors.get(i)));
        }
        store.upsert(points);
        List<QueryHit> hits = store.query(question, vectors.size(), STREAM);
        assertThat(hits).as(index).hasSize(vectors.size());
        double worst = 0;
        for (QueryHit hit : hits) {
            int i = points.stream().map(ChunkPoint::id).toList().indexOf(hit.id());
            worst = Math.max(worst, Math.abs(hit.distance() - cosineDistance(vectors.get(i), question)));
        }
        return worst;
    }

    private static double cosineDistance(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return 1 - dot / Math.sqrt(na * nb);
    }

    @Test
    void should_say_that_the_user_lacks_the_monitor_privilege_instead_of_blaming_the_credentials() {
        assertThatThrownBy(() -> store(freshIndex("es-nomonitor"), "cosine", ElasticsearchNode.NO_MONITOR, null)
                        .check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(
                        "Elasticsearch at " + node().url() + " refused to answer at its root URL (HTTP 403")
                .hasMessageContaining("cluster:monitor/main")
                .hasMessageContaining("monitor cluster privilege")
                .hasMessageNotContaining("rejected the credentials");

        Credentials wrong = new Credentials(ElasticsearchNode.WRITER.username(), "not-the-password");
        assertThatThrownBy(() ->
                        store(freshIndex("es-wrong"), "cosine", wrong, null).check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Elasticsearch rejected the credentials (HTTP 401)");
    }

    @Test
    void should_write_to_the_vector_field_of_an_index_that_langchains_elasticsearch_store_made() {
        String index = freshIndex("es-langchain");
        // The mapping LangChain's ElasticsearchStore creates: vector, text, metadata.
        createIndex(
                index,
                "{\"properties\": {\"vector\": {\"type\": \"dense_vector\", \"dims\": 3, \"index\": true,"
                        + " \"similarity\": \"cosine\"}, \"text\": {\"type\": \"text\"},"
                        + " \"metadata\": {\"type\": \"object\"}}}");
        OpenSearchVectorStore store = store(index);

        store.check(3);
        store.prepare(3);
        store.upsert(List.of(
                VectorStoreContract.chunk(STREAM, "r1", 0, 1, "s", 1, 0, 0),
                VectorStoreContract.chunk(STREAM, "r2", 0, 1, "s", 0, 1, 0)));

        assertThat(vectorMapping(index, "vector_field").isMissingNode()).isTrue();
        assertThat(store(index).query(new float[] {1, 0.1f, 0}, 2, STREAM))
                .extracting(QueryHit::document)
                .containsExactly("r1 chunk 0", "r2 chunk 0");

        // Named in the config, a new index gets that field.
        String named = freshIndex("es-named");
        OpenSearchVectorStore configured = store(named, "cosine", ElasticsearchNode.ADMIN, "vector");
        configured.prepare(3);
        assertThat(vectorMapping(named, "vector").path("type").asText()).isEqualTo("dense_vector");
    }
}
