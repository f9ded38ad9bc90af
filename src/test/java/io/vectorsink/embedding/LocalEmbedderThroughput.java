package io.vectorsink.embedding;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.vectorsink.embedding.local.LocalModel;
import io.vectorsink.embedding.local.LocalOnnxEmbedder;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A throughput harness, not a test (it never runs in the build): embeddings per second for texts of about
 * 130 tokens, with 1 and 2 caller threads calling {@link Embedder#embed} in batches of 32, and
 * LangChain4j's stock model for comparison. Run after {@code mvn test-compile}:
 *
 * <pre>
 * mvn -B -o -q exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.vectorsink.embedding.LocalEmbedderThroughput -Dexec.args="all-minilm-l6-v2-q 1024"
 * </pre>
 */
public final class LocalEmbedderThroughput {
    private static final int BATCH = 32;
    private static final String[] WORDS = ("data pipelines move records from sources into vector stores where"
                    + " retrieval systems search them by meaning rather than by exact keywords so every chunk must"
                    + " keep its full text")
            .split(" ");

    private LocalEmbedderThroughput() {}

    public static void main(String[] args) throws Exception {
        LocalModel model = LocalModel.fromName(args.length > 0 ? args[0] : null);
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        List<String> texts = texts(count);
        int[] tokens = tokenRange(texts, model);
        System.out.printf(
                Locale.ROOT,
                "%s, %d texts of %d-%d tokens, %d cores%n",
                model.modelName(),
                count,
                tokens[0],
                tokens[1],
                Runtime.getRuntime().availableProcessors());
        for (int intraOp : new int[] {1, 2}) {
            try (LocalOnnxEmbedder embedder = LocalOnnxEmbedder.load(model, intraOp)) {
                run(embedder, texts.subList(0, Math.min(128, count)), 1); // warm-up
                for (int callers : new int[] {1, 2}) {
                    long cpuBefore = processCpuNanos();
                    double rate = run(embedder, texts, callers);
                    double cpuMs = (processCpuNanos() - cpuBefore) / 1e6 / count;
                    System.out.printf(
                            Locale.ROOT,
                            "callers=%d intra-op=%d: %.1f embeddings/s, %.1f ms CPU per embedding%n",
                            callers,
                            intraOp,
                            rate,
                            cpuMs);
                }
            }
        }
        if (model == LocalModel.ALL_MINILM_L6_V2_Q) {
            // Stock settings: its own pool of one thread per core, intra-op threads = cores; 126-token cut.
            AllMiniLmL6V2QuantizedEmbeddingModel stock = new AllMiniLmL6V2QuantizedEmbeddingModel();
            List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
            stock.embedAll(segments.subList(0, Math.min(128, count)));
            long start = System.nanoTime();
            for (int from = 0; from < segments.size(); from += BATCH) {
                stock.embedAll(segments.subList(from, Math.min(from + BATCH, segments.size())));
            }
            double rate = count / ((System.nanoTime() - start) / 1e9);
            System.out.printf(Locale.ROOT, "stock LangChain4j model, 1 caller: %.1f embeddings/s%n", rate);
        }
        System.exit(0); // the stock model's executor threads are not daemons
    }

    /** CPU time of the whole process: unlike wall time, not inflated by other processes on a shared machine. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double run(Embedder embedder, List<String> texts, int callers) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            long start = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                running.add(pool.submit(() -> {
                    for (int from = next.getAndAdd(BATCH); from < texts.size(); from = next.getAndAdd(BATCH)) {
                        embedder.embed(texts.subList(from, Math.min(from + BATCH, texts.size())));
                    }
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
            return texts.size() / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdown();
        }
    }

    /** Distinct texts of about 130 tokens: 120 words, a number and a varying word order. */
    private static List<String> texts(int count) {
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder("record ").append(i);
            for (int w = 0; w < 125; w++) {
                text.append(' ').append(WORDS[(w * 7 + i) % WORDS.length]);
            }
            texts.add(text.toString());
        }
        return texts;
    }

    private static int[] tokenRange(List<String> texts, LocalModel model) {
        try (LocalOnnxEmbedder embedder = LocalOnnxEmbedder.load(model)) {
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (String text : texts) {
                int tokens = embedder.tokenCounter().count(text);
                min = Math.min(min, tokens);
                max = Math.max(max, tokens);
            }
            return new int[] {min, max};
        }
    }
}
