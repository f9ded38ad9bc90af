package io.vectorsink.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A benchmark sink, not a test double: a loopback HTTP server that answers the Chroma v2 endpoints the
 * connector's {@code write} calls, as fast as it can, and keeps nothing. It lets the memory benchmark push a
 * million records through the jar, which a real Chroma on this machine could not take in reasonable time.
 * Every {@code get} of existing ids answers "none", so every chunk looks new.
 */
final class ChromaSink implements AutoCloseable {
    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm and the
        // client's delayed ACK add ~40 ms to every answer, and the sink, not the connector, sets the pace.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final String COLLECTION = "{\"id\":\"00000000-0000-4000-8000-000000000001\",\"name\":\"sink\","
            + "\"configuration_json\":{\"hnsw\":{\"space\":\"cosine\"}},\"dimension\":null,\"metadata\":null}";

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final AtomicLong upsertBytes = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong upsertedIds = new AtomicLong();

    ChromaSink() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    long requests() {
        return requests.get();
    }

    /** Ids received in upserts (counted by their "-" separators: chunk ids are UUIDs, 4 dashes each). */
    long upsertedIds() {
        return upsertedIds.get();
    }

    long upsertBytes() {
        return upsertBytes.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String path = exchange.getRequestURI().getPath();
        long read;
        try (InputStream in = exchange.getRequestBody()) {
            if (path.endsWith("/upsert")) {
                // The ids come first in the connector's body: count them in the "ids" array only.
                byte[] body = in.readAllBytes();
                read = body.length;
                upsertedIds.addAndGet(countIds(body));
            } else {
                read = in.transferTo(OutputStream.nullOutputStream());
            }
        }
        String answer;
        if (path.endsWith("/upsert")) {
            upsertBytes.addAndGet(read);
            answer = "{}";
        } else if (path.endsWith("/get")) {
            answer = "{\"ids\":[],\"metadatas\":[],\"documents\":[],\"embeddings\":null}";
        } else if (path.endsWith("/delete")) {
            answer = "{}";
        } else if (path.endsWith("/pre-flight-checks")) {
            answer = "{\"max_batch_size\":5461}";
        } else if (path.endsWith("/collections") || path.contains("/collections/")) {
            answer = COLLECTION;
        } else if (path.endsWith("/heartbeat")) {
            answer = "{\"nanosecond heartbeat\":1}";
        } else {
            answer = "{\"name\":\"default\",\"id\":\"00000000-0000-4000-8000-000000000002\",\"tenant\":\"default\"}";
        }
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The number of strings in the body's first array, which is "ids" in the connector's upsert. */
    private static long countIds(byte[] body) {
        long quotes = 0;
        int i = 0;
        while (i < body.length && body[i] != '[') {
            i++;
        }
        for (; i < body.length && body[i] != ']'; i++) {
            if (body[i] == '"') {
                quotes++;
            }
        }
        return quotes / 2;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
