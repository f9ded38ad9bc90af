package io.vectorsink.store.opensearch;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.store.StoredChunk;
import io.vectorsink.store.VectorStore;
import io.vectorsink.testing.ElasticsearchNode;
import io.vectorsink.testing.FakeRetryTiming;
import io.vectorsink.testing.OpenSearchInspector;
import java.util.List;

/**
 * The store contract against a real Elasticsearch 8.19 node (its own process, security on, reached as its
 * superuser), and against WireMock answering as Elasticsearch for faults and limits: the same store as
 * {@link OpenSearchContractIT}, behind a URL whose root answer names Elasticsearch.
 */
class ElasticsearchContractIT extends OpenSearchContractIT {
    static final IndexingConfig.OpenSearchAuth ADMIN = new IndexingConfig.OpenSearchAuth.Basic(
            ElasticsearchNode.ADMIN.username(), ElasticsearchNode.ADMIN.password());

    @Override
    public VectorStore newStore(String collection, String metric) {
        return store(
                ElasticsearchNode.shared().url(),
                collection,
                metric,
                "wait_for",
                ADMIN,
                new FakeRetryTiming().timing());
    }

    @Override
    OpenSearchInspector inspector() {
        return OpenSearchInspector.elasticsearch();
    }

    @Override
    VectorStore storeWithoutRefresh(String index) {
        return store(ElasticsearchNode.shared().url(), index, "cosine", "false", ADMIN, new FakeRetryTiming().timing());
    }

    @Override
    public List<StoredChunk> readAll(String collection) {
        return OpenSearchInspector.elasticsearch().all(collection);
    }

    @Override
    public boolean collectionExists(String collection) {
        return OpenSearchInspector.elasticsearch().exists(collection);
    }

    @Override
    public void stubHealthyEmptyCollection(WireMockServer server, String collection) {
        super.stubHealthyEmptyCollection(server, collection);
        server.stubFor(get("/").willReturn(okJson(ElasticsearchCompatibilityTest.root("8.19.21"))));
        server.stubFor(get("/" + collection)
                .willReturn(okJson(ElasticsearchCompatibilityTest.indexDescription(collection, 3, "cosine", "hnsw"))));
    }
}
