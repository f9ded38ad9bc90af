package io.vectorsink.bench;

import io.vectorsink.bench.BenchSupport.Run;
import io.vectorsink.testing.ChromaServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Start time, not a test: wall time of {@code spec} and {@code check} (fake and local embedder, against a
 * real Chroma) of the built jar at default JVM settings, from process start to exit; median of REPS runs,
 * interleaved.
 *
 * <pre>
 * mvn -q -o exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.vectorsink.bench.StartTimeBench -Dexec.args="REPS"
 * </pre>
 */
public final class StartTimeBench {
    private StartTimeBench() {}

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        Path dir = Files.createTempDirectory("vectorsink-bench-start-");
        System.out.println("machine: " + BenchSupport.machine());
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        try (ChromaServer server = ChromaServer.start()) {
            Path fake = BenchSupport.config(
                    dir, "fake", server.url(), "start", "{\"mode\":\"fake\",\"dimensions\":384}", 256);
            Path local = BenchSupport.config(
                    dir, "local", server.url(), "start", "{\"mode\":\"local\",\"model\":\"all-minilm-l6-v2-q\"}", 256);
            BenchSupport.runJar(dir, "warmup", null, List.of(), "spec"); // page cache
            for (int rep = 1; rep <= reps; rep++) {
                time(seconds, dir, "spec", "spec");
                time(seconds, dir, "check (fake embedder, Chroma)", "check", "--config", fake.toString());
                time(seconds, dir, "check (local MiniLM, Chroma)", "check", "--config", local.toString());
            }
        }
        System.out.println("| command | median s | min s | max s | runs |");
        System.out.println("|---|---:|---:|---:|---:|");
        seconds.forEach((name, values) -> System.out.printf(
                Locale.ROOT,
                "| `%s` | %.2f | %.2f | %.2f | %d |%n",
                name,
                BenchSupport.median(values),
                values.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                values.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                values.size()));
        System.out.println("load average at the end: " + BenchSupport.loadAverage());
        System.exit(0);
    }

    private static void time(Map<String, List<Double>> seconds, Path dir, String name, String... args)
            throws Exception {
        Run run = BenchSupport.runJar(dir, "run", null, List.of(), args);
        BenchSupport.requireOk(run, name);
        String out = Files.readString(run.stdout());
        if (name.startsWith("check") && !out.contains("SUCCEEDED")) {
            throw new IllegalStateException(name + " did not succeed: " + out);
        }
        seconds.computeIfAbsent(name, k -> new ArrayList<>()).add(run.seconds());
    }
}
