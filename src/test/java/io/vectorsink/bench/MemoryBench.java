package io.vectorsink.bench;

import io.vectorsink.bench.BenchSupport.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory, not a test: peak RSS (VmHWM, polled) and peak heap used (the largest "before" of the GC log) of
 * the built jar's {@code write} at default JVM settings (no -Xmx; only {@code -Xlog:gc} is added, which
 * changes no sizing), for growing numbers of records, with the fake embedder into {@link ChromaSink}.
 *
 * <pre>
 * mvn -q -o exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.vectorsink.bench.MemoryBench \
 *     -Dexec.args="10000,100000,1000000 REPS [JVM-OPTIONS|-] [local]"
 * </pre>
 */
public final class MemoryBench {
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private MemoryBench() {}

    public static void main(String[] args) throws Exception {
        String[] sizes = (args.length > 0 ? args[0] : "10000,100000").split(",");
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        // Extra JVM options for the jar, space-separated (e.g. "-Xmx256m"); none means default settings.
        List<String> jvm =
                args.length > 2 && !args[2].equals("-") ? List.of(args[2].trim().split("\\s+")) : List.of();
        System.out.println("JVM options: " + (jvm.isEmpty() ? "(defaults)" : String.join(" ", jvm)));
        Path dir = Files.createTempDirectory("vectorsink-bench-memory-");
        Path catalog = BenchSupport.catalog(dir, BenchSupport.STREAM, "append_dedup");
        System.out.println("machine: " + BenchSupport.machine() + ", "
                + Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " "));
        System.out.println(
                "| records | chunks | wall s | records/s | peak RSS MB | peak heap used MB | heap committed MB |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        try (ChromaSink sink = new ChromaSink()) {
            // "local" as the 4th argument embeds with all-MiniLM-L6-v2 (ONNX, native memory) instead.
            boolean local = args.length > 3 && args[3].equals("local");
            String embedding = local
                    ? "{\"mode\":\"local\",\"model\":\"all-minilm-l6-v2-q\"}"
                    : "{\"mode\":\"fake\",\"dimensions\":384}";
            System.out.println("embedding: " + embedding);
            Path config = BenchSupport.config(dir, "config", sink.url(), "sink", embedding, 64);
            for (String size : sizes) {
                int records = Integer.parseInt(size.trim());
                Path corpus = BenchSupport.writeCorpus(dir.resolve("corpus.jsonl"), records, 120);
                for (int rep = 1; rep <= reps; rep++) {
                    long idsBefore = sink.upsertedIds();
                    Path gcLog = dir.resolve("gc-" + records + "-" + rep + ".log");
                    Run run = BenchSupport.runJar(
                            dir,
                            "write-" + records + "-" + rep,
                            corpus,
                            jvmOptions(jvm, gcLog),
                            "write",
                            "--config",
                            config.toString(),
                            "--catalog",
                            catalog.toString());
                    BenchSupport.requireOk(run, "write of " + records + " records");
                    long[] heap = heap(gcLog);
                    System.out.printf(
                            Locale.ROOT,
                            "| %d | %d | %.1f | %.0f | %d | %d | %d |%n",
                            records,
                            sink.upsertedIds() - idsBefore,
                            run.seconds(),
                            records / run.seconds(),
                            run.peakRssKib() / 1024,
                            heap[0],
                            heap[1]);
                }
                Files.delete(corpus);
            }
        }
        System.out.println("load average at the end: " + BenchSupport.loadAverage());
        System.exit(0);
    }

    private static List<String> jvmOptions(List<String> extra, Path gcLog) {
        List<String> options = new ArrayList<>(extra);
        options.add("-Xlog:gc:file=" + gcLog);
        return options;
    }

    /** The largest heap occupancy before a GC, and the largest committed heap, in MB. */
    static long[] heap(Path gcLog) throws IOException {
        long used = 0;
        long committed = 0;
        List<String> lines = Files.exists(gcLog) ? Files.readAllLines(gcLog) : new ArrayList<>();
        for (String line : lines) {
            Matcher m = GC_LINE.matcher(line);
            if (m.find()) {
                used = Math.max(used, Long.parseLong(m.group(1)));
                committed = Math.max(committed, Long.parseLong(m.group(3)));
            }
        }
        return new long[] {used, committed};
    }
}
