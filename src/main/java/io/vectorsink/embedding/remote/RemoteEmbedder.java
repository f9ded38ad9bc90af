package io.vectorsink.embedding.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.chunking.TokenCounter;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.embedding.EmbeddingModel;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.ConnectorException;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.AdaptiveHttpService;
import io.vectorsink.http.AdaptiveLimiter;
import io.vectorsink.http.HttpErrors;
import io.vectorsink.http.HttpStatus;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.protocol.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * An {@link Embedder} backed by a hosted embeddings API ({@link EmbeddingApi}). One {@link #embed} call
 * may carry more texts than one request takes: the texts are packed into requests within the provider's
 * limits (inputs per request, tokens per request), the requests run concurrently through the provider's
 * {@link AdaptiveLimiter}, and the vectors are put back in input order. Every answer is validated: one
 * vector per input, each of the configured length and made of finite numbers.
 *
 * <p>An empty text is sent as a single space: OpenAI refuses empty strings, and an empty chunk has no
 * meaning to preserve. Thread-safe; {@link #close} stops the helper threads.
 */
public final class RemoteEmbedder implements Embedder {
    /** A request to {@code check} answers a person who waits: a few attempts within seconds. */
    private static final int CHECK_ATTEMPTS = 3;

    private static final Duration CHECK_MAX_DURATION = Duration.ofSeconds(20);
    private static final String CHECK_TEXT = "vectorsink connection check";
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final EmbeddingApi api;
    private final AdaptiveHttpService http;
    private final AdaptiveHttpService checkHttp;
    private final ThreadPoolExecutor pool;

    /** Sends through {@code http}, whose limiter bounds the requests in flight across all callers. */
    public RemoteEmbedder(EmbeddingApi api, AdaptiveHttpService http) {
        this.api = Objects.requireNonNull(api, "api");
        this.http = Objects.requireNonNull(http, "http").withFinalAnswers(api::isFinal);
        RetrySettings retry = http.settings();
        this.checkHttp = this.http.withSettings(retry.withMaxAttempts(Math.min(CHECK_ATTEMPTS, retry.maxAttempts()))
                .withMaxDuration(min(retry.maxDuration(), CHECK_MAX_DURATION)));
        int threads = http.limiter().ceiling();
        this.pool = new ThreadPoolExecutor(
                threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemonThreads(api.service()));
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * An embedder on {@code client} with the retry bound and concurrency of {@code advanced}: at most
     * {@code embedding_concurrency} batches in flight, each split into as many requests as a batch of
     * {@code batch_size} needs (at most 64 requests in all).
     */
    public static RemoteEmbedder create(
            EmbeddingApi api, AdvancedConfig advanced, OkHttpClient client, RetryTiming timing) {
        int requestsPerBatch = ceilDiv(advanced.batchSize(), api.limits().maxInputsPerRequest());
        int ceiling = Math.min(64, advanced.embeddingConcurrency() * Math.max(1, requestsPerBatch));
        AdaptiveLimiter limiter = AdaptiveLimiter.startingAt(ceiling, timing);
        RetrySettings retry = RetrySettings.forService(api.service(), advanced);
        // OkHttp keeps 5 idle connections by default; after a rate-limit pause, every connection beyond
        // them would be closed and its TLS handshake paid again. Keep one per request that may be in flight.
        OkHttpClient pooled = client.newBuilder()
                .connectionPool(new ConnectionPool(Math.max(5, ceiling), 5, TimeUnit.MINUTES))
                .build();
        return new RemoteEmbedder(api, new AdaptiveHttpService(pooled, retry, timing, limiter));
    }

    @Override
    public int dimensions() {
        return api.dimensions();
    }

    @Override
    public EmbeddingModel embeddingModel() {
        return api.embeddingModel();
    }

    @Override
    public int maxInputTokens() {
        return api.limits().maxInputTokens();
    }

    @Override
    public TokenCounter tokenCounter() {
        return api.tokenCounter();
    }

    @Override
    public int maxBatchSize() {
        return api.limits().maxInputsPerRequest();
    }

    @Override
    public String description() {
        return api.description() + " (" + api.dimensions() + " dims)";
    }

    /** The limiter shared by every request of this embedder (for logs and benchmarks). */
    public AdaptiveLimiter limiter() {
        return http.limiter();
    }

    /**
     * One minimal embedding call with a short retry bound: proves the endpoint, the key, the model and
     * the vector length.
     *
     * @throws ConfigException when the key is rejected, the model or deployment is unknown, or the
     *     vectors are not of the configured length
     * @throws TransientException when the provider cannot be reached within a few attempts
     */
    @Override
    public void check() {
        send(checkHttp, List.of(CHECK_TEXT));
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<List<String>> requests = split(texts);
        if (requests.size() == 1) {
            return send(http, requests.get(0));
        }
        List<Future<List<float[]>>> futures = new ArrayList<>(requests.size() - 1);
        try {
            for (List<String> request : requests.subList(1, requests.size())) {
                futures.add(pool.submit(() -> send(http, request)));
            }
            List<float[]> vectors = new ArrayList<>(texts.size());
            // The caller's thread sends the first request itself instead of idling.
            vectors.addAll(send(http, requests.get(0)));
            for (Future<List<float[]>> future : futures) {
                vectors.addAll(future.get());
            }
            return vectors;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SystemException("Interrupted while waiting for " + api.service() + " embeddings", e);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (CancellationException e) {
            throw new SystemException(api.service() + " embedding requests were cancelled", e);
        } finally {
            // On success every future is done and this does nothing; on failure it stops the others.
            futures.forEach(future -> future.cancel(true));
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /**
     * Packs texts, in order, into requests within the limits; refuses a text no request can carry. The
     * texts are spread evenly over the fewest requests the inputs-per-request limit allows (128 texts for
     * Cohere's 96 go as 64 and 64, not 96 and 32), so the requests of one call take about as long as each
     * other and the call waits for no straggler.
     *
     * <p>Counting tokens costs more CPU than anything else the client does per text, and is mostly not
     * needed: cl100k_base is a byte-level BPE, so a text never has more tokens than UTF-8 bytes. A text
     * (or a request) whose byte count is within the limit is within it in tokens too; only when the byte
     * bound is not enough are the tokens counted.
     */
    List<List<String>> split(List<String> texts) {
        RequestLimits limits = api.limits();
        TokenCounter counter = api.tokenCounter();
        boolean byteBounded = counter instanceof Cl100kTokenCounter;
        List<List<String>> requests = new ArrayList<>();
        Packing current = new Packing();
        int requestsNeeded = ceilDiv(texts.size(), limits.maxInputsPerRequest());
        for (int i = 0; i < texts.size(); i++) {
            String text = Objects.requireNonNull(texts.get(i), "text");
            String sent = text.isEmpty() ? " " : text;
            int bytes = byteBounded ? utf8Length(sent) : Integer.MAX_VALUE;
            boolean exact = bytes > limits.maxTokensPerInput();
            int cost = exact ? counter.count(sent) : bytes;
            if (cost > limits.maxTokensPerInput()) {
                throw new ConfigException(
                        "a chunk of " + cost + " tokens is longer than the " + limits.maxTokensPerInput() + " tokens "
                                + api.description() + " takes in one input; lower processing.chunk_size");
            }
            int evenShare =
                    ceilDiv(texts.size() - i + current.texts.size(), Math.max(1, requestsNeeded - requests.size()));
            if (!current.texts.isEmpty() && current.texts.size() >= Math.min(limits.maxInputsPerRequest(), evenShare)) {
                requests.add(current.texts);
                current = new Packing();
            }
            if (!current.texts.isEmpty() && current.tokens + cost > limits.maxTokensPerRequest()) {
                // The bounds say it may not fit: count exactly before starting a new request.
                current.countExactly(counter);
                if (!exact) {
                    cost = counter.count(sent);
                    exact = true;
                }
                if (current.tokens + cost > limits.maxTokensPerRequest()) {
                    requests.add(current.texts);
                    current = new Packing();
                }
            }
            current.add(sent, cost, exact);
        }
        requests.add(current.texts);
        return requests;
    }

    /** The texts of one request being packed, with their token counts or byte bounds. */
    private static final class Packing {
        final List<String> texts = new ArrayList<>();
        final List<Integer> costs = new ArrayList<>();
        final List<Boolean> exact = new ArrayList<>();
        long tokens;

        void add(String text, int cost, boolean isExact) {
            texts.add(text);
            costs.add(cost);
            exact.add(isExact);
            tokens += cost;
        }

        void countExactly(TokenCounter counter) {
            for (int i = 0; i < texts.size(); i++) {
                if (!exact.get(i)) {
                    int count = counter.count(texts.get(i));
                    tokens += count - costs.get(i);
                    costs.set(i, count);
                    exact.set(i, true);
                }
            }
        }
    }

    /** The UTF-8 length of {@code text} without encoding it. */
    static int utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    private List<float[]> send(AdaptiveHttpService service, List<String> texts) {
        JsonNode body;
        try (Response response = service.execute(api.request(texts))) {
            if (!response.isSuccessful()) {
                throw api.rejected(HttpStatus.of(response));
            }
            ResponseBody content = response.body();
            byte[] bytes = content == null ? new byte[0] : content.bytes();
            try {
                // Numbers as doubles, not BigDecimals: an answer is thousands of vector components.
                body = Json.ANSWERS.readTree(bytes);
            } catch (IOException e) {
                if (HttpErrors.isWebPage(content.contentType(), bytes)) {
                    HttpUrl url = response.request().url();
                    throw new ConfigException(
                            api.service() + " answered " + response.request().method() + " "
                                    + url.scheme() + "://" + url.host() + ":" + url.port() + url.encodedPath()
                                    + " with a web page (HTML), not the JSON of an embeddings API: check the URL and its"
                                    + " port, or a proxy in between");
                }
                throw new SystemException(api.service() + " sent an answer that is not JSON", e);
            }
        } catch (IOException e) {
            // The status line arrived but the body broke off; another attempt may well succeed.
            throw new TransientException(
                    api.service() + "'s answer broke off while it was read: " + HttpErrors.describe(e), e);
        }
        if (body == null || !body.isObject()) {
            throw new SystemException(api.service() + " sent an answer that is not a JSON object");
        }
        return validated(api.vectors(body, texts.size()), texts.size());
    }

    private List<float[]> validated(List<float[]> vectors, int inputs) {
        if (vectors.size() != inputs) {
            throw new SystemException(api.service() + " returned " + vectors.size() + " embeddings for " + inputs
                    + " inputs; every input must get exactly one");
        }
        for (float[] vector : vectors) {
            if (vector.length != api.dimensions()) {
                throw new ConfigException(api.service() + " returned vectors of " + vector.length
                        + " dimensions, but the config expects " + api.dimensions() + " (" + api.dimensionsOrigin()
                        + ")");
            }
            for (float component : vector) {
                if (!Float.isFinite(component)) {
                    throw new SystemException(
                            api.service() + " returned a vector with a value that is not a finite" + " number");
                }
            }
        }
        return vectors;
    }

    private ConnectorException unwrap(Throwable cause) {
        if (cause instanceof ConnectorException connector) {
            return connector;
        }
        return new SystemException(
                api.service() + " embedding request failed unexpectedly: "
                        + cause.getClass().getSimpleName(),
                cause);
    }

    private static ThreadFactory daemonThreads(String service) {
        int pool = POOLS.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "vectorsink-embed-" + pool + "-" + count.incrementAndGet());
            // Daemon: an abandoned embedder must not keep the process alive (docs/architecture.md, invariant 7).
            thread.setDaemon(true);
            thread.setName(thread.getName() + "-" + service.replaceAll("[^A-Za-z0-9]", ""));
            return thread;
        };
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
