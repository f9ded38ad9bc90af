package io.vectorsink.process;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.protocol.Json;
import io.vectorsink.store.StoredChunk;
import io.vectorsink.testing.ChromaInspector;
import io.vectorsink.testing.ChromaServer;
import io.vectorsink.testing.ElasticsearchNode;
import io.vectorsink.testing.OpenSearchInspector;
import io.vectorsink.testing.OpenSearchNode;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A real store that the reliability runs (crash and resume, fault injection) write to: how the config
 * names it, and how to read back everything it holds, independently of the connector's own client. The
 * server starts on first use, so listing the stores of a parameterized test starts nothing.
 */
interface StoreUnderTest {
    /** The store's name, in test names and reports. */
    String name();

    /** The base URL of the real server. */
    String url();

    /** A collection or index name that no other test uses. */
    String freshTarget(String prefix);

    /**
     * The config's {@code "indexing"} object for {@code target} on the server at {@code url}: the real
     * server's {@link #url()}, or a proxy in front of it.
     */
    String indexing(String url, String target);

    /** Every chunk {@code target} holds, all of it visible; empty when the target does not exist. */
    List<StoredChunk> all(String target);

    /** {@link #all} as the {@link Workload}'s chunks, for comparison with the expectation. */
    default List<Workload.Chunk> chunks(String target) {
        return all(target).stream().map(Workload.Chunk::of).toList();
    }

    /** The shared Chroma server (one per test JVM). */
    static StoreUnderTest chroma() {
        return new Chroma();
    }

    /** The shared in-process OpenSearch node with k-NN (one per test JVM), refresh policy {@code wait_for}. */
    static StoreUnderTest openSearch() {
        return new OpenSearch();
    }

    /**
     * The shared Elasticsearch 8.19 node (one per test JVM, its own process), refresh policy
     * {@code wait_for}, reached as its superuser through the node's {@code _delete_by_query} proxy.
     */
    static StoreUnderTest elasticsearch() {
        return OpenSearch.elasticsearch();
    }

    /** Chroma over REST API v2. */
    final class Chroma implements StoreUnderTest {
        @Override
        public String name() {
            return "Chroma";
        }

        @Override
        public String url() {
            return ChromaServer.shared().url();
        }

        @Override
        public String freshTarget(String prefix) {
            return ProcessTestSupport.freshCollection(prefix);
        }

        @Override
        public String indexing(String url, String target) {
            return """
                    {"mode": "chroma", "host": "%s", "collection": "%s"}"""
                    .formatted(url, target);
        }

        @Override
        public List<StoredChunk> all(String target) {
            return new ChromaInspector(url())
                    .all(target).stream()
                            .map(point -> {
                                ObjectNode metadata = Json.MAPPER.createObjectNode();
                                metadata.setAll(point.metadata());
                                return new StoredChunk(point.id(), point.document(), StoredChunk.metadata(metadata));
                            })
                            .toList();
        }

        @Override
        public String toString() {
            return name();
        }
    }

    /**
     * OpenSearch 2.19 with k-NN, or Elasticsearch 8.19: the same connector mode. Reading back refreshes the
     * index first, so documents that a killed attempt had indexed but not yet made searchable count too:
     * they are in the index.
     */
    final class OpenSearch implements StoreUnderTest {
        private final String name;
        private final Supplier<String> url;
        private final String auth;
        private final Supplier<OpenSearchInspector> inspector;

        OpenSearch() {
            this(
                    "OpenSearch",
                    () -> OpenSearchNode.shared().url(),
                    null,
                    () -> new OpenSearchInspector(OpenSearchNode.shared().url()));
        }

        private OpenSearch(String name, Supplier<String> url, String auth, Supplier<OpenSearchInspector> inspector) {
            this.name = name;
            this.url = url;
            this.auth = auth;
            this.inspector = inspector;
        }

        /** Elasticsearch, reached as its superuser through the node's {@code _delete_by_query} proxy. */
        static OpenSearch elasticsearch() {
            return new OpenSearch(
                    "Elasticsearch",
                    () -> ElasticsearchNode.shared().url(),
                    ElasticsearchNode.ADMIN.configAuth(),
                    OpenSearchInspector::elasticsearch);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String url() {
            return url.get();
        }

        @Override
        public String freshTarget(String prefix) {
            // Index names are lower case.
            return ProcessTestSupport.freshCollection(prefix).toLowerCase(Locale.ROOT);
        }

        @Override
        public String indexing(String url, String target) {
            return """
                    {"mode": "opensearch", "url": "%s", "index": "%s"%s}"""
                    .formatted(url, target, auth == null ? "" : ", \"auth\": " + auth);
        }

        @Override
        public List<StoredChunk> all(String target) {
            return inspector.get().all(target);
        }

        @Override
        public String toString() {
            return name();
        }
    }
}
