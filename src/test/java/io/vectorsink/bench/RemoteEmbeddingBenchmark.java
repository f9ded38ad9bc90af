package io.vectorsink.bench;

import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.EmbeddingConfig;
import io.vectorsink.embedding.openai.OpenAiApi;
import io.vectorsink.embedding.remote.Cl100kTokenCounter;
import io.vectorsink.embedding.remote.RemoteEmbedder;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.testing.FakeEmbeddingServer;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives a {@link RemoteEmbedder} (OpenAI-compatible mode, built as the factory builds it) against the
 * simulated provider {@link FakeEmbeddingServer} on loopback, and prints what it achieves. Not a test.
 *
 * <pre>
 * mvn -q -o test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.vectorsink.bench.RemoteEmbeddingBenchmark \
 *     -Dexec.args="mode=latency latency_ms=200 concurrency=8 inputs=32 seconds=20 style=pipeline"
 * mvn ... -Dexec.args="mode=quota tpm=600000 latency_ms=200 concurrency=8 inputs=32 seconds=60"
 * </pre>
 *
 * <ul>
 *   <li>{@code mode=latency}: no quota. Throughput in inputs/s against the latency-hiding limit
 *       {@code concurrency x inputs / latency}. {@code style=pipeline}: {@code concurrency} threads each
 *       embed batches of {@code inputs} texts, as the pipeline calls the embedder; {@code style=split}:
 *       one thread embeds {@code concurrency x inputs} texts per call and the embedder splits the call
 *       into concurrent requests.
 *   <li>{@code mode=quota}: the server enforces {@code tpm} tokens per minute (a bucket refilled
 *       continuously, holding one second of tokens) with 429 + Retry-After. Tokens per minute accepted
 *       by the server, as a fraction of the quota; the callers ask for far more than the quota.
 *       {@code headers=openai} (default) adds OpenAI's {@code x-ratelimit-*-tokens} headers to each 429,
 *       {@code headers=retry_after} sends {@code Retry-After} (whole seconds) alone.
 * </ul>
 *
 * Both measure over the run after a warm-up ({@code warmup_s}, default 5), count failed embed calls,
 * and print the parameters. Texts are ~50 cl100k tokens of English-like words, all different.
 */
public final class RemoteEmbeddingBenchmark {
    private RemoteEmbeddingBenchmark() {}

    public static void main(String[] args) throws Exception {
        // One line per limit cut is useful in a sync, noise here; the server counts the 429s.
        System.setProperty("org.slf4j.simpleLogger.log.io.vectorsink.http.HttpService", "warn");
        Map<String, String> options = parse(args);
        String mode = options.getOrDefault("mode", "latency");
        int latencyMs = Integer.parseInt(options.getOrDefault("latency_ms", "200"));
        int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "8"));
        int inputs = Integer.parseInt(options.getOrDefault("inputs", "32"));
        int seconds = Integer.parseInt(options.getOrDefault("seconds", "20"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup_s", "5"));
        int dimensions = Integer.parseInt(options.getOrDefault("dimensions", "64"));
        String style = options.getOrDefault("style", "pipeline");
        long tpm = Long.parseLong(options.getOrDefault("tpm", "600000"));
        boolean resetHeaders = !options.getOrDefault("headers", "openai").equals("retry_after");

        Duration latency = Duration.ofMillis(latencyMs);
        try (FakeEmbeddingServer server = mode.equals("quota")
                ? FakeEmbeddingServer.withQuota(dimensions, latency, tpm, Math.max(1, tpm / 60), resetHeaders)
                : FakeEmbeddingServer.start(dimensions, latency)) {
            Run run = drive(server, style, concurrency, inputs, dimensions, seconds, warmup);
            System.out.println(String.format(
                    Locale.ROOT,
                    "mode=%s style=%s latency=%d ms concurrency=%d inputs/request=%d dims=%d measured=%.1f s"
                            + " (after %d s warm-up)",
                    mode,
                    style,
                    latencyMs,
                    concurrency,
                    inputs,
                    dimensions,
                    run.seconds,
                    warmup));
            double rate = run.inputs / run.seconds;
            if (mode.equals("quota")) {
                double tokensPerMinute = run.serverTokens / run.seconds * 60;
                System.out.println(String.format(
                        Locale.ROOT,
                        "quota: %d tokens/min (429 headers: %s); achieved %.0f tokens/min = %.1f%% of the quota; %.0f inputs/s;"
                                + " 429s: %d of %d requests; failed embed calls: %d; final limit: %d",
                        tpm,
                        resetHeaders ? "Retry-After + x-ratelimit-*-tokens" : "Retry-After only",
                        tokensPerMinute,
                        100 * tokensPerMinute / tpm,
                        rate,
                        server.rateLimited(),
                        server.requests(),
                        run.failures,
                        run.finalLimit));
            } else {
                double limit = concurrency * inputs * 1000.0 / latencyMs;
                System.out.println(String.format(
                        Locale.ROOT,
                        "throughput: %.0f inputs/s of a latency-hiding limit of %.0f (= %d x %d / %.3f s) ="
                                + " %.1f%%; failed embed calls: %d; server max in flight: %d; CPU %.0f%% of one core",
                        rate,
                        limit,
                        concurrency,
                        inputs,
                        latencyMs / 1000.0,
                        100 * rate / limit,
                        run.failures,
                        server.maxInFlight(),
                        run.cpuShare * 100));
            }
        }
    }

    private static Run drive(
            FakeEmbeddingServer server,
            String style,
            int concurrency,
            int inputs,
            int dimensions,
            int seconds,
            int warmup)
            throws InterruptedException {
        boolean split = style.equals("split");
        int threads = split ? 1 : concurrency;
        int perCall = split ? concurrency * inputs : inputs;
        // The factory's sizing: embedding_concurrency batches of batch_size in flight, each split into
        // requests of at most `inputs` texts.
        AdvancedConfig advanced = new AdvancedConfig(
                perCall, threads, 2, Duration.ofSeconds(60), Math.max(4096, perCall), Duration.ofMinutes(5), false);
        EmbeddingConfig.OpenAiCompatible config =
                new EmbeddingConfig.OpenAiCompatible(server.baseUrl(), "", "fake-embed", dimensions, 512);
        AtomicLong embedded = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long deadline = System.nanoTime() + Duration.ofSeconds(warmup + seconds).toNanos();
        Cl100kTokenCounter.instance().count("warm the tokenizer");
        try (RemoteEmbedder embedder = RemoteEmbedder.create(
                OpenAiApi.compatible(config, false).withMaxInputsPerRequest(inputs),
                advanced,
                HttpClients.shared(),
                RetryTiming.system())) {
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Texts texts = new Texts(t);
                Thread caller = new Thread(() -> {
                    while (System.nanoTime() < deadline) {
                        try {
                            embedder.embed(texts.next(perCall));
                            embedded.addAndGet(perCall);
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                            System.err.println("embed failed: " + e);
                        }
                    }
                });
                caller.setDaemon(true);
                callers.add(caller);
                caller.start();
            }
            Thread.sleep(Duration.ofSeconds(warmup).toMillis());
            long startNanos = System.nanoTime();
            long startInputs = embedded.get();
            long startTokens = server.tokensAccepted();
            long startCpu = cpuNanos();
            Thread.sleep(Duration.ofSeconds(seconds).toMillis());
            long endNanos = System.nanoTime();
            Run run = new Run();
            run.inputs = embedded.get() - startInputs;
            run.serverTokens = server.tokensAccepted() - startTokens;
            run.seconds = (endNanos - startNanos) / 1e9;
            run.cpuShare = (cpuNanos() - startCpu) / (double) (endNanos - startNanos);
            for (Thread caller : callers) {
                caller.join();
            }
            run.failures = failures.get();
            run.finalLimit = embedder.limiter().limit();
            return run;
        }
    }

    /** CPU time of this JVM (client and simulated server together). */
    private static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            for (String part : arg.trim().split("\\s+")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    options.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
        }
        return options;
    }

    private static final class Run {
        long inputs;
        long serverTokens;
        double seconds;
        double cpuShare;
        long failures;
        int finalLimit;
    }

    /** Distinct English-like texts of about 50 cl100k tokens. */
    private static final class Texts {
        private static final String[] WORDS = ("river harbour lighthouse mountain valley record stream chunk vector"
                        + " index query answer window signal market garden winter summer engine bridge station"
                        + " letter number simple careful quiet bright north south morning evening journey")
                .split(" ");
        private final Random random;
        private final int thread;
        private long counter;

        Texts(int thread) {
            this.thread = thread;
            this.random = new Random(thread);
        }

        List<String> next(int count) {
            List<String> texts = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                StringBuilder text =
                        new StringBuilder("text ").append(thread).append('-').append(counter++);
                for (int w = 0; w < 44; w++) {
                    text.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
                }
                texts.add(text.toString());
            }
            return texts;
        }
    }
}
