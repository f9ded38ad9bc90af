package io.vectorsink.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * A real OpenSearch 2.19 node with the k-NN plugin, running inside the test JVM (docs/architecture.md,
 * "Testing approach"), for the integration tests. It listens on a free loopback port and is reached over HTTP
 * only, exactly as the connector reaches a remote cluster.
 *
 * <p>The k-NN plugin comes from its release zip, which the build unpacks into {@code target/opensearch-knn}
 * and puts on the failsafe classpath; the node loads it as a classpath plugin. The zip carries no native
 * libraries, so only the {@code lucene} engine works here: an index created with the default engine
 * (faiss) takes the node down. The connector always names the lucene engine.
 *
 * <p>{@link #shared()} starts one node per test JVM on first use (about 10 s here) and stops it from a
 * shutdown hook; tests isolate themselves with their own index names.
 */
public final class OpenSearchNode implements AutoCloseable {
    /** The k-NN plugin's entry class, on the classpath from the unpacked zip. */
    static final String KNN_PLUGIN = "org.opensearch.knn.plugin.KNNPlugin";

    private static OpenSearchNode shared;

    private final OpenSearchRunner runner;
    private final Path home;
    private final String url;

    private OpenSearchNode(OpenSearchRunner runner, Path home, String url) {
        this.runner = runner;
        this.home = home;
        this.url = url;
    }

    /** The per-JVM node, started on first use. */
    public static synchronized OpenSearchNode shared() {
        if (shared == null) {
            OpenSearchNode node = start();
            Runtime.getRuntime().addShutdownHook(new Thread(node::close, "opensearch-node-stop"));
            shared = node;
        }
        return shared;
    }

    /** Starts a single-node cluster on free loopback ports; the caller closes it. */
    public static OpenSearchNode start() {
        try {
            Class.forName(KNN_PLUGIN);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("The OpenSearch k-NN plugin is not on the classpath: run the"
                    + " integration tests through `mvn verify`, which unpacks its zip into target/opensearch-knn");
        }
        try {
            Path home = Files.createTempDirectory("vectorsink-opensearch-");
            int httpPort = ChromaServer.freePort();
            int transportPort = ChromaServer.freePort();
            OpenSearchRunner runner = new OpenSearchRunner();
            runner.onBuild((number, settings) -> {
                settings.put("http.port", httpPort);
                settings.put("transport.port", transportPort);
                settings.put("network.host", "127.0.0.1");
                settings.put("discovery.type", "single-node");
                // A full build disk must not turn the test index read-only.
                settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
            });
            runner.build(OpenSearchRunner.newConfigs()
                    .basePath(home.toString())
                    .numOfNode(1)
                    .clusterName("vectorsink-it-" + ProcessHandle.current().pid())
                    .pluginTypes(KNN_PLUGIN)
                    .useLogger()
                    .printOnFailure());
            runner.ensureYellow();
            return new OpenSearchNode(runner, home, "http://127.0.0.1:" + httpPort);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the OpenSearch test node", e);
        }
    }

    /** The base URL, e.g. {@code http://127.0.0.1:54321}. */
    public String url() {
        return url;
    }

    @Override
    public void close() {
        try {
            runner.close();
        } catch (IOException e) {
            // the JVM is ending or the test is done; a node that closed badly holds nothing we need
        }
        ChromaServer.deleteRecursively(home);
    }
}
