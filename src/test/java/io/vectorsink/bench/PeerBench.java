package io.vectorsink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.DocumentSplitter;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.HuggingFaceTokenCountEstimator;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.langchain4j.store.embedding.IngestionResult;
import dev.langchain4j.store.embedding.chroma.ChromaApiVersion;
import dev.langchain4j.store.embedding.chroma.ChromaEmbeddingStore;
import io.vectorsink.bench.BenchSupport.Chroma;
import io.vectorsink.bench.BenchSupport.Run;
import io.vectorsink.chunking.Chunk;
import io.vectorsink.embedding.local.LocalModel;
import io.vectorsink.embedding.local.LocalOnnxEmbedder;
import io.vectorsink.protocol.Json;
import io.vectorsink.testing.ChromaServer;
import io.vectorsink.testing.ImageJvmOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The peer, not a test: the same corpus written by the built jar's {@code write} and by LangChain4j's
 * {@link EmbeddingStoreIngestor}, with the same model and into the same Chroma server, side by side in one
 * run.
 *
 * <ul>
 *   <li><b>vectorsink</b>: the jar's {@code write} with the {@link LocalEmbeddingBench} settings (local
 *       {@code all-minilm-l6-v2-q}, chunk_size 254 tokens, overlap 32, {@code append_dedup}, default batch
 *       size 128, embedding and upsert concurrency 2) and the demo's metadata fields (id, year, president,
 *       party; the documents on the LangChain4j side carry the same), plus a 1-record run for its fixed cost.
 *   <li><b>LangChain4j, stock</b>: {@code EmbeddingStoreIngestor} with {@link AllMiniLmL6V2QuantizedEmbeddingModel}
 *       on an executor of 2 threads, {@code DocumentSplitters.recursive(254, 32, HuggingFaceTokenCountEstimator)}
 *       and {@link ChromaEmbeddingStore} (API v2).
 *   <li><b>LangChain4j, vectorsink's embedder</b>: the same ingestor, splitter and store, with the model
 *       replaced by the connector's {@link LocalOnnxEmbedder} (same ONNX file, untruncated, one ONNX thread
 *       per caller, each segment tokenized once) behind LangChain4j's {@link EmbeddingModel}, in batches
 *       of 128 on 2 threads: the same embedding work as the connector, so the gap to the connector is the
 *       rest of the pipeline.
 *   <li><b>LangChain4j, vectorsink's embedder, the image's JVM options</b>: the same again, with the JVM
 *       options of vectorsink's Docker image, to show what those options alone give the peer.
 * </ul>
 *
 * <p>Every run is a fresh JVM (LangChain4j's runs are this class with {@code --ingest}, on the test
 * classpath): vectorsink with the JVM options its Docker image sets, as users run it, LangChain4j at default
 * settings as its users run it, and once with vectorsink's options. Both sides pay JVM start and model load
 * and are measured the same way: wall time, CPU time and peak RSS of the process, and the CPU time of the
 * Chroma server during the run. The LangChain4j child also times its own phases (load, split, embed, store).
 * Each run writes a fresh collection. One unmeasured run of the first three comes first (page cache,
 * Chroma's first collections); then the reps rotate the order of the four. Medians of REPS.
 *
 * <pre>
 * mvn -q -o exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.vectorsink.bench.PeerBench \
 *     -Dexec.args="MESSAGES.jsonl STREAM REPS"
 * </pre>
 */
public final class PeerBench {
    private static final int CHUNK_SIZE = 254;
    /** The connector's default batch_size: what one embed call of its pipeline carries. */
    private static final int PIPELINE_BATCH = 128;

    private static final int CHUNK_OVERLAP = 32;
    private static final int THREADS = 2;

    private static final String FIXED = "vectorsink write, 1 record (fixed cost: JVM start, model load, prepare)";
    private static final String CONNECTOR = "vectorsink write";
    private static final String STOCK = "LangChain4j ingestor, stock AllMiniLmL6V2QuantizedEmbeddingModel";
    private static final String SAME = "LangChain4j ingestor, vectorsink's LocalOnnxEmbedder";
    /** The same work with the JVM options vectorsink's image runs with: what tuning alone gives the peer. */
    private static final String SAME_IMAGE_JVM =
            "LangChain4j ingestor, vectorsink's LocalOnnxEmbedder, with vectorsink's image JVM options";

    private static final String PREFIX = "peer.";
    /**
     * The demo's metadata fields, given to both sides. (An empty list, as in LocalEmbeddingBench, makes the
     * connector store every field on every chunk, the text too, truncated to Chroma's metadata limit.)
     */
    private static final String METADATA_FIELDS = "[\"id\",\"year\",\"president\",\"party\"]";

    private static final ThreadMXBean THREAD_CPU = ManagementFactory.getThreadMXBean();

    private PeerBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--ingest")) {
            Ingest.run(args[1], args[2], Path.of(args[3]), args[4], args[5], args[6].equals("analyze"));
            System.exit(0);
        }
        Path messages = Path.of(args[0]).toAbsolutePath();
        String stream = args.length > 1 ? args[1] : "sotu_addresses";
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        new PeerBench.Bench(messages, stream, reps).run();
        System.exit(0);
    }

    /** The parent: starts Chroma, runs the connector and the LangChain4j children, prints the tables. */
    private static final class Bench {
        private final Path messages;
        private final String stream;
        private final int reps;
        private final Path dir;
        private final Path catalog;
        private final Path one;
        private final long records;
        private final Map<String, List<Double>> seconds = new LinkedHashMap<>();
        private final Map<String, List<Double>> cpu = new LinkedHashMap<>();
        private final Map<String, List<Double>> chromaCpu = new LinkedHashMap<>();
        private final Map<String, List<Double>> rss = new LinkedHashMap<>();
        private final Map<String, List<Long>> chunks = new LinkedHashMap<>();
        private final Map<String, List<Map<String, String>>> phases = new LinkedHashMap<>();
        /** From the warm-up runs: the LangChain4j segments' token statistics, the connector's chunk tokens. */
        private final Map<String, Map<String, String>> analysis = new LinkedHashMap<>();

        private int[] connectorTokens;
        private String connectorOverlap;
        private ChromaServer server;
        private Chroma chroma;
        private int rep;

        Bench(Path messages, String stream, int reps) throws IOException {
            this.messages = messages;
            this.stream = stream;
            this.reps = reps;
            this.dir = Files.createTempDirectory("vectorsink-bench-peer-");
            this.catalog = BenchSupport.catalog(dir, stream, "append_dedup");
            List<String> recordLines = Files.readAllLines(messages).stream()
                    .filter(l -> l.contains("\"RECORD\""))
                    .toList();
            this.records = recordLines.size();
            this.one = dir.resolve("one.jsonl");
            Files.write(one, recordLines.subList(0, 1));
        }

        void run() {
            System.out.println("machine: " + BenchSupport.machine());
            String loadAtStart = BenchSupport.loadAverage();
            try (ChromaServer started = ChromaServer.start()) {
                server = started;
                chroma = new Chroma(server.url());
                // Warm-up, not measured: one run of each.
                connector(messages, "warm-conn", null);
                child("stock", "warm-lc4j", null);
                child("same", "warm-lc4js", null);
                List<ObjectNode> points = sorted(chroma.readAll(chroma.create("warm-conn")));
                connectorTokens = tokens(points);
                connectorOverlap = overlap(
                        points.stream().map(p -> p.path("document").asText()).toList(),
                        points.stream()
                                .map(p ->
                                        p.path("metadata").path("_ab_record_id").asText())
                                .toList());
                List<Runnable> order = new ArrayList<>(List.of(
                        () -> connector(messages, "conn-" + rep, CONNECTOR),
                        () -> child("stock", "lc4j-" + rep, STOCK),
                        () -> child("same", "lc4js-" + rep, SAME),
                        () -> child("same", "lc4jsi-" + rep, SAME_IMAGE_JVM, ImageJvmOptions.read())));
                for (rep = 1; rep <= reps; rep++) {
                    connector(one, "one-" + rep, FIXED);
                    for (int i = 0; i < order.size(); i++) {
                        order.get((i + rep - 1) % order.size()).run();
                    }
                }
            }
            print(loadAtStart);
        }

        private void connector(Path input, String name, String key) {
            Path config = BenchSupport.config(dir, name, server.url(), name, LOCAL_MINILM, CHUNK_SIZE);
            try {
                Files.writeString(
                        config,
                        Files.readString(config)
                                .replace("\"chunk_overlap\":0", "\"chunk_overlap\":" + CHUNK_OVERLAP)
                                .replace("\"metadata_fields\":[]", "\"metadata_fields\":" + METADATA_FIELDS));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            double chromaBefore = BenchSupport.cpuSeconds(server.pid());
            Run run = BenchSupport.runWriteAsImage(dir, name, input, config, catalog);
            BenchSupport.requireOk(run, "write " + name);
            record(key, run, chromaBefore, chroma.count(chroma.create(name)), Map.of());
        }

        private void child(String variant, String name, String key) {
            child(variant, name, key, List.of());
        }

        /** A LangChain4j run, at default JVM settings unless {@code jvmOptions} say otherwise. */
        private void child(String variant, String name, String key, List<String> jvmOptions) {
            double chromaBefore = BenchSupport.cpuSeconds(server.pid());
            List<String> arguments = new ArrayList<>(jvmOptions);
            arguments.addAll(List.of(
                    "-cp",
                    BenchSupport.testClasspath(),
                    PeerBench.class.getName(),
                    "--ingest",
                    server.url(),
                    name,
                    messages.toString(),
                    stream,
                    variant,
                    key == null ? "analyze" : "measure"));
            Run run = BenchSupport.runJava(dir, name, null, arguments);
            BenchSupport.requireOk(run, "LangChain4j ingest " + name);
            Map<String, String> reported = reported(run.stdout());
            long stored = chroma.count(chroma.create(name));
            if (stored != Long.parseLong(reported.get("segments"))) {
                throw new IllegalStateException(name + ": " + reported.get("segments") + " segments ingested but "
                        + stored + " points in the collection");
            }
            record(key, run, chromaBefore, stored, reported);
            if (key == null) {
                analysis.put(variant.equals("stock") ? STOCK : SAME, reported);
            }
        }

        /**
         * Tokens of each chunk the connector stored, by the connector's counter (no [CLS]/[SEP]); counted
         * between runs, never during one.
         */
        /** The stored chunks in the connector's order: by record, then chunk index. */
        private static List<ObjectNode> sorted(List<ObjectNode> points) {
            points.sort(Comparator.comparing((ObjectNode p) ->
                            p.path("metadata").path("_ab_record_id").asText())
                    .thenComparingLong(
                            p -> p.path("metadata").path("_ab_chunk_index").asLong()));
            return points;
        }

        private static int[] tokens(List<ObjectNode> points) {
            try (LocalOnnxEmbedder counter = LocalOnnxEmbedder.load(LocalModel.ALL_MINILM_L6_V2_Q)) {
                return points.stream()
                        .mapToInt(p ->
                                counter.tokenCounter().count(p.path("document").asText()))
                        .toArray();
            }
        }

        private void record(String key, Run run, double chromaBefore, long stored, Map<String, String> reported) {
            double chromaUsed = BenchSupport.cpuSeconds(server.pid()) - chromaBefore;
            System.out.printf(
                    Locale.ROOT,
                    "  %s: %.2f s, CPU %.1f s, Chroma CPU %.1f s, %d chunks, peak RSS %d MB, load %s%s%n",
                    key == null ? "warm-up" : key,
                    run.seconds(),
                    run.cpuSeconds(),
                    chromaUsed,
                    stored,
                    run.peakRssKib() / 1024,
                    BenchSupport.loadAverage().split(" ")[0],
                    reported.isEmpty() ? "" : " " + reported);
            if (key == null) {
                return;
            }
            seconds.computeIfAbsent(key, k -> new ArrayList<>()).add(run.seconds());
            cpu.computeIfAbsent(key, k -> new ArrayList<>()).add(run.cpuSeconds());
            chromaCpu.computeIfAbsent(key, k -> new ArrayList<>()).add(chromaUsed);
            rss.computeIfAbsent(key, k -> new ArrayList<>()).add(run.peakRssKib() / 1024.0);
            chunks.computeIfAbsent(key, k -> new ArrayList<>()).add(stored);
            if (!reported.isEmpty()) {
                phases.computeIfAbsent(key, k -> new ArrayList<>()).add(reported);
            }
        }

        private void print(String loadAtStart) {
            System.out.printf(
                    Locale.ROOT,
                    "%d records, chunk budget %d tokens, overlap %d; %d reps after one warm-up run of each%n",
                    records,
                    CHUNK_SIZE,
                    CHUNK_OVERLAP,
                    reps);
            System.out.println(
                    "| run | chunks | median s | records/s | chunks/s | CPU s | Chroma CPU s | peak RSS MB |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
            for (String key : seconds.keySet()) {
                double s = BenchSupport.median(seconds.get(key));
                long n = chunks.get(key).get(0);
                boolean fixed = key.equals(FIXED);
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %s | %.2f | %s | %s | %.1f | %.1f | %.0f |%n",
                        key,
                        fixed ? "" : Long.toString(n),
                        s,
                        fixed ? "" : String.format(Locale.ROOT, "%.2f", records / s),
                        fixed ? "" : String.format(Locale.ROOT, "%.1f", n / s),
                        BenchSupport.median(cpu.get(key)),
                        BenchSupport.median(chromaCpu.get(key)),
                        BenchSupport.median(rss.get(key)));
            }
            double connector = BenchSupport.median(seconds.get(CONNECTOR));
            double fixed = BenchSupport.median(seconds.get(FIXED));
            System.out.printf(
                    Locale.ROOT,
                    "vectorsink without its fixed cost: %.2f s (%.1f chunks/s)%n",
                    connector - fixed,
                    chunks.get(CONNECTOR).get(0) / (connector - fixed));
            System.out.println(
                    "LangChain4j phases inside its JVM (medians, s; read + load = messages read, model loaded,"
                            + " splitter and store built (collection created); split CPU = the splitting thread's):");
            System.out.println("| run | read + load | split | split CPU | embed | embed CPU | store | ingest total |"
                    + " ingest CPU |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (Map.Entry<String, List<Map<String, String>>> entry : phases.entrySet()) {
                List<Map<String, String>> runs = entry.getValue();
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
                        entry.getKey(),
                        medianOf(runs, "load_s"),
                        medianOf(runs, "split_s"),
                        medianOf(runs, "split_cpu_s"),
                        medianOf(runs, "embed_s"),
                        medianOf(runs, "embed_cpu_s"),
                        medianOf(runs, "store_s"),
                        medianOf(runs, "ingest_s"),
                        medianOf(runs, "ingest_cpu_s"));
            }
            System.out.println("Chunks and tokens (from the warm-up runs; tokens by the connector's counter unless"
                    + " noted, without [CLS]/[SEP]):");
            System.out.printf(
                    Locale.ROOT,
                    "- vectorsink: %d chunks, %d tokens, mean %.1f, max %d, %d over 126, all embedded; %s%n",
                    connectorTokens.length,
                    Arrays.stream(connectorTokens).sum(),
                    Arrays.stream(connectorTokens).average().orElse(0),
                    Arrays.stream(connectorTokens).max().orElse(0),
                    Arrays.stream(connectorTokens).filter(t -> t > 126).count(),
                    connectorOverlap);
            for (Map.Entry<String, Map<String, String>> entry : analysis.entrySet()) {
                System.out.println("- " + entry.getKey() + ": " + entry.getValue());
            }
            for (String peer : List.of(STOCK, SAME, SAME_IMAGE_JVM)) {
                System.out.println("same-rep ratios, " + peer + " / vectorsink write: wall "
                        + ratios(seconds.get(peer), seconds.get(CONNECTOR)) + ", CPU "
                        + ratios(cpu.get(peer), cpu.get(CONNECTOR)));
            }
            System.out.println("all runs (s): " + seconds);
            System.out.println("all runs (CPU s): " + cpu);
            System.out.println("vectorsink chunks per run: " + chunks.get(CONNECTOR) + "; LangChain4j: "
                    + chunks.get(STOCK) + " / " + chunks.get(SAME));
            System.out.println(
                    "load average at the start: " + loadAtStart + "; at the end: " + BenchSupport.loadAverage());
        }

        /** Per-rep ratios a[i] / b[i], then their median. */
        private static String ratios(List<Double> a, List<Double> b) {
            List<Double> values = new ArrayList<>();
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                values.add(a.get(i) / b.get(i));
            }
            return values.stream()
                            .map(v -> String.format(Locale.ROOT, "%.2f", v))
                            .toList()
                    + String.format(Locale.ROOT, " (median %.2f)", BenchSupport.median(values));
        }

        private static double medianOf(List<Map<String, String>> runs, String name) {
            return BenchSupport.median(
                    runs.stream().map(r -> Double.parseDouble(r.get(name))).toList());
        }
    }

    private static final String LOCAL_MINILM = "{\"mode\":\"local\",\"model\":\"all-minilm-l6-v2-q\"}";

    /**
     * How much of each chunk repeats the end of the previous chunk of the same record, in whitespace-separated
     * words (the longest k with the last k words of one equal to the first k of the next), as "P of N
     * neighbours overlap, mean W words, max M words".
     */
    static String overlap(List<String> texts, List<String> records) {
        int pairs = 0;
        int overlapping = 0;
        long words = 0;
        int max = 0;
        for (int i = 1; i < texts.size(); i++) {
            if (!records.get(i).equals(records.get(i - 1))) {
                continue;
            }
            pairs++;
            String[] previous = texts.get(i - 1).trim().split("\\s+");
            String[] next = texts.get(i).trim().split("\\s+");
            int best = 0;
            for (int k = Math.min(Math.min(previous.length, next.length), 200); k > 0; k--) {
                if (Arrays.equals(previous, previous.length - k, previous.length, next, 0, k)) {
                    best = k;
                    break;
                }
            }
            if (best > 0) {
                overlapping++;
                words += best;
                max = Math.max(max, best);
            }
        }
        return String.format(
                Locale.ROOT,
                "%d of %d neighbours overlap, mean %.1f words, max %d words",
                overlapping,
                pairs,
                overlapping == 0 ? 0.0 : words / (double) overlapping,
                max);
    }

    /** What the child printed as {@code peer.NAME=VALUE} lines. */
    private static Map<String, String> reported(Path stdout) {
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(stdout)) {
                if (line.startsWith(PREFIX) && line.contains("=")) {
                    values.put(
                            line.substring(PREFIX.length(), line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values;
    }

    /** The child: LangChain4j's ingestion of the corpus, in its own JVM, reporting its phases on stdout. */
    private static final class Ingest {
        private Ingest() {}

        static void run(String url, String collection, Path messages, String stream, String variant, boolean analyze)
                throws Exception {
            long start = System.nanoTime();
            List<Document> documents = documents(messages, stream);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            LocalOnnxEmbedder own = null;
            EmbeddingModel model;
            if (variant.equals("stock")) {
                // LangChain4j's own model class: embedAll runs one segment per task on the executor.
                model = new AllMiniLmL6V2QuantizedEmbeddingModel(pool);
            } else {
                own = LocalOnnxEmbedder.load(LocalModel.ALL_MINILM_L6_V2_Q);
                model = new EmbedderModel(own, pool);
            }
            HuggingFaceTokenCountEstimator estimator = new HuggingFaceTokenCountEstimator();
            DocumentSplitter splitter = DocumentSplitters.recursive(CHUNK_SIZE, CHUNK_OVERLAP, estimator);
            TimedModel timedModel = new TimedModel(model);
            TimedStore timedStore = new TimedStore(ChromaEmbeddingStore.builder()
                    .baseUrl(url)
                    .apiVersion(ChromaApiVersion.V2)
                    // the connector's tenant and database (LangChain4j's defaults are "default" and "default")
                    .tenantName("default_tenant")
                    .databaseName("default_database")
                    .collectionName(collection)
                    .timeout(Duration.ofSeconds(120))
                    .build());
            EmbeddingStoreIngestor ingestor = EmbeddingStoreIngestor.builder()
                    .documentSplitter(splitter)
                    .embeddingModel(timedModel)
                    .embeddingStore(timedStore)
                    .build();
            double load = (System.nanoTime() - start) / 1e9;
            // The ingestor splits every document on this thread before its one embedAll call, so the split
            // phase is from here to that call, and its CPU is this thread's.
            long ingestStart = System.nanoTime();
            long threadCpuStart = THREAD_CPU.getCurrentThreadCpuTime();
            double processCpuStart = BenchSupport.processCpuSeconds();
            IngestionResult result = ingestor.ingest(documents);
            double ingest = (System.nanoTime() - ingestStart) / 1e9;
            double ingestCpu = BenchSupport.processCpuSeconds() - processCpuStart;

            TokenUsage usage = result.tokenUsage();
            System.out.println(PREFIX + "load_s=" + String.format(Locale.ROOT, "%.3f", load));
            System.out.println(PREFIX + "ingest_s=" + String.format(Locale.ROOT, "%.3f", ingest));
            System.out.println(PREFIX + "split_s="
                    + String.format(Locale.ROOT, "%.3f", (timedModel.enteredNanos - ingestStart) / 1e9));
            System.out.println(PREFIX + "split_cpu_s="
                    + String.format(Locale.ROOT, "%.3f", (timedModel.enteredThreadCpu - threadCpuStart) / 1e9));
            System.out.println(PREFIX + "embed_s=" + String.format(Locale.ROOT, "%.3f", timedModel.seconds));
            System.out.println(PREFIX + "embed_cpu_s=" + String.format(Locale.ROOT, "%.3f", timedModel.cpuSeconds));
            System.out.println(PREFIX + "ingest_cpu_s=" + String.format(Locale.ROOT, "%.3f", ingestCpu));
            System.out.println(PREFIX + "store_s=" + String.format(Locale.ROOT, "%.3f", timedStore.seconds));
            System.out.println(PREFIX + "segments=" + timedStore.added);
            System.out.println(PREFIX + "store_calls=" + timedStore.calls);
            System.out.println(PREFIX + "tokens_embedded=" + (usage == null ? "?" : usage.inputTokenCount()));
            if (analyze) {
                analyze(splitter, documents, estimator, own);
            }
            if (own != null) {
                own.close();
            }
            pool.shutdown();
        }

        /**
         * Only in the warm-up run, after the clock (it splits again): the segments' sizes by LangChain4j's
         * estimator and by the connector's counter.
         */
        private static void analyze(
                DocumentSplitter splitter,
                List<Document> documents,
                HuggingFaceTokenCountEstimator estimator,
                LocalOnnxEmbedder own) {
            List<TextSegment> segments = splitter.splitAll(documents);
            int over = 0;
            int max = 0;
            for (TextSegment segment : segments) {
                int tokens = estimator.estimateTokenCountInText(segment.text());
                max = Math.max(max, tokens);
                if (tokens > 126) {
                    over++;
                }
            }
            System.out.println(PREFIX + "estimator_max_segment_tokens=" + max);
            System.out.println(PREFIX + "estimator_segments_over_126=" + over);
            // the connector's counter leaves out [CLS] and [SEP]; LangChain4j's estimator may not
            try (LocalOnnxEmbedder counter =
                    own != null ? null : LocalOnnxEmbedder.load(LocalModel.ALL_MINILM_L6_V2_Q)) {
                LocalOnnxEmbedder use = own != null ? own : counter;
                int ownMax = 0;
                long ownSum = 0;
                for (TextSegment segment : segments) {
                    int tokens = use.tokenCounter().count(segment.text());
                    ownMax = Math.max(ownMax, tokens);
                    ownSum += tokens;
                }
                System.out.println(PREFIX + "max_segment_tokens=" + ownMax);
                System.out.println(PREFIX + "sum_segment_tokens=" + ownSum);
            }
            System.out.println(PREFIX + "overlap="
                    + overlap(
                            segments.stream().map(TextSegment::text).toList(),
                            segments.stream()
                                    .map(t -> t.metadata().getString("id"))
                                    .toList()));
        }

        /** The records' text as the connector renders it ({@code text: VALUE}), with the connector's metadata fields. */
        private static List<Document> documents(Path messages, String stream) throws IOException {
            List<Document> documents = new ArrayList<>();
            for (String line : Files.readAllLines(messages)) {
                JsonNode message = Json.MAPPER.readTree(line);
                JsonNode record = message.path("record");
                if (!message.path("type").asText().equals("RECORD")
                        || !record.path("stream").asText().equals(stream)) {
                    continue;
                }
                JsonNode data = record.path("data");
                // the connector's metadata_fields (METADATA_FIELDS)
                Metadata metadata = new Metadata()
                        .put("id", data.path("id").asText())
                        .put("year", data.path("year").asInt())
                        .put("president", data.path("president").asText())
                        .put("party", data.path("party").asText());
                documents.add(Document.from("text: " + data.path("text").asText(), metadata));
            }
            return documents;
        }
    }

    /**
     * The connector's embedder behind LangChain4j's interface: batches of 128 spread over the executor's
     * threads, as the connector's pipeline calls it, each segment tokenized once.
     */
    private static final class EmbedderModel implements EmbeddingModel {
        private final LocalOnnxEmbedder embedder;
        private final ExecutorService pool;

        EmbedderModel(LocalOnnxEmbedder embedder, ExecutorService pool) {
            this.embedder = embedder;
            this.pool = pool;
        }

        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            // Each segment is tokenized once, and those ids are what the model runs (and what is counted).
            List<Chunk> texts = segments.stream()
                    .map(segment ->
                            new Chunk(segment.text(), embedder.tokenCounter().tokenize(segment.text())))
                    .toList();
            List<Future<List<float[]>>> batches = new ArrayList<>();
            for (int from = 0; from < texts.size(); from += PIPELINE_BATCH) {
                List<Chunk> batch = texts.subList(from, Math.min(texts.size(), from + PIPELINE_BATCH));
                batches.add(pool.submit(() -> embedder.embedChunks(batch)));
            }
            List<Embedding> embeddings = new ArrayList<>(texts.size());
            try {
                for (Future<List<float[]>> batch : batches) {
                    batch.get().forEach(vector -> embeddings.add(Embedding.from(vector)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("embedding failed", e.getCause());
            }
            int tokens = texts.stream().mapToInt(t -> t.tokens().count()).sum();
            return Response.from(embeddings, new TokenUsage(tokens));
        }

        @Override
        public int dimension() {
            return embedder.dimensions();
        }
    }

    /** Times the ingestor's one {@code embedAll} call. */
    private static final class TimedModel implements EmbeddingModel {
        private final EmbeddingModel model;
        private double seconds;
        private double cpuSeconds;
        private long enteredNanos;
        private long enteredThreadCpu;

        TimedModel(EmbeddingModel model) {
            this.model = model;
        }

        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            enteredThreadCpu = THREAD_CPU.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            enteredNanos = start;
            double cpuStart = BenchSupport.processCpuSeconds();
            try {
                return model.embedAll(segments);
            } finally {
                seconds += (System.nanoTime() - start) / 1e9;
                cpuSeconds += BenchSupport.processCpuSeconds() - cpuStart;
            }
        }

        @Override
        public int dimension() {
            return model.dimension();
        }
    }

    /** Times the ingestor's store calls and counts what it adds; everything else goes straight through. */
    private static final class TimedStore implements EmbeddingStore<TextSegment> {
        private final EmbeddingStore<TextSegment> store;
        private double seconds;
        private long added;
        private int calls;

        TimedStore(EmbeddingStore<TextSegment> store) {
            this.store = store;
        }

        @Override
        public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> segments) {
            long start = System.nanoTime();
            try {
                store.addAll(ids, embeddings, segments);
                added += ids.size();
                calls++;
            } finally {
                seconds += (System.nanoTime() - start) / 1e9;
            }
        }

        @Override
        public String add(Embedding embedding) {
            throw new UnsupportedOperationException("the ingestor calls addAll");
        }

        @Override
        public void add(String id, Embedding embedding) {
            throw new UnsupportedOperationException("the ingestor calls addAll");
        }

        @Override
        public String add(Embedding embedding, TextSegment segment) {
            throw new UnsupportedOperationException("the ingestor calls addAll");
        }

        @Override
        public List<String> addAll(List<Embedding> embeddings) {
            throw new UnsupportedOperationException("the ingestor calls addAll with segments");
        }

        @Override
        public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
            return store.search(request);
        }
    }
}
