package io.vectorsink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.chunking.Chunk;
import io.vectorsink.chunking.Chunker;
import io.vectorsink.config.TextSplitterConfig;
import io.vectorsink.embedding.local.LocalModel;
import io.vectorsink.embedding.local.LocalOnnxEmbedder;
import io.vectorsink.protocol.Json;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the connector's CPU per chunk goes besides the model, not a test: in one warm JVM, the CPU time of the
 * calling thread for chunking every text of a corpus as the connector does (the model's tokenizer, chunk_size
 * 254, overlap 32) and for the SHA-256 chunk hashes the pipeline puts on every chunk ({@code _ab_chunk_hash},
 * the pipeline's own {@code ContentHashes}), against the CPU time of the model on the same chunks (one thread,
 * the chunker's token ids). Medians of REPS, after one warm-up of each.
 *
 * <pre>
 * mvn -q exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.vectorsink.bench.ChunkingBench \
 *     -Dexec.args="bench/work/sotu.jsonl 3"
 * </pre>
 */
public final class ChunkingBench {
    private static final int CHUNK_SIZE = 254;
    private static final int OVERLAP = 32;

    private ChunkingBench() {}

    public static void main(String[] args) throws Exception {
        Path messages = Path.of(args[0]);
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(messages, StandardCharsets.UTF_8)) {
            JsonNode message = Json.MAPPER.readTree(line);
            if (message.path("type").asText().equals("RECORD")) {
                texts.add(message.path("record").path("data").path("text").asText());
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (LocalOnnxEmbedder embedder = LocalOnnxEmbedder.load(LocalModel.ALL_MINILM_L6_V2_Q)) {
            Chunker chunker =
                    new Chunker(TextSplitterConfig.Separator.defaults(), CHUNK_SIZE, OVERLAP, embedder.tokenCounter());
            List<Chunk> chunks = chunk(chunker, texts); // warm-up
            embedder.embedChunks(chunks.subList(0, Math.min(256, chunks.size())));
            Object hashes = contentHashes(embedder);
            java.lang.reflect.Method chunkHash = hashes.getClass().getDeclaredMethod("chunkHash", String.class);
            chunkHash.setAccessible(true);
            hash(chunkHash, hashes, chunks); // warm-up
            List<Double> chunking = new ArrayList<>();
            List<Double> hashing = new ArrayList<>();
            List<Double> model = new ArrayList<>();
            for (int rep = 0; rep < reps; rep++) {
                long before = threads.getCurrentThreadCpuTime();
                chunks = chunk(chunker, texts);
                chunking.add((threads.getCurrentThreadCpuTime() - before) / 1e9);
                before = threads.getCurrentThreadCpuTime();
                hash(chunkHash, hashes, chunks);
                hashing.add((threads.getCurrentThreadCpuTime() - before) / 1e9);
                before = threads.getCurrentThreadCpuTime();
                for (int from = 0; from < chunks.size(); from += 128) {
                    embedder.embedChunks(chunks.subList(from, Math.min(chunks.size(), from + 128)));
                }
                model.add((threads.getCurrentThreadCpuTime() - before) / 1e9);
            }
            double c = BenchSupport.median(chunking);
            double m = BenchSupport.median(model);
            double h = BenchSupport.median(hashing);
            System.out.printf(
                    Locale.ROOT,
                    "%s: %d texts -> %d chunks; chunking %.3f CPU s (%.3f ms per chunk, all %s), model %.3f CPU s"
                            + " (%.3f ms per chunk, all %s); chunking / model %.3f; chunk hashes %.4f CPU s (%.4f ms per"
                            + " chunk), hashes / model %.4f; load %s%n",
                    messages.getFileName(),
                    texts.size(),
                    chunks.size(),
                    c,
                    1000 * c / chunks.size(),
                    chunking,
                    m,
                    1000 * m / chunks.size(),
                    model,
                    c / m,
                    h,
                    1000 * h / chunks.size(),
                    h / m,
                    BenchSupport.loadAverage());
        }
    }

    /** The pipeline's hashes for this embedder's model (package-private there, so reached by reflection). */
    private static Object contentHashes(LocalOnnxEmbedder embedder) throws ReflectiveOperationException {
        Class<?> type = Class.forName("io.vectorsink.pipeline.ContentHashes");
        java.lang.reflect.Method of =
                type.getDeclaredMethod("of", io.vectorsink.embedding.EmbeddingModel.class, String.class);
        of.setAccessible(true);
        return of.invoke(null, embedder.embeddingModel(), "");
    }

    private static void hash(java.lang.reflect.Method chunkHash, Object hashes, List<Chunk> chunks)
            throws ReflectiveOperationException {
        for (Chunk chunk : chunks) {
            chunkHash.invoke(hashes, chunk.text());
        }
    }

    private static List<Chunk> chunk(Chunker chunker, List<String> texts) {
        List<Chunk> chunks = new ArrayList<>();
        for (String text : texts) {
            chunks.addAll(chunker.splitMeasured(text));
        }
        return chunks;
    }
}
