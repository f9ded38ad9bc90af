package io.vectorsink.store.chroma;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.protocol.Json;
import io.vectorsink.store.IndexModelContract;
import io.vectorsink.store.LookupContract;
import io.vectorsink.store.StoredChunk;
import io.vectorsink.store.TypedValuesContract;
import io.vectorsink.store.VectorStore;
import io.vectorsink.store.VectorStoreContract;
import io.vectorsink.testing.ChromaInspector;
import io.vectorsink.testing.ChromaServer;
import io.vectorsink.testing.FakeRetryTiming;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The store contract against a real Chroma 1.0 server, and against WireMock for faults and limits. */
class ChromaContractIT implements LookupContract, IndexModelContract, TypedValuesContract {
    /** Chroma 1.0 refuses a list as a metadata value (HTTP 400): lists are written as their JSON text. */
    @Override
    public boolean holdsStringLists() {
        return false;
    }

    private static final String COLLECTIONS = "/api/v2/tenants/default_tenant/databases/default_database/collections";
    private static final String ID = "6f1c1a3e-0000-4000-8000-000000000001";
    private static final int MAX_BATCH_SIZE = 100;

    private static ChromaVectorStore store(String url, String collection, String metric, RetryTiming timing) {
        return new ChromaVectorStore(
                new IndexingConfig.Chroma(url, null, null, collection, metric, null),
                AdvancedConfig.defaults(),
                HttpClients.shared(),
                timing,
                RetrySettings.forService("Chroma", AdvancedConfig.defaults()));
    }

    @Override
    public VectorStore newStore(String collection, String metric) {
        return store(ChromaServer.shared().url(), collection, metric, new FakeRetryTiming().timing());
    }

    @Override
    public List<StoredChunk> readAll(String collection) {
        return new ChromaInspector(ChromaServer.shared().url())
                .all(collection).stream()
                        .map(p -> new StoredChunk(
                                p.id(), p.document(), StoredChunk.metadata(Json.MAPPER.valueToTree(p.metadata()))))
                        .toList();
    }

    @Override
    public boolean collectionExists(String collection) {
        return new ChromaInspector(ChromaServer.shared().url()).exists(collection);
    }

    @Override
    public VectorStore storeAt(String baseUrl, String collection, RetryTiming timing) {
        return store(baseUrl, collection, "cosine", timing);
    }

    @Override
    public void stubHealthyEmptyCollection(WireMockServer server, String collection) {
        String info = "{\"id\":\"" + ID + "\",\"name\":\"" + collection
                + "\",\"dimension\":3,\"configuration_json\":{\"hnsw\":{\"space\":\"cosine\"}}}";
        server.stubFor(get("/api/v2/heartbeat").willReturn(okJson("{\"nanosecond heartbeat\":1}")));
        server.stubFor(get("/api/v2/tenants/default_tenant").willReturn(okJson("{\"name\":\"default_tenant\"}")));
        server.stubFor(get("/api/v2/tenants/default_tenant/databases/default_database")
                .willReturn(okJson("{\"name\":\"default_database\"}")));
        server.stubFor(get(COLLECTIONS + "/" + collection).willReturn(okJson(info)));
        server.stubFor(post(COLLECTIONS).willReturn(okJson(info)));
        server.stubFor(
                get("/api/v2/pre-flight-checks").willReturn(okJson("{\"max_batch_size\":" + MAX_BATCH_SIZE + "}")));
        server.stubFor(post(COLLECTIONS + "/" + ID + "/get").willReturn(okJson("{\"ids\":[],\"metadatas\":[]}")));
        server.stubFor(upsertStub(collection).willReturn(aResponse().withTransformers(UPSERT_ANSWERS)));
        server.stubFor(post(COLLECTIONS + "/" + ID + "/delete").willReturn(okJson("{}")));
    }

    @Override
    public MappingBuilder upsertStub(String collection) {
        return post(urlEqualTo(COLLECTIONS + "/" + ID + "/upsert"));
    }

    @Override
    public RequestPatternBuilder upsertRequests(String collection) {
        return postRequestedFor(urlEqualTo(COLLECTIONS + "/" + ID + "/upsert"));
    }

    @Override
    public int pointsIn(LoggedRequest upsert) {
        try {
            return Json.MAPPER.readTree(upsert.getBody()).path("ids").size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public int maxPointsPerUpsert() {
        return MAX_BATCH_SIZE; // what the stubbed pre-flight check publishes
    }

    @Override
    public long maxUpsertBytes() {
        return ChromaVectorStore.MAX_REQUEST_BYTES;
    }

    @Override
    public String successfulUpsertAnswer(String requestBody) {
        return "{}";
    }

    @Override
    public Optional<String> unconfirmedUpsertAnswer(String requestBody) {
        return Optional.empty(); // Chroma acknowledges a whole upsert with 200, or refuses it
    }
    /**
     * A collection LangChain's Python store made ({@code collection_metadata={"hnsw:space": "cosine"}}): the
     * model is recorded by a modify that sends the collection's metadata again, {@code hnsw:space} included.
     * Chroma's Python client refuses {@code hnsw:space} in a modify; the server (measured: npm Chroma 1.0.0)
     * takes it, and replaces the whole metadata with what the modify sends, so leaving the key out would
     * drop it, and LangChain would score the cosine distances as l2 again. The metric itself is the
     * collection's configuration, which a modify of the metadata leaves alone.
     */
    @Test
    void should_record_the_model_in_a_langchain_collection_keeping_its_metric_and_metadata() {
        String collection = newCollection();
        ChromaInspector chroma = new ChromaInspector(ChromaServer.shared().url());
        chroma.createWithMetadata(collection, "{\"hnsw:space\":\"cosine\",\"source\":\"langchain\"}");

        VectorStore store = storeOf(collection, MINI_LM, false);
        store.check(3);
        store.prepare(3);
        store.upsert(VectorStoreContract.record("r1", 1, "v1"));

        JsonNode described = chroma.describe(collection);
        assertThat(described.path("metadata").path("hnsw:space").asText()).isEqualTo("cosine");
        assertThat(described.path("metadata").path("source").asText()).isEqualTo("langchain");
        assertThat(described
                        .path("configuration_json")
                        .path("hnsw")
                        .path("space")
                        .asText())
                .isEqualTo("cosine");
        assertThatThrownBy(() -> storeOf(collection, BGE_SMALL, false).check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("all-MiniLM-L6-v2");
        assertThat(store.query(new float[] {1, 0, 0}, 1, null)).hasSize(1);
    }
}
