package io.vectorsink.bench;

import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.EmbeddingConfig;
import io.vectorsink.embedding.cohere.CohereApi;
import io.vectorsink.embedding.openai.OpenAiApi;
import io.vectorsink.embedding.remote.EmbeddingApi;
import io.vectorsink.embedding.remote.RemoteEmbedder;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.MetadataRules;
import io.vectorsink.store.QueryHit;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.VectorStore;
import io.vectorsink.testing.FakeEmbeddingServer;
import io.vectorsink.testing.ImageJvmOptions;
import io.vectorsink.testing.Messages;
import io.vectorsink.testing.OneStreamSync;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Random;
import okhttp3.HttpUrl;

/**
 * Latency hiding in a whole sync: the connector's own {@link io.vectorsink.pipeline.WritePipeline} (reading, chunking, batching,
 * embedding threads) with the default advanced settings, or tuned ones, embedding through {@link
 * RemoteEmbedder} against the simulated provider {@link FakeEmbeddingServer} on loopback, which answers after
 * a fixed latency. The store acknowledges at once and keeps nothing (a benchmark sink, so only the embedding
 * path is measured). The connector's side runs in its own JVM with the Docker image's JVM options (as users
 * run it); the simulated provider runs in this one, so its work does not take the connector's JVM's time.
 * Inputs/s are counted at the server over the measured window, after a warm-up, against the limit {@code
 * requests in flight x inputs per request / latency}. Not a test. After {@code mvn test-compile}:
 *
 * <pre>
 * mvn -q exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.vectorsink.bench.SyncLatencyBench \
 *     -Dexec.args="PROVIDER LATENCY_MS SECONDS [BATCH_SIZE EMBEDDING_CONCURRENCY]"
 * </pre>
 *
 * PROVIDER is {@code openai_compatible} (32 inputs per request, 64 dimensions) or {@code cohere} ({@code
 * embed-v4.0} with 256 dimensions, 96 inputs per request). Without the last two
 * arguments the defaults run (batch_size 128, embedding_concurrency 2).
 */
public final class SyncLatencyBench {
    /** Small vectors, as in RemoteEmbeddingBenchmark: the simulated server shares this JVM and its CPU. */
    private static final int DIMENSIONS = 64;

    private static final int WARMUP_SECONDS = 3;

    private SyncLatencyBench() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        if (args[0].equals("--connector")) {
            connector(args);
            System.exit(0);
        }
        String provider = args[0];
        int latencyMs = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        AdvancedConfig advanced = advanced(args, 3);
        int dimensions = provider.equals("cohere") ? 256 : DIMENSIONS; // embed-v4.0's smallest output_dimension
        try (FakeEmbeddingServer server = FakeEmbeddingServer.start(dimensions, Duration.ofMillis(latencyMs))) {
            int perRequest = api(provider, server.baseUrl(), server.cohereBaseUrl())
                    .limits()
                    .maxInputsPerRequest();
            int requestsPerBatch = (advanced.batchSize() + perRequest - 1) / perRequest;
            int inFlight = Math.min(64, advanced.embeddingConcurrency() * requestsPerBatch);
            // What the texts of one batch carry per request when spread evenly over its requests.
            double inputsPerRequest = (double) advanced.batchSize() / requestsPerBatch;
            double limit = inFlight * inputsPerRequest * 1000.0 / latencyMs;
            int records = (int) (limit * (WARMUP_SECONDS + seconds + 2));
            // The connector in its own JVM with the Docker image's options, as users run it; the simulated
            // provider stays in this one, as a remote provider's work is not the connector's.
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(ImageJvmOptions.read());
            command.addAll(List.of(
                    "-cp",
                    BenchSupport.testClasspath(),
                    SyncLatencyBench.class.getName(),
                    "--connector",
                    provider,
                    server.baseUrl(),
                    server.cohereBaseUrl(),
                    Integer.toString(records)));
            if (args.length > 4) {
                command.addAll(List.of(args[3], args[4]));
            }
            Process connector = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try {
                Thread.sleep(WARMUP_SECONDS * 1000L);
                long startInputs = server.inputsServed();
                long start = System.nanoTime();
                Thread.sleep(seconds * 1000L);
                double measured = (System.nanoTime() - start) / 1e9;
                double rate = (server.inputsServed() - startInputs) / measured;
                double connectorCpu = BenchSupport.cpuSeconds(connector.pid());
                System.out.printf(
                        Locale.ROOT,
                        "%s, latency %d ms, batch_size %d, embedding_concurrency %d%s: %.0f inputs/s of a limit of"
                                + " %.0f (%d requests in flight x %.0f inputs / %.3f s) = %.1f%%; server max in flight"
                                + " %d; %d records; CPU of the connector's JVM (%s) until the window's end %.1f s; of"
                                + " this JVM (the simulated provider) %.1f s; load average %s%n",
                        provider,
                        latencyMs,
                        advanced.batchSize(),
                        advanced.embeddingConcurrency(),
                        args.length > 4 ? "" : " (defaults)",
                        rate,
                        limit,
                        inFlight,
                        inputsPerRequest,
                        latencyMs / 1000.0,
                        100 * rate / limit,
                        server.maxInFlight(),
                        records,
                        String.join(" ", ImageJvmOptions.read()),
                        connectorCpu,
                        BenchSupport.processCpuSeconds(),
                        BenchSupport.loadAverage());
            } finally {
                connector.destroy();
                connector.waitFor();
            }
        }
        System.exit(0);
    }

    /** The default advanced settings, or the batch size and embedding concurrency at {@code args[from]}. */
    private static AdvancedConfig advanced(String[] args, int from) {
        AdvancedConfig defaults = AdvancedConfig.defaults();
        if (args.length <= from + 1) {
            return defaults;
        }
        int batchSize = Integer.parseInt(args[from]);
        return new AdvancedConfig(
                batchSize,
                Integer.parseInt(args[from + 1]),
                defaults.upsertConcurrency(),
                defaults.flushInterval(),
                Math.max(defaults.maxInFlightChunks(), 4 * batchSize),
                defaults.retryMaxDuration(),
                false);
    }

    private static EmbeddingApi api(String provider, String openAiBaseUrl, String cohereBaseUrl) {
        return provider.equals("cohere")
                ? CohereApi.of(
                        new EmbeddingConfig.Cohere("bench-key", "embed-v4.0", OptionalInt.of(256)),
                        HttpUrl.get(cohereBaseUrl))
                : OpenAiApi.compatible(
                        new EmbeddingConfig.OpenAiCompatible(openAiBaseUrl, "", "bench", DIMENSIONS, 512), false);
    }

    /** The connector's side: {@code --connector PROVIDER OPENAI_URL COHERE_URL RECORDS [BATCH CONCURRENCY]}. */
    private static void connector(String[] args) {
        AdvancedConfig advanced = advanced(args, 5);
        try (RemoteEmbedder embedder = RemoteEmbedder.create(
                api(args[1], args[2], args[3]), advanced, HttpClients.shared(), RetryTiming.system())) {
            run(embedder, advanced, messages(Integer.parseInt(args[4])));
        }
    }

    private static void run(RemoteEmbedder embedder, AdvancedConfig advanced, byte[] input) {
        try {
            OneStreamSync.run(embedder, new Sink(), advanced, input);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Distinct records of about 50 cl100k tokens each (one chunk), a STATE every 1,000. */
    private static byte[] messages(int records) {
        String[] words = ("river harbour lighthouse mountain valley record stream chunk vector index query answer"
                        + " window signal market garden winter summer engine bridge station letter number")
                .split(" ");
        Random random = new Random(17);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < records; i++) {
            StringBuilder text = new StringBuilder("text ").append(i);
            for (int w = 0; w < 44; w++) {
                text.append(' ').append(words[random.nextInt(words.length)]);
            }
            out.append(Messages.record("docs", "{\"id\":" + i + ",\"text\":\"" + text + "\"}"));
            if ((i + 1) % 1000 == 0) {
                out.append(Messages.streamState("docs", "{\"n\":" + (i + 1) + "}"));
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Acknowledges every write at once and keeps nothing: only the embedding path is measured. */
    private static final class Sink implements VectorStore {
        @Override
        public void check(int dimension) {}

        @Override
        public void prepare(int dimension) {}

        @Override
        public void upsert(List<ChunkPoint> points) {}

        @Override
        public void deleteChunks(List<RecordTrim> trims) {}

        @Override
        public void deleteStale(StreamId stream, StaleFilter filter) {}

        @Override
        public List<QueryHit> query(float[] vector, int limit, StreamId stream) {
            return List.of();
        }

        @Override
        public MetadataRules metadataRules() {
            return MetadataRules.unlimited();
        }
    }
}
