package io.vectorsink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.protocol.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs the built jar exactly as Airbyte does: {@code java -jar destination-vectorsink.jar <command>},
 * messages on stdin, protocol messages read from stdout line by line, stderr kept for inspection.
 *
 * <p>Everything the process printed is scanned for the secrets of its {@code --config} ({@link SecretScan})
 * when it is awaited or closed: a leak fails whichever test made it.
 */
public final class ConnectorProcess implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> stdoutLines = new LinkedBlockingQueue<>();
    private final List<String> allStdout = java.util.Collections.synchronizedList(new ArrayList<>());
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final Thread stdoutPump;
    private final Thread stderrPump;
    private final SecretScan secrets;
    private boolean scanned;

    private ConnectorProcess(Process process, SecretScan secrets) {
        this.process = process;
        this.secrets = secrets;
        this.stdoutPump = pumpLines(process.getInputStream());
        this.stderrPump = pump(process.getErrorStream(), stderr);
    }

    public static Path jar() {
        return Path.of(System.getProperty("vectorsink.jar", "target/destination-vectorsink.jar"));
    }

    /** Starts the connector with {@code args}; stdin stays open until {@link #closeStdin()}. */
    public static ConnectorProcess start(String... args) {
        return start(Map.of(), List.of("-Xmx512m"), args);
    }

    /**
     * Starts the connector with {@code args}, the JVM options {@code jvmOptions} and these environment
     * variables. The platform's job id ({@code WORKER_JOB_ID}) is set only when {@code environment} sets it,
     * whatever the environment of the tests holds.
     */
    public static ConnectorProcess start(Map<String, String> environment, List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar().toAbsolutePath().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("WORKER_JOB_ID");
        builder.environment().putAll(environment);
        try {
            return new ConnectorProcess(builder.start(), SecretScan.ofArgs(List.of(args)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs to completion with {@code stdin} as input. */
    public static Result run(String stdin, String... args) {
        try (ConnectorProcess process = start(args)) {
            process.write(stdin);
            process.closeStdin();
            return process.await(180);
        }
    }

    public void write(String text) {
        try {
            OutputStream in = process.getOutputStream();
            in.write(text.getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(byte[] bytes) {
        try {
            process.getOutputStream().write(bytes);
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void closeStdin() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next stdout line that matches, waiting at most {@code seconds}; null if none came. */
    public JsonNode awaitMessage(Predicate<JsonNode> matching, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String line = stdoutLines.poll(50, TimeUnit.MILLISECONDS);
            if (line != null) {
                JsonNode message = parse(line);
                if (matching.test(message)) {
                    return message;
                }
            }
        }
        return null;
    }

    /** Stdout lines so far, as messages. */
    public List<JsonNode> messagesSoFar() {
        synchronized (allStdout) {
            return allStdout.stream().map(ConnectorProcess::parse).toList();
        }
    }

    public void kill() {
        process.destroyForcibly();
    }

    /**
     * Sends SIGTERM, as the platform does when it cancels a sync. Through the process handle: {@code
     * Process.destroy()} would also close the pipes, losing what the process prints while it stops.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    public Result await(long seconds) {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the connector did not exit within " + seconds + " s; stderr:\n" + stderr);
            }
            stdoutPump.join(10_000);
            stderrPump.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        List<String> lines;
        synchronized (allStdout) {
            lines = List.copyOf(allStdout);
        }
        Result result = new Result(process.exitValue(), lines, stderrText());
        scanForSecrets();
        return result;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        try {
            process.waitFor(10, TimeUnit.SECONDS);
            stdoutPump.join(10_000);
            stderrPump.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        scanForSecrets();
    }

    /** Once per process, after its output is complete (or as complete as a kill left it). */
    private void scanForSecrets() {
        if (scanned) {
            return;
        }
        scanned = true;
        String stdout;
        synchronized (allStdout) {
            stdout = String.join("\n", allStdout);
        }
        secrets.assertAbsentFrom(stdout, "stdout");
        secrets.assertAbsentFrom(stderrText(), "stderr");
    }

    private String stderrText() {
        return stderr.toString(StandardCharsets.UTF_8); // synchronized against the pump's writes
    }

    private Thread pumpLines(InputStream in) {
        Thread thread = new Thread(() -> {
            try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    allStdout.add(line);
                    stdoutLines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        Thread thread = new Thread(() -> {
            try {
                in.transferTo(sink);
            } catch (IOException e) {
                // the process ended
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    static JsonNode parse(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("stdout holds a line that is not JSON: " + line, e);
        }
    }

    /** A finished run. Every stdout line must be a JSON AirbyteMessage. */
    public record Result(int exitCode, List<String> stdoutLines, String stderr) {
        public List<JsonNode> messages() {
            return stdoutLines.stream().map(ConnectorProcess::parse).toList();
        }

        public List<JsonNode> messages(String type) {
            return messages().stream()
                    .filter(m -> type.equals(m.path("type").asText()))
                    .toList();
        }

        public List<JsonNode> states() {
            return messages("STATE").stream().map(m -> m.get("state")).toList();
        }

        public JsonNode traceError() {
            return messages("TRACE").stream()
                    .filter(m -> "ERROR".equals(m.path("trace").path("type").asText()))
                    .map(m -> m.get("trace").get("error"))
                    .findFirst()
                    .orElse(null);
        }

        /** Everything the process printed, for secret scans. */
        public String allOutput() {
            return String.join("\n", stdoutLines) + "\n" + stderr;
        }
    }

    /** Writes {@code json} to a temporary file and returns its path. */
    public static Path tempJson(Path dir, String name, String json) {
        try {
            Path file = dir.resolve(name);
            Files.writeString(file, json);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
