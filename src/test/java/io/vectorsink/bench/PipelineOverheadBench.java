package io.vectorsink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.bench.BenchSupport.Chroma;
import io.vectorsink.bench.BenchSupport.Run;
import io.vectorsink.protocol.Json;
import io.vectorsink.testing.ChromaServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pipeline overhead, not a test: the built jar's {@code write} (fake embedder, real Chroma, dedup, default
 * batch size 128 and upsert concurrency 2) against Chroma's own ingest limit, measured in the same run by
 * upserting the very points the connector stored (same vectors, documents and metadata) over REST, in
 * batches of 128 from 2 threads, into fresh collections. Three raw variants give the breakdown: upsert
 * only; a GET of the batch's ids first (what the Chroma store does to find vanished metadata keys); and
 * the trim delete after (what dedup does). Runs are interleaved, repeated, and reported as medians.
 *
 * <pre>
 * mvn -q -o exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.vectorsink.bench.PipelineOverheadBench \
 *     -Dexec.args="RECORDS WORDS REPS"
 * </pre>
 */
public final class PipelineOverheadBench {
    private static final int BATCH = 128;
    private static final int THREADS = 2;
    private static final int DIMENSIONS = 384;
    private static final int CHUNK_SIZE = 64;

    private PipelineOverheadBench() {}

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int words = args.length > 1 ? Integer.parseInt(args[1]) : 120;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path dir = Files.createTempDirectory("vectorsink-bench-pipeline-");
        Path corpus = BenchSupport.writeCorpus(dir.resolve("corpus.jsonl"), records, words);
        Path one = BenchSupport.writeCorpus(dir.resolve("one.jsonl"), 1, words);
        Path catalog = BenchSupport.catalog(dir, BenchSupport.STREAM, "append_dedup");
        String embedding = "{\"mode\":\"fake\",\"dimensions\":" + DIMENSIONS + "}";
        System.out.println("machine: " + BenchSupport.machine());
        System.out.printf(
                Locale.ROOT,
                "corpus: %d records of %d words, chunk_size %d words, fake embedder %d dims, %d reps%n",
                records,
                words,
                CHUNK_SIZE,
                DIMENSIONS,
                reps);
        try (ChromaServer server = ChromaServer.start()) {
            Chroma chroma = new Chroma(server.url());
            Map<String, List<Double>> seconds = new LinkedHashMap<>();
            Map<String, List<Double>> chromaCpu = new LinkedHashMap<>();
            Map<String, List<Double>> clientCpu = new LinkedHashMap<>();
            List<ObjectNode> points = null;
            long chunks = 0;
            // Warm-up: the JIT of Chroma's first requests and the page cache of the jar.
            connector(dir, server, catalog, embedding, corpus, "warmup");
            for (int rep = 1; rep <= reps; rep++) {
                Run fixed = connector(dir, server, catalog, embedding, one, "one-" + rep);
                add(seconds, FIXED, fixed.seconds());
                double chromaBefore = BenchSupport.cpuSeconds(server.pid());
                Run run = connector(dir, server, catalog, embedding, corpus, "conn-" + rep);
                add(chromaCpu, CONNECTOR, BenchSupport.cpuSeconds(server.pid()) - chromaBefore);
                add(seconds, CONNECTOR, run.seconds());
                add(clientCpu, CONNECTOR, run.cpuSeconds());
                if (points == null) {
                    points = sorted(chroma.readAll(chroma.create("conn-" + rep)));
                    chunks = points.size();
                }
                // Rotated order, so no variant always runs right after the connector's collection was written.
                Mode[] modes = Mode.values();
                for (int m = 0; m < modes.length; m++) {
                    Mode mode = modes[(m + rep) % modes.length];
                    String label = "raw " + mode.label;
                    double cpuBefore = BenchSupport.cpuSeconds(server.pid());
                    double clientBefore = BenchSupport.processCpuSeconds();
                    add(seconds, label, raw(chroma, mode.name().toLowerCase(Locale.ROOT) + "-" + rep, points, mode));
                    add(chromaCpu, label, BenchSupport.cpuSeconds(server.pid()) - cpuBefore);
                    add(clientCpu, label, BenchSupport.processCpuSeconds() - clientBefore);
                }
            }
            double fixed = BenchSupport.median(seconds.get(FIXED));
            double connector = BenchSupport.median(seconds.get(CONNECTOR));
            double rawUpsert = BenchSupport.median(seconds.get("raw " + Mode.UPSERT.label));
            System.out.printf(Locale.ROOT, "%d records -> %d chunks%n", records, chunks);
            System.out.println(
                    "| run | median s | records/s | chunks/s | vs raw upsert | Chroma CPU s | client CPU s |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            for (Map.Entry<String, List<Double>> entry : seconds.entrySet()) {
                double s = BenchSupport.median(entry.getValue());
                boolean single = entry.getKey().equals(FIXED);
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %.2f | %s | %s | %s | %s | %s |%n",
                        entry.getKey(),
                        s,
                        single ? "" : String.format(Locale.ROOT, "%.0f", records / s),
                        single ? "" : String.format(Locale.ROOT, "%.0f", chunks / s),
                        single ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * rawUpsert / s),
                        single
                                ? ""
                                : String.format(
                                        Locale.ROOT, "%.1f", BenchSupport.median(chromaCpu.get(entry.getKey()))),
                        single
                                ? ""
                                : String.format(
                                        Locale.ROOT, "%.1f", BenchSupport.median(clientCpu.get(entry.getKey()))));
            }
            System.out.printf(
                    Locale.ROOT,
                    "connector without its fixed cost (JVM start, prepare; a 1-record write takes %.2f s): %.2f s,"
                            + " %.0f chunks/s, %.0f%% of raw upsert%n",
                    fixed,
                    connector - fixed,
                    chunks / (connector - fixed),
                    100 * rawUpsert / (connector - fixed));
            System.out.println("all runs (s): " + seconds);
            System.out.println("load average at the end: " + BenchSupport.loadAverage());
        }
        System.exit(0);
    }

    private static final String FIXED = "connector, 1 record (fixed cost)";
    private static final String CONNECTOR = "connector write";

    private static void add(Map<String, List<Double>> values, String key, double value) {
        values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    /** The connector's order: by record, then chunk index. */
    private static List<ObjectNode> sorted(List<ObjectNode> points) {
        points.sort(java.util.Comparator.comparing((ObjectNode p) ->
                        p.path("metadata").path("_ab_record_id").asText().length())
                .thenComparing(p -> p.path("metadata").path("_ab_record_id").asText())
                .thenComparingLong(
                        p -> p.path("metadata").path("_ab_chunk_index").asLong()));
        return points;
    }

    private static Run connector(
            Path dir, ChromaServer server, Path catalog, String embedding, Path input, String name) {
        Path config = BenchSupport.config(dir, name, server.url(), name, embedding, CHUNK_SIZE);
        Run run = BenchSupport.runJar(
                dir, name, input, List.of(), "write", "--config", config.toString(), "--catalog", catalog.toString());
        BenchSupport.requireOk(run, "write " + name);
        return run;
    }

    enum Mode {
        UPSERT("upsert"),
        GET_UPSERT("GET ids + upsert"),
        GET_UPSERT_TRIM("GET ids + upsert + trim delete");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    /** Upserts {@code points} into a fresh collection, batches of 128 from 2 threads; wall seconds. */
    private static double raw(Chroma chroma, String name, List<ObjectNode> points, Mode mode) throws Exception {
        String id = chroma.create(name);
        List<List<ObjectNode>> batches = new ArrayList<>();
        for (int from = 0; from < points.size(); from += BATCH) {
            batches.add(points.subList(from, Math.min(points.size(), from + BATCH)));
        }
        // Bodies are built before the clock starts: this measures Chroma, not the benchmark's JSON.
        List<ObjectNode> upserts = new ArrayList<>();
        List<ObjectNode> gets = new ArrayList<>();
        List<List<ObjectNode>> trims = new ArrayList<>();
        for (List<ObjectNode> batch : batches) {
            ObjectNode upsert = Json.MAPPER.createObjectNode();
            ArrayNode ids = upsert.putArray("ids");
            ArrayNode embeddings = upsert.putArray("embeddings");
            ArrayNode documents = upsert.putArray("documents");
            ArrayNode metadatas = upsert.putArray("metadatas");
            ObjectNode get = Json.MAPPER.createObjectNode();
            ArrayNode getIds = get.putArray("ids");
            get.putArray("include").add("metadatas");
            Map<Long, List<String>> recordsByCount = new TreeMap<>();
            for (ObjectNode point : batch) {
                ids.add(point.get("id"));
                getIds.add(point.get("id"));
                embeddings.add(point.get("embedding"));
                documents.add(point.get("document"));
                metadatas.add(point.get("metadata"));
                JsonNode metadata = point.get("metadata");
                List<String> records = recordsByCount.computeIfAbsent(
                        metadata.path("_ab_chunk_count").asLong(), k -> new ArrayList<>());
                String record = metadata.path("_ab_record_id").asText();
                if (!records.contains(record)) {
                    records.add(record);
                }
            }
            List<ObjectNode> deletes = new ArrayList<>();
            recordsByCount.forEach((count, records) -> {
                ObjectNode delete = Json.MAPPER.createObjectNode();
                ArrayNode and = delete.putObject("where").putArray("$and");
                ArrayNode in = and.addObject().putObject("_ab_record_id").putArray("$in");
                records.forEach(in::add);
                and.addObject().putObject("_ab_chunk_index").put("$gte", count);
                deletes.add(delete);
            });
            upserts.add(upsert);
            gets.add(get);
            trims.add(deletes);
        }
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            long start = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                running.add(pool.submit(() -> {
                    for (int b = next.getAndIncrement(); b < batches.size(); b = next.getAndIncrement()) {
                        if (mode != Mode.UPSERT) {
                            chroma.post(id, "get", gets.get(b));
                        }
                        chroma.post(id, "upsert", upserts.get(b));
                        if (mode == Mode.GET_UPSERT_TRIM) {
                            for (ObjectNode delete : trims.get(b)) {
                                chroma.post(id, "delete", delete);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long stored = chroma.count(id);
            if (stored != points.size()) {
                throw new IllegalStateException("raw " + name + " stored " + stored + " of " + points.size());
            }
            return seconds;
        } finally {
            pool.shutdown();
        }
    }
}
