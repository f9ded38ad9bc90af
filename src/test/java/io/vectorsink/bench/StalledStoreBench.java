package io.vectorsink.bench;

import io.vectorsink.bench.BenchSupport.Run;
import io.vectorsink.testing.ChromaServer;
import io.vectorsink.testing.HoldingProxy;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Large states against a stalled store, not a test: STATES states of 1 MB (a CDC-like blob), ten records
 * apart, through the jar's {@code write} at {@code -Xmx256m} into the npm Chroma behind a proxy that holds
 * every upsert's answer for HOLD seconds. Reports the exit code, the wall time, the peak RSS, and the
 * connector's own figure for the most its waiting states took. Each {@code LABEL=JAR} is a build.
 *
 * <pre>
 * mvn -q -o exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.vectorsink.bench.StalledStoreBench \
 *     -Dexec.args="STATES HOLD before=/path/to/old.jar after=target/destination-vectorsink.jar"
 * </pre>
 */
public final class StalledStoreBench {
    private StalledStoreBench() {}

    public static void main(String[] args) throws Exception {
        int states = Integer.parseInt(args[0]);
        int holdSeconds = Integer.parseInt(args[1]);
        Path dir = Files.createTempDirectory("vectorsink-bench-stalled-");
        Path input = dir.resolve("input.jsonl");
        String blob = "s".repeat(1 << 20);
        try (BufferedWriter out = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
            for (int round = 0; round < states; round++) {
                for (int i = 0; i < 10; i++) {
                    out.write("{\"type\":\"RECORD\",\"record\":{\"stream\":\"cdc\",\"emitted_at\":1,\"data\":{\"text\":"
                            + "\"record " + (round * 10 + i) + "\"}}}\n");
                }
                out.write("{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":"
                        + "{\"name\":\"cdc\"},\"stream_state\":{\"round\":" + round + ",\"blob\":\"" + blob
                        + "\"}}}}\n");
            }
        }
        Path catalog = BenchSupport.write(
                dir.resolve("catalog.json"),
                "{\"streams\":[{\"stream\":{\"name\":\"cdc\",\"json_schema\":{\"type\":\"object\"},"
                        + "\"supported_sync_modes\":[\"incremental\"]},\"sync_mode\":\"incremental\","
                        + "\"destination_sync_mode\":\"append\",\"primary_key\":[]}]}");
        System.out.println("machine: " + BenchSupport.machine());
        System.out.printf(
                Locale.ROOT,
                "input: %d states of 1 MiB, 10 records apart (%d MB); upserts held %d s%n",
                states,
                Files.size(input) >> 20,
                holdSeconds);
        System.out.println("| build | exit | wall s | peak RSS MiB | waiting states at most | states echoed |");
        System.out.println("|---|---:|---:|---:|---|---:|");
        try (ChromaServer server = ChromaServer.start()) {
            for (int i = 2; i < args.length; i++) {
                String[] build = args[i].split("=", 2);
                ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
                try (HoldingProxy proxy = new HoldingProxy(server.url())) {
                    timer.schedule(proxy::release, holdSeconds, TimeUnit.SECONDS);
                    String collection = "stalled-" + build[0] + "-"
                            + ProcessHandle.current().pid();
                    Path config = BenchSupport.config(
                            dir, collection, proxy.url(), collection, "{\"mode\":\"fake\",\"dimensions\":8}", 64);
                    Run run = BenchSupport.runJava(
                            dir,
                            collection,
                            input,
                            List.of(
                                    "-Xmx256m",
                                    "-jar",
                                    Path.of(build[1]).toAbsolutePath().toString(),
                                    "write",
                                    "--config",
                                    config.toString(),
                                    "--catalog",
                                    catalog.toString()));
                    List<String> out = Files.readAllLines(run.stdout());
                    long echoed = out.stream()
                            .filter(l -> l.startsWith("{\"type\":\"STATE\""))
                            .count();
                    String waited = out.stream()
                            .filter(l -> l.contains("states waiting for the store took at most"))
                            .map(l -> l.replaceAll(".*took at most ([0-9.]+ MiB of their [0-9.]+ MiB).*", "$1"))
                            .findFirst()
                            .orElse(out.stream()
                                    .filter(l -> l.contains("\"failure_type\""))
                                    .map(l -> l.replaceAll(".*\"message\":\"([^\"]{0,80}).*", "failed: $1"))
                                    .findFirst()
                                    .orElse("?"));
                    System.out.printf(
                            Locale.ROOT,
                            "| %s | %d | %.1f | %d | %s | %d |%n",
                            build[0],
                            run.exitCode(),
                            run.seconds(),
                            run.peakRssKib() / 1024,
                            waited,
                            echoed);
                } finally {
                    timer.shutdownNow();
                }
            }
        }
        System.out.println("load average after: " + BenchSupport.loadAverage());
    }
}
