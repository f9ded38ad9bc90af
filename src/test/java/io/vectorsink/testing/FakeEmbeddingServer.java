package io.vectorsink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vectorsink.chunking.TokenCounter;
import io.vectorsink.embedding.fake.FakeEmbedder;
import io.vectorsink.embedding.remote.Cl100kTokenCounter;
import io.vectorsink.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated OpenAI-compatible embeddings server on loopback, for contract tests and the benchmark.
 * {@code POST /v1/embeddings} answers OpenAI's format (and {@code POST /v2/embed} Cohere's v2 format) with {@link FakeEmbedder} vectors (the same text
 * always gets the same unit vector), after a fixed latency, and enforces a tokens-per-minute quota the
 * way OpenAI describes its limits: a token bucket that refills continuously at {@code tpm / 60} tokens
 * per second and holds at most {@code burst} of them. A request whose tokens (cl100k_base) exceed what
 * the bucket holds is refused at once with 429, {@code Retry-After} (whole seconds, rounded up, as
 * RFC 9110 requires) and OpenAI's {@code x-ratelimit-*-tokens} headers (the time until the bucket is
 * full again, in milliseconds).
 * Refused requests consume nothing.
 *
 * <p>For the benchmarks of a whole sync, {@link #withLatencyRange} answers after a latency drawn per request
 * from a range (seeded), counts the tokens of every request, and can keep the texts it was sent ({@link
 * #recordInputs}). Thread-safe; {@link #close} stops it.
 */
public final class FakeEmbeddingServer implements AutoCloseable {
    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm and
        // the client's delayed ACK add ~40 ms to every answer, which would be measured as provider latency.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final FakeEmbedder embedder;
    private final Duration latency;
    /** Extra latency drawn per request from 0 to this (exclusive); zero for a fixed latency. */
    private final Duration jitter;

    private final Random jitters;
    private final TokenBucket bucket;
    private final boolean countTokens;
    private final boolean resetHeaders;
    private final TokenCounter counter = Cl100kTokenCounter.instance();

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private final AtomicLong inputsServed = new AtomicLong();
    private final AtomicLong tokensServed = new AtomicLong();
    private final AtomicLong tokensAccepted = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Queue<String> inputs = new ConcurrentLinkedQueue<>();
    private volatile boolean recordInputs;

    private FakeEmbeddingServer(
            int dimensions,
            Duration latency,
            Duration jitter,
            long seed,
            TokenBucket bucket,
            boolean countTokens,
            boolean resetHeaders,
            int threads)
            throws IOException {
        this.embedder = new FakeEmbedder(dimensions);
        this.latency = latency;
        this.jitter = jitter;
        this.jitters = new Random(seed);
        this.bucket = bucket;
        this.countTokens = countTokens || bucket != null;
        this.resetHeaders = resetHeaders;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        this.executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "fake-embedding-server");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/v1/embeddings", this::handle);
        server.createContext("/v2/embed", this::handle);
        server.start();
    }

    /** A server without a quota. */
    public static FakeEmbeddingServer start(int dimensions, Duration latency) throws IOException {
        return new FakeEmbeddingServer(dimensions, latency, Duration.ZERO, 0, null, false, false, 64);
    }

    /**
     * A server without a quota whose latency is drawn per request, uniformly from {@code min} to {@code max}
     * (a seeded sequence), and which counts the cl100k_base tokens of every request ({@link #tokensServed}).
     */
    public static FakeEmbeddingServer withLatencyRange(int dimensions, Duration min, Duration max, long seed)
            throws IOException {
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("latency range " + min + " to " + max + " is empty");
        }
        return new FakeEmbeddingServer(dimensions, min, max.minus(min), seed, null, true, false, 64);
    }

    /**
     * A server with a tokens-per-minute quota.
     *
     * @param burst the most tokens the bucket holds (how far a client may run ahead after an idle spell)
     * @param resetHeaders whether 429s carry OpenAI's {@code x-ratelimit-*-tokens} headers besides
     *     {@code Retry-After}
     */
    public static FakeEmbeddingServer withQuota(
            int dimensions, Duration latency, long tokensPerMinute, long burst, boolean resetHeaders)
            throws IOException {
        return new FakeEmbeddingServer(
                dimensions,
                latency,
                Duration.ZERO,
                0,
                new TokenBucket(tokensPerMinute, burst, System.nanoTime()),
                true,
                resetHeaders,
                64);
    }

    /** The API root for Cohere's v2 API ({@code POST /v2/embed}, Cohere's format), e.g. {@code http://127.0.0.1:40123}. */
    public String cohereBaseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The API root, e.g. {@code http://127.0.0.1:40123/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public long requests() {
        return requests.get();
    }

    public long rateLimited() {
        return rateLimited.get();
    }

    public long inputsServed() {
        return inputsServed.get();
    }

    public long tokensServed() {
        return tokensServed.get();
    }

    /** Tokens of the requests admitted (counted when the quota admits them, before the latency). */
    public long tokensAccepted() {
        return tokensAccepted.get();
    }

    /** From now on, keeps every text it is sent (answered requests only), until {@link #takeInputs}. */
    public void recordInputs() {
        recordInputs = true;
    }

    /** The texts kept since the last call, in the order their requests were answered. */
    public List<String> takeInputs() {
        List<String> taken = new ArrayList<>();
        for (String text = inputs.poll(); text != null; text = inputs.poll()) {
            taken.add(text);
        }
        return taken;
    }

    /** The most requests the server was working on at once. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                send(exchange, 405, "{\"error\": {\"message\": \"use POST\"}}");
                return;
            }
            JsonNode body;
            try (InputStream in = exchange.getRequestBody()) {
                body = Json.MAPPER.readTree(in);
            }
            boolean cohere = exchange.getRequestURI().getPath().equals("/v2/embed");
            JsonNode input = body == null ? null : body.get(cohere ? "texts" : "input");
            if (input == null || !input.isArray() || input.isEmpty()) {
                send(exchange, 400, "{\"error\": {\"message\": \"input must be a non-empty list\"}}");
                return;
            }
            long tokens = 0;
            if (countTokens) {
                // Counted only when asked for: this server shares the benchmark's CPU with the client it
                // measures.
                for (JsonNode text : input) {
                    tokens += counter.count(text.asText());
                }
            }
            if (bucket != null) {
                long[] refused = bucket.take(tokens, System.nanoTime());
                if (refused != null) {
                    rateLimited.incrementAndGet();
                    long waitMillis = (refused[0] + 999_999) / 1_000_000;
                    long resetMillis = (refused[1] + 999_999) / 1_000_000;
                    exchange.getResponseHeaders().add("Retry-After", String.valueOf((waitMillis + 999) / 1000));
                    if (resetHeaders) {
                        exchange.getResponseHeaders().add("x-ratelimit-limit-tokens", String.valueOf(bucket.perMinute));
                        exchange.getResponseHeaders().add("x-ratelimit-remaining-tokens", "0");
                        exchange.getResponseHeaders().add("x-ratelimit-reset-tokens", resetMillis + "ms");
                    }
                    send(
                            exchange,
                            429,
                            "{\"error\": {\"message\": \"Rate limit reached for tokens per min\", \"type\": \"tokens\","
                                    + " \"code\": \"rate_limit_exceeded\"}}");
                    return;
                }
            }
            tokensAccepted.addAndGet(tokens);
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            boolean counted = true;
            try {
                Duration wait = latency.plusNanos(jitter());
                if (!wait.isZero()) {
                    Thread.sleep(wait.toMillis(), wait.toNanosPart() % 1_000_000);
                }
                List<String> texts = new ArrayList<>(input.size());
                input.forEach(text -> texts.add(text.asText()));
                if (recordInputs) {
                    inputs.addAll(texts);
                }
                List<float[]> vectors = embedder.embed(texts);
                ObjectNode answer = cohere ? cohereAnswer(vectors) : Json.MAPPER.createObjectNode();
                answer.put("object", "list");
                ArrayNode data = answer.putArray("data");
                for (int i = 0; i < (cohere ? 0 : vectors.size()); i++) {
                    ObjectNode item = data.addObject();
                    item.put("object", "embedding");
                    item.put("index", i);
                    ArrayNode values = item.putArray("embedding");
                    for (float v : vectors.get(i)) {
                        values.add(v);
                    }
                }
                answer.put("model", body.path("model").asText("fake"));
                answer.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
                inputsServed.addAndGet(texts.size());
                tokensServed.addAndGet(tokens);
                // No longer in flight once the answer is ready: the client may start its next request as
                // soon as it has read this one, before this thread has finished closing the exchange.
                inFlight.decrementAndGet();
                counted = false;
                send(exchange, 200, Json.MAPPER.writeValueAsString(answer));
            } finally {
                if (counted) {
                    inFlight.decrementAndGet();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long jitter() {
        if (jitter.isZero()) {
            return 0;
        }
        synchronized (jitters) {
            return (long) (jitters.nextDouble() * jitter.toNanos());
        }
    }

    /** Cohere's v2 answer: {@code {"embeddings": {"float": [[...], ...]}}}, in input order. */
    private static ObjectNode cohereAnswer(List<float[]> vectors) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        ArrayNode floats = answer.putObject("embeddings").putArray("float");
        for (float[] vector : vectors) {
            ArrayNode values = floats.addArray();
            for (float v : vector) {
                values.add(v);
            }
        }
        return answer;
    }

    private static void send(HttpExchange exchange, int code, String json) throws IOException {
        byte[] bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Tokens per minute, refilled continuously, at most {@code burst} held. */
    private static final class TokenBucket {
        final long perMinute;
        final double perNano;
        final double burst;
        double available;
        long last;

        TokenBucket(long perMinute, long burst, long now) {
            if (perMinute < 1 || burst < 1) {
                throw new IllegalArgumentException(
                        String.format(Locale.ROOT, "quota %d/min, burst %d must be positive", perMinute, burst));
            }
            this.perMinute = perMinute;
            this.perNano = perMinute / 60e9;
            this.burst = burst;
            this.available = burst;
            this.last = now;
        }

        /**
         * Takes {@code tokens} and returns null, or takes nothing and returns the nanoseconds until they
         * are there and until the bucket is full again (OpenAI's "reset").
         */
        synchronized long[] take(long tokens, long now) {
            available = Math.min(burst, available + (now - last) * perNano);
            last = now;
            if (tokens <= available) {
                available -= tokens;
                return null;
            }
            return new long[] {
                (long) Math.ceil((Math.min(tokens, burst) - available) / perNano),
                (long) Math.ceil((burst - available) / perNano)
            };
        }
    }
}
