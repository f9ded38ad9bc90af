package io.vectorsink.bench;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.chunking.Chunk;
import io.vectorsink.chunking.Chunker;
import io.vectorsink.config.TextSplitterConfig;
import io.vectorsink.embedding.Vectors;
import io.vectorsink.embedding.local.LocalModel;
import io.vectorsink.embedding.local.LocalOnnxEmbedder;
import io.vectorsink.embedding.local.OnnxSettings;
import io.vectorsink.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How to run the local model fastest: the same chunks embedded with different {@link OnnxSettings} (texts and
 * tokens per model run, graph optimisation, intra-op threads and spinning, memory arena), in one JVM, variants
 * interleaved, medians of {@code reps}. Each variant embeds every chunk in pieces of 128 (the pipeline's batch)
 * from {@code callers} threads (the pipeline's {@code embedding_concurrency}). The ONNX Runtime version is the
 * one on the classpath ({@code -Donnxruntime.version=...} picks another for the whole run). Min cosine is
 * against the first variant's vectors. Run after {@code mvn test-compile}:
 *
 * <pre>
 * mvn -q exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.vectorsink.bench.LocalInferenceBench \
 *     -Dexec.args="bench/work/sotu-short.jsonl 254 3 batch1,batch4,batch8,batch16,batch32"
 * </pre>
 *
 * Variants: {@code default}; {@code batchN} (N texts per run, at most 8,192 tokens); {@code tokensN} (default
 * texts, at most N tokens per run); {@code basic}, {@code extended} (optimisation level); {@code noarena};
 * {@code threads2} and {@code threads2spin} (one caller with 2 intra-op threads, without and with spinning).
 */
public final class LocalInferenceBench {
    private LocalInferenceBench() {}

    public static void main(String[] args) throws Exception {
        Path messages = Path.of(args[0]);
        int chunkSize = Integer.parseInt(args[1]);
        int reps = Integer.parseInt(args[2]);
        List<String> variants = List.of(args[3].split(","));
        LocalModel model = args.length > 4 ? LocalModel.fromName(args[4]) : LocalModel.ALL_MINILM_L6_V2_Q;

        Map<String, LocalOnnxEmbedder> embedders = new LinkedHashMap<>();
        for (String variant : variants) {
            embedders.put(variant, LocalOnnxEmbedder.load(model, settings(variant)));
        }
        LocalOnnxEmbedder first = embedders.values().iterator().next();
        List<Chunk> chunks = chunks(messages, chunkSize, first);
        long tokens = chunks.stream().mapToLong(c -> c.tokens().count()).sum();
        System.out.printf(
                Locale.ROOT,
                "%s, %s: %d chunks, %d tokens (mean %.1f), chunk_size %d; ONNX Runtime %s; %s%n%n",
                model.modelName(),
                messages.getFileName(),
                chunks.size(),
                tokens,
                (double) tokens / chunks.size(),
                chunkSize,
                ai.onnxruntime.OrtEnvironment.class.getPackage().getImplementationVersion(),
                BenchSupport.machine());

        Map<String, List<Double>> wall = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        Map<String, Double> cosine = new LinkedHashMap<>();
        List<float[]> reference = null;
        for (Map.Entry<String, LocalOnnxEmbedder> entry : embedders.entrySet()) {
            List<float[]> vectors = embed(entry.getValue(), chunks, callers(entry.getKey())); // warm-up
            reference = reference == null ? vectors : reference;
            cosine.put(entry.getKey(), minCosine(reference, vectors));
        }
        List<String> loads = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            loads.add(BenchSupport.loadAverage());
            List<String> order = new ArrayList<>(embedders.keySet());
            java.util.Collections.rotate(order, rep);
            for (String variant : order) {
                double cpuBefore = BenchSupport.processCpuSeconds();
                long start = System.nanoTime();
                embed(embedders.get(variant), chunks, callers(variant));
                wall.computeIfAbsent(variant, v -> new ArrayList<>()).add((System.nanoTime() - start) / 1e9);
                cpu.computeIfAbsent(variant, v -> new ArrayList<>()).add(BenchSupport.processCpuSeconds() - cpuBefore);
            }
        }
        loads.add(BenchSupport.loadAverage());
        System.out.println(
                "| variant | median wall s | median CPU s | CPU ms per chunk | CPU vs first | min cosine vs first |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        double firstCpu = BenchSupport.median(cpu.get(variants.get(0)));
        for (String variant : variants) {
            double c = BenchSupport.median(cpu.get(variant));
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.2f | %.2f | %.2f | %.2f | %.5f |%n",
                    variant,
                    BenchSupport.median(wall.get(variant)),
                    c,
                    c * 1000 / chunks.size(),
                    c / firstCpu,
                    cosine.get(variant));
        }
        System.out.println("\nload average during the reps: " + String.join(" → ", loads));
        embedders.values().forEach(LocalOnnxEmbedder::close);
    }

    static OnnxSettings settings(String variant) {
        OnnxSettings defaults = OnnxSettings.defaults();
        if (variant.startsWith("batch")) {
            return defaults.withBatch(Integer.parseInt(variant.substring(5)), 8192);
        }
        if (variant.startsWith("tokens")) {
            return defaults.withBatch(defaults.maxBatchTexts(), Integer.parseInt(variant.substring(6)));
        }
        return switch (variant) {
            case "default" -> defaults;
            case "basic" -> defaults.withOptimization(OptLevel.BASIC_OPT);
            case "extended" -> defaults.withOptimization(OptLevel.EXTENDED_OPT);
            case "noarena" -> defaults.withArena(false);
            case "threads2" -> defaults.withIntraOpThreads(2);
            case "threads2spin" -> defaults.withIntraOpThreads(2).withSpinning(true);
            default -> throw new IllegalArgumentException("unknown variant " + variant);
        };
    }

    private static int callers(String variant) {
        return variant.startsWith("threads2") ? 1 : 2;
    }

    /** The text field of every record, chunked as the connector chunks it (default separators, no overlap). */
    static List<Chunk> chunks(Path messages, int chunkSize, LocalOnnxEmbedder embedder) throws Exception {
        Chunker chunker = new Chunker(TextSplitterConfig.Separator.defaults(), chunkSize, 0, embedder.tokenCounter());
        List<Chunk> chunks = new ArrayList<>();
        for (String line : Files.readAllLines(messages, StandardCharsets.UTF_8)) {
            JsonNode message = Json.MAPPER.readTree(line);
            if (message.path("type").asText().equals("RECORD")) {
                chunks.addAll(chunker.splitMeasured(
                        message.path("record").path("data").path("text").asText()));
            }
        }
        return chunks;
    }

    /** Every chunk, in pieces of 128 spread over {@code callers} threads; the vectors in order. */
    static List<float[]> embed(LocalOnnxEmbedder embedder, List<Chunk> chunks, int callers) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<List<float[]>>> parts = new ArrayList<>();
            for (int from = 0; from < chunks.size(); from += 128) {
                List<Chunk> part = chunks.subList(from, Math.min(chunks.size(), from + 128));
                parts.add(pool.submit(() -> embedder.embedChunks(part)));
            }
            List<float[]> vectors = new ArrayList<>(chunks.size());
            for (Future<List<float[]>> part : parts) {
                vectors.addAll(part.get());
            }
            return vectors;
        } finally {
            pool.shutdown();
        }
    }

    private static double minCosine(List<float[]> a, List<float[]> b) {
        double min = 1;
        for (int i = 0; i < a.size(); i++) {
            min = Math.min(min, Vectors.cosine(a.get(i), b.get(i)));
        }
        return min;
    }
}
