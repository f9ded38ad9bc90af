package io.vectorsink.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.bench.BenchSupport.Chroma;
import io.vectorsink.bench.BenchSupport.Run;
import io.vectorsink.embedding.local.LocalModel;
import io.vectorsink.embedding.local.LocalOnnxEmbedder;
import io.vectorsink.testing.ChromaServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Local embeddings, not a test: the built jar's {@code write} with the Docker image's JVM options
 * (all-MiniLM-L6-v2 quantized, real Chroma, chunk_size 254, overlap 32, default batch size 128 and embedding
 * concurrency 2), on the input and on the input with every record twice, against the raw throughput
 * of the same model on the same chunk texts (read back from the collection the connector wrote), embedded
 * in-process by {@link LocalOnnxEmbedder} in batches of 128 from 2 threads, as the pipeline calls it.
 * Runs alternate; medians of REPS.
 *
 * <pre>
 * mvn -q -o exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.vectorsink.bench.LocalEmbeddingBench \
 *     -Dexec.args="MESSAGES.jsonl STREAM REPS"
 * </pre>
 */
public final class LocalEmbeddingBench {
    private static final int BATCH = 128;
    private static final int THREADS = 2;
    private static final int CHUNK_SIZE = 254;
    private static final String DOUBLED = "connector write, every record twice (under two ids)";

    private LocalEmbeddingBench() {}

    public static void main(String[] args) throws Exception {
        Path messages = Path.of(args[0]).toAbsolutePath();
        String stream = args.length > 1 ? args[1] : "sotu_addresses";
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path dir = Files.createTempDirectory("vectorsink-bench-local-");
        Path catalog = BenchSupport.catalog(dir, stream, "append_dedup");
        long records =
                Files.lines(messages).filter(l -> l.contains("\"RECORD\"")).count();
        Path one = dir.resolve("one.jsonl");
        Files.write(
                one,
                Files.lines(messages)
                        .filter(l -> l.contains("\"RECORD\""))
                        .limit(1)
                        .toList());
        Path doubled = doubled(messages, dir.resolve("doubled.jsonl"));
        System.out.println("machine: " + BenchSupport.machine());
        String embedding = "{\"mode\":\"local\",\"model\":\"all-minilm-l6-v2-q\"}";
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        List<Long> rss = new ArrayList<>();
        try (ChromaServer server = ChromaServer.start();
                LocalOnnxEmbedder embedder = LocalOnnxEmbedder.load(LocalModel.ALL_MINILM_L6_V2_Q)) {
            Chroma chroma = new Chroma(server.url());
            List<String> texts = null;
            for (int rep = 1; rep <= reps; rep++) {
                Run fixed = connector(dir, server, catalog, embedding, one, "one-" + rep);
                add(seconds, "connector, 1 record (fixed cost: JVM, model load)", fixed.seconds());
                add(cpu, "connector, 1 record (fixed cost: JVM, model load)", fixed.cpuSeconds());
                Run run = connector(dir, server, catalog, embedding, messages, "conn-" + rep);
                add(seconds, "connector write", run.seconds());
                add(cpu, "connector write", run.cpuSeconds());
                rss.add(run.peakRssKib() / 1024);
                Run twice = connector(dir, server, catalog, embedding, doubled, "twice-" + rep);
                add(seconds, DOUBLED, twice.seconds());
                add(cpu, DOUBLED, twice.cpuSeconds());
                long stored = chroma.count(chroma.create("twice-" + rep));
                long once = chroma.count(chroma.create("conn-" + rep));
                if (stored != 2 * once) {
                    throw new IllegalStateException("the doubled input gave " + stored + " chunks, not 2 x " + once);
                }
                if (texts == null) {
                    texts = texts(chroma.readAll(chroma.create("conn-" + rep)));
                    embed(embedder, texts.subList(0, Math.min(texts.size(), 256))); // warm-up
                }
                double before = BenchSupport.processCpuSeconds();
                add(seconds, "raw embedding, same chunks", embed(embedder, texts));
                add(cpu, "raw embedding, same chunks", BenchSupport.processCpuSeconds() - before);
            }
            int chunks = texts.size();
            double fixed = BenchSupport.median(seconds.get("connector, 1 record (fixed cost: JVM, model load)"));
            double connector = BenchSupport.median(seconds.get("connector write"));
            double raw = BenchSupport.median(seconds.get("raw embedding, same chunks"));
            System.out.printf(
                    Locale.ROOT, "%d records -> %d chunks (max %d tokens, overlap 32)%n", records, chunks, CHUNK_SIZE);
            System.out.println("| run | median s | records/s | chunks/s | CPU s |");
            System.out.println("|---|---:|---:|---:|---:|");
            for (Map.Entry<String, List<Double>> entry : seconds.entrySet()) {
                double s = BenchSupport.median(entry.getValue());
                boolean single = entry.getKey().contains("1 record");
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %.2f | %s | %s | %s |%n",
                        entry.getKey(),
                        s,
                        single ? "" : String.format(Locale.ROOT, "%.1f", records / s),
                        single ? "" : String.format(Locale.ROOT, "%.1f", chunks / s),
                        cpu.containsKey(entry.getKey())
                                ? String.format(Locale.ROOT, "%.1f", BenchSupport.median(cpu.get(entry.getKey())))
                                : "");
            }
            System.out.printf(
                    Locale.ROOT,
                    "pipeline / raw: %.0f%% end to end (with the fixed %.2f s), %.0f%% without it%n",
                    100 * raw / connector,
                    fixed,
                    100 * raw / (connector - fixed));
            double connectorCpu = BenchSupport.median(cpu.get("connector write"));
            double rawCpu = BenchSupport.median(cpu.get("raw embedding, same chunks"));
            double fixedCpu = BenchSupport.median(cpu.get("connector, 1 record (fixed cost: JVM, model load)"));
            System.out.printf(
                    Locale.ROOT,
                    "CPU per chunk: connector %.2f ms, raw model %.2f ms: connector / raw %.2f; without the fixed"
                            + " cost's %.1f CPU s: %.2f ms, connector / raw %.2f%n",
                    1000 * connectorCpu / chunks,
                    1000 * rawCpu / chunks,
                    connectorCpu / rawCpu,
                    fixedCpu,
                    1000 * (connectorCpu - fixedCpu) / chunks,
                    (connectorCpu - fixedCpu) / rawCpu);
            double doubledCpu = BenchSupport.median(cpu.get(DOUBLED));
            System.out.printf(
                    Locale.ROOT,
                    "marginal CPU per chunk (the doubled input's CPU minus the input's, over its %d chunks): connector"
                            + " %.2f ms, raw model %.2f ms: connector / raw %.2f%n",
                    chunks,
                    1000 * (doubledCpu - connectorCpu) / chunks,
                    1000 * rawCpu / chunks,
                    (doubledCpu - connectorCpu) / rawCpu);
            System.out.println("connector peak RSS (MB) per run: " + rss);
            System.out.println("all runs (s): " + seconds);
            System.out.println("load average at the end: " + BenchSupport.loadAverage());
        }
        System.exit(0);
    }

    /**
     * The messages with every record twice, the second time under another id ({@code ID~2}): twice the chunks, the same
     * texts, so the difference between the two runs is what a chunk costs once start-up and JIT are paid.
     */
    private static Path doubled(Path messages, Path target) throws java.io.IOException {
        List<String> out = new ArrayList<>();
        // Each copy right after its record: states and the stream's end stay where they were.
        for (String line : Files.readAllLines(messages)) {
            out.add(line);
            if (line.contains("\"RECORD\"")) {
                ObjectNode message = (ObjectNode) io.vectorsink.protocol.Json.MAPPER.readTree(line);
                ObjectNode data = (ObjectNode) message.path("record").path("data");
                data.put("id", data.path("id").asText() + "~2");
                out.add(io.vectorsink.protocol.Json.MAPPER.writeValueAsString(message));
            }
        }
        Files.write(target, out);
        return target;
    }

    private static void add(Map<String, List<Double>> values, String key, double value) {
        values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    private static Run connector(
            Path dir, ChromaServer server, Path catalog, String embedding, Path input, String name) {
        Path config = BenchSupport.config(dir, name, server.url(), name, embedding, CHUNK_SIZE);
        // the demo's chunking: 254 tokens, 32 overlap
        String json;
        try {
            json = Files.readString(config).replace("\"chunk_overlap\":0", "\"chunk_overlap\":32");
            Files.writeString(config, json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Run run = BenchSupport.runWriteAsImage(dir, name, input, config, catalog);
        BenchSupport.requireOk(run, "write " + name);
        return run;
    }

    /** The stored chunk texts in the connector's order: by record, then chunk index. */
    private static List<String> texts(List<ObjectNode> points) {
        points.sort(Comparator.comparing((ObjectNode p) ->
                        p.path("metadata").path("_ab_record_id").asText())
                .thenComparingLong(
                        p -> p.path("metadata").path("_ab_chunk_index").asLong()));
        return points.stream().map(p -> p.path("document").asText()).toList();
    }

    /** Embeds {@code texts} as the pipeline does: batches of 128, one embed call each, 2 threads. */
    private static double embed(LocalOnnxEmbedder embedder, List<String> texts) throws Exception {
        List<List<String>> batches = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += BATCH) {
            batches.add(texts.subList(from, Math.min(texts.size(), from + BATCH)));
        }
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            long start = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                running.add(pool.submit(() -> {
                    for (int b = next.getAndIncrement(); b < batches.size(); b = next.getAndIncrement()) {
                        embedder.embed(batches.get(b));
                    }
                    return null;
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            pool.shutdown();
        }
    }
}
