package io.vectorsink.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP proxy in front of a real server that forwards every request at once but can hold back
 * the response to upserts: the store has the data, the connector does not know it yet. Proves that no
 * STATE leaves before the store's acknowledgement arrives.
 */
public final class HoldingProxy implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpClient client = HttpClient.newHttpClient();
    private final String target;
    private final CountDownLatch upsertForwarded = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    public HoldingProxy(String target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::forward);
        server.setExecutor(threads);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Waits until an upsert has reached the real server (its response is then being held). */
    public boolean awaitHeldUpsert(long seconds) throws InterruptedException {
        return upsertForwarded.await(seconds, TimeUnit.SECONDS);
    }

    /** Lets every held response (and all later ones) through. */
    public void release() {
        release.countDown();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            if (type != null) {
                request.header("Content-Type", type);
            }
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (exchange.getRequestURI().getPath().endsWith("/upsert")) {
                upsertForwarded.countDown();
                if (!release.await(120, TimeUnit.SECONDS)) {
                    throw new IOException("the test never released the held upsert");
                }
            }
            response.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders()
                    .add("Content-Type", v));
            exchange.sendResponseHeaders(
                    response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
