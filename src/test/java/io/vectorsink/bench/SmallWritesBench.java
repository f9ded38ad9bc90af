package io.vectorsink.bench;

import io.vectorsink.bench.BenchSupport.Run;
import io.vectorsink.testing.ChromaServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Many small writes, not a test: (a) S streams of one record each, every record followed by its stream's
 * STATE and COMPLETE status; (b) R records of one stream with a GLOBAL state after every record. Both
 * through the jar's {@code write} ({@code append}, fake embedder of 8 dimensions, {@code -Xmx256m}) into
 * the npm Chroma. Every partial batch that a state flushes used to be a store request of its own. Each
 * {@code LABEL=JAR} argument is a build of the connector; the builds run interleaved, REPS times each, and
 * the medians are reported.
 *
 * <pre>
 * mvn -q -o exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.vectorsink.bench.SmallWritesBench \
 *     -Dexec.args="STREAMS RECORDS REPS before=/path/to/old.jar after=target/destination-vectorsink.jar"
 * </pre>
 */
public final class SmallWritesBench {
    private SmallWritesBench() {}

    public static void main(String[] args) throws Exception {
        int streams = Integer.parseInt(args[0]);
        int records = Integer.parseInt(args[1]);
        int reps = Integer.parseInt(args[2]);
        List<String[]> builds = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            builds.add(args[i].split("=", 2));
        }
        Path dir = Files.createTempDirectory("vectorsink-bench-small-");
        try (ChromaServer server = ChromaServer.start()) {
            run(server.url(), dir, streams, records, reps, builds);
        }
    }

    private static void run(String chroma, Path dir, int streams, int records, int reps, List<String[]> builds) {
        System.out.println("machine: " + BenchSupport.machine());
        Path manyStreams = dir.resolve("many-streams.jsonl");
        Path manyStreamsCatalog = dir.resolve("many-streams-catalog.json");
        StringBuilder input = new StringBuilder();
        StringBuilder catalog = new StringBuilder("{\"streams\":[");
        for (int i = 0; i < streams; i++) {
            String name = "s" + i;
            catalog.append(i == 0 ? "" : ",").append(stream(name));
            input.append(record(name, i))
                    .append("{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":")
                    .append("{\"name\":\"")
                    .append(name)
                    .append("\"},\"stream_state\":{\"c\":1}}}}\n")
                    .append("{\"type\":\"TRACE\",\"trace\":{\"type\":\"STREAM_STATUS\",\"emitted_at\":1,")
                    .append("\"stream_status\":{\"status\":\"COMPLETE\",\"stream_descriptor\":{\"name\":\"")
                    .append(name)
                    .append("\"}}}}\n");
        }
        BenchSupport.write(manyStreams, input.toString());
        BenchSupport.write(manyStreamsCatalog, catalog.append("]}").toString());
        Path globalStates = dir.resolve("global-states.jsonl");
        input.setLength(0);
        for (int i = 0; i < records; i++) {
            input.append(record("logs", i))
                    .append("{\"type\":\"STATE\",\"state\":{\"type\":\"GLOBAL\",\"global\":{\"shared_state\":{\"c\":")
                    .append(i)
                    .append("}}}}\n");
        }
        BenchSupport.write(globalStates, input.toString());
        Path globalCatalog =
                BenchSupport.write(dir.resolve("global-catalog.json"), "{\"streams\":[" + stream("logs") + "]}");

        System.out.println("| workload | build | median s | CPU s (median) | runs |");
        System.out.println("|---|---|---:|---:|---|");
        for (String[] workload : List.of(
                new String[] {streams + " streams of 1 record, STATE and COMPLETE each", "many"},
                new String[] {records + " records, a GLOBAL state after each", "global"})) {
            boolean many = workload[1].equals("many");
            List<List<Double>> seconds = new ArrayList<>();
            List<List<Double>> cpu = new ArrayList<>();
            builds.forEach(b -> {
                seconds.add(new ArrayList<>());
                cpu.add(new ArrayList<>());
            });
            for (int rep = 0; rep < reps; rep++) {
                for (int b = 0; b < builds.size(); b++) {
                    String collection = "small-" + workload[1] + "-" + builds.get(b)[0] + "-" + rep + "-"
                            + ProcessHandle.current().pid();
                    Path config = BenchSupport.config(
                            dir, collection, chroma, collection, "{\"mode\":\"fake\",\"dimensions\":8}", 64);
                    Run run = BenchSupport.runJava(
                            dir,
                            collection,
                            many ? manyStreams : globalStates,
                            List.of(
                                    "-Xmx256m",
                                    "-jar",
                                    Path.of(builds.get(b)[1]).toAbsolutePath().toString(),
                                    "write",
                                    "--config",
                                    config.toString(),
                                    "--catalog",
                                    (many ? manyStreamsCatalog : globalCatalog).toString()));
                    BenchSupport.requireOk(run, builds.get(b)[0]);
                    seconds.get(b).add(run.seconds());
                    cpu.get(b).add(run.cpuSeconds());
                }
            }
            for (int b = 0; b < builds.size(); b++) {
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %s | %.1f | %.1f | %s |%n",
                        workload[0],
                        builds.get(b)[0],
                        BenchSupport.median(seconds.get(b)),
                        BenchSupport.median(cpu.get(b)),
                        seconds.get(b).stream()
                                .map(s -> String.format(Locale.ROOT, "%.1f", s))
                                .toList());
            }
        }
        System.out.println("load average after: " + BenchSupport.loadAverage());
    }

    private static String stream(String name) {
        return "{\"stream\":{\"name\":\"" + name + "\",\"json_schema\":{\"type\":\"object\"},"
                + "\"supported_sync_modes\":[\"full_refresh\"]},\"sync_mode\":\"full_refresh\","
                + "\"destination_sync_mode\":\"append\",\"primary_key\":[]}";
    }

    private static String record(String stream, int i) {
        return "{\"type\":\"RECORD\",\"record\":{\"stream\":\"" + stream + "\",\"emitted_at\":1700000000000,"
                + "\"data\":{\"text\":\"record " + i + " of a small stream\"}}}\n";
    }
}
