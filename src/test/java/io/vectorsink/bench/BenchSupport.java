package io.vectorsink.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.protocol.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** Shared pieces of the benchmarks: generated corpus, configs, running the built jar, a bare Chroma client. */
final class BenchSupport {
    static final String STREAM = "bench";
    private static final MediaType JSON = MediaType.get("application/json");
    private static final String[] WORDS = ("the congress shall make no law respecting an establishment of religion"
                    + " or prohibiting the free exercise thereof or abridging the freedom of speech or of the press"
                    + " or the right of the people peaceably to assemble and to petition the government for a"
                    + " redress of grievances union state nation economy budget energy defense schools workers")
            .split(" ");

    private BenchSupport() {}

    /** Public-domain-style generated text: {@code words} words per record, distinct per record. */
    static Path writeCorpus(Path file, int records, int words) {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < records; i++) {
                StringBuilder text = new StringBuilder("record ").append(i);
                for (int w = 0; w < words; w++) {
                    text.append(' ').append(WORDS[(w * 7 + i * 13 + w / 5) % WORDS.length]);
                }
                ObjectNode data = Json.MAPPER.createObjectNode();
                data.put("id", i);
                data.put("text", text.toString());
                ObjectNode record = Json.MAPPER.createObjectNode();
                record.put("stream", STREAM);
                record.put("emitted_at", 1_700_000_000_000L + i);
                record.set("data", data);
                ObjectNode message = Json.MAPPER.createObjectNode();
                message.put("type", "RECORD");
                message.set("record", record);
                out.write(Json.MAPPER.writeValueAsString(message));
                out.write('\n');
                if ((i + 1) % 1000 == 0) {
                    out.write("{\"type\":\"STATE\",\"state\":{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":"
                            + "{\"name\":\"" + STREAM + "\"},\"stream_state\":{\"cursor\":" + (i + 1) + "}}}}\n");
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path catalog(Path dir, String stream, String mode) {
        String json = "{\"streams\":[{\"stream\":{\"name\":\"" + stream + "\",\"json_schema\":{\"type\":\"object\"},"
                + "\"supported_sync_modes\":[\"full_refresh\",\"incremental\"]},\"sync_mode\":\"incremental\","
                + "\"destination_sync_mode\":\"" + mode + "\",\"primary_key\":[[\"id\"]],"
                + "\"generation_id\":1,\"minimum_generation_id\":0,\"sync_id\":1}]}";
        return write(dir.resolve("catalog-" + stream + "-" + mode + ".json"), json);
    }

    static Path config(Path dir, String name, String host, String collection, String embedding, int chunkSize) {
        String json =
                "{\"processing\":{\"chunk_size\":" + chunkSize + ",\"chunk_overlap\":0,\"text_fields\":[\"text\"],"
                        + "\"metadata_fields\":[]},\"embedding\":" + embedding
                        + ",\"indexing\":{\"mode\":\"chroma\",\"host\":\""
                        + host + "\",\"collection\":\"" + collection + "\"}}";
        return write(dir.resolve(name + ".json"), json);
    }

    static Path write(Path file, String text) {
        try {
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A finished run of the jar: wall seconds, exit code, and the peak RSS in KiB (VmHWM). */
    record Run(double seconds, int exitCode, long peakRssKib, double cpuSeconds, Path stdout, Path stderr) {}

    /** Runs the built jar, at default JVM settings unless {@code jvmOptions} say otherwise (see runJava). */
    static Run runJar(Path workDir, String label, Path stdin, List<String> jvmOptions, String... args) {
        List<String> arguments = new ArrayList<>(jvmOptions);
        arguments.add("-jar");
        arguments.add(jar().toString());
        arguments.addAll(Arrays.asList(args));
        return runJava(workDir, label, stdin, arguments);
    }

    /** Runs the built jar's {@code write} at default JVM settings, with {@code input} on stdin. */
    static Run runWrite(Path workDir, String label, Path input, Path config, Path catalog) {
        return runJar(
                workDir,
                label,
                input,
                List.of(),
                "write",
                "--config",
                config.toString(),
                "--catalog",
                catalog.toString());
    }

    /** Runs the built jar's {@code write} as the Docker image runs it: with its JVM options. */
    static Run runWriteAsImage(Path workDir, String label, Path input, Path config, Path catalog) {
        return runJar(
                workDir,
                label,
                input,
                io.vectorsink.testing.ImageJvmOptions.read(),
                "write",
                "--config",
                config.toString(),
                "--catalog",
                catalog.toString());
    }

    /**
     * Runs {@code java ARGUMENTS} (this JVM's java) with stdin from a file, polling its peak RSS and CPU
     * time; stdout and stderr go to {@code LABEL.out} and {@code LABEL.err} in {@code workDir}.
     */
    static Run runJava(Path workDir, String label, Path stdin, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(arguments);
        Path out = workDir.resolve(label + ".out");
        Path err = workDir.resolve(label + ".err");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        try {
            long start = System.nanoTime();
            Process process = builder.start();
            long peak = 0;
            double cpu = 0;
            Path status = Path.of("/proc/" + process.pid() + "/status");
            while (!process.waitFor(20, TimeUnit.MILLISECONDS)) {
                peak = Math.max(peak, hwm(status));
                cpu = Math.max(cpu, cpuSeconds(process.pid()));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Run(seconds, process.exitValue(), peak, cpu, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * CPU seconds (user + system) a process used so far, from {@code /proc/PID/stat}; 0 once it is gone.
     * Polled, so the last 20 ms of a process that exits are missed.
     */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[11] and [12] are utime and stime (fields 14 and 15 of proc(5)), in clock ticks of 1/100 s.
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long hwm(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process just ended
        }
        return 0;
    }

    static Path jar() {
        return Path.of(System.getProperty("vectorsink.jar", "target/destination-vectorsink.jar"))
                .toAbsolutePath();
    }

    static void requireOk(Run run, String what) {
        if (run.exitCode() != 0) {
            try {
                throw new IllegalStateException(what + " exited with " + run.exitCode() + ":\n"
                        + Files.readString(run.stderr()) + "\n" + tail(Files.readString(run.stdout())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static String tail(String text) {
        return text.substring(Math.max(0, text.length() - 2000));
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    static String machine() {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse("?");
        } catch (IOException e) {
            // keep "?"
        }
        return String.format(
                Locale.ROOT,
                "%d cores (%s), JVM %s, load average %s",
                Runtime.getRuntime().availableProcessors(),
                cpu,
                System.getProperty("java.version"),
                loadAverage());
    }

    /**
     * The test classpath for a child JVM: under {@code exec:java} it is the class loader's URLs (the {@code
     * java.class.path} of that JVM is Maven's own), otherwise {@code java.class.path}.
     */
    static String testClasspath() {
        if (BenchSupport.class.getClassLoader() instanceof java.net.URLClassLoader loader
                && loader.getURLs().length > 0) {
            List<String> entries = new ArrayList<>();
            for (java.net.URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalStateException("not a file URL on the classpath: " + url, e);
                }
            }
            return String.join(java.io.File.pathSeparator, entries);
        }
        return System.getProperty("java.class.path");
    }

    static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }

    /** A bare Chroma v2 client: only what the raw-ingest baseline needs. */
    static final class Chroma {
        final String base;
        final OkHttpClient client =
                new OkHttpClient.Builder().readTimeout(120, TimeUnit.SECONDS).build();

        Chroma(String url) {
            this.base = url + "/api/v2/tenants/default_tenant/databases/default_database/collections";
        }

        String create(String name) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.put("name", name);
            body.putObject("configuration").putObject("hnsw").put("space", "cosine");
            body.put("get_or_create", true);
            return post(base, body).path("id").asText();
        }

        JsonNode post(String id, String op, ObjectNode body) {
            return post(base + "/" + id + "/" + op, body);
        }

        JsonNode post(String url, ObjectNode body) {
            try {
                Request request = new Request.Builder()
                        .url(url)
                        .post(RequestBody.create(Json.MAPPER.writeValueAsBytes(body), JSON))
                        .build();
                try (Response response = client.newCall(request).execute()) {
                    String text = response.body() == null ? "" : response.body().string();
                    if (!response.isSuccessful()) {
                        throw new IllegalStateException("Chroma answered " + response.code() + " to " + url + ": "
                                + text.substring(0, Math.min(300, text.length())));
                    }
                    return Json.MAPPER.readTree(text);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Every point of a collection with documents, metadatas and embeddings, page by page. */
        List<ObjectNode> readAll(String id) {
            List<ObjectNode> points = new ArrayList<>();
            for (int offset = 0; ; offset += 1000) {
                ObjectNode body = Json.MAPPER.createObjectNode();
                ArrayNode include = body.putArray("include");
                include.add("documents").add("metadatas").add("embeddings");
                body.put("limit", 1000);
                body.put("offset", offset);
                JsonNode page = post(id, "get", body);
                JsonNode ids = page.path("ids");
                for (int i = 0; i < ids.size(); i++) {
                    ObjectNode point = Json.MAPPER.createObjectNode();
                    point.set("id", ids.get(i));
                    point.set("document", page.path("documents").get(i));
                    point.set("metadata", page.path("metadatas").get(i));
                    point.set("embedding", page.path("embeddings").get(i));
                    points.add(point);
                }
                if (ids.size() < 1000) {
                    return points;
                }
            }
        }

        long count(String id) {
            try {
                Request request =
                        new Request.Builder().url(base + "/" + id + "/count").build();
                try (Response response = client.newCall(request).execute()) {
                    return Long.parseLong(response.body().string().trim());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
