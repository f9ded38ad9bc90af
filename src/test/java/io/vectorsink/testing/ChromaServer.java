package io.vectorsink.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Chroma 1.0 server for integration tests: the npm distribution pinned in
 * {@code tools/chroma/package.json}, started as {@code node_modules/.bin/chroma run} directly, so the
 * process we hold is the server itself and stopping it leaves nothing behind.
 *
 * <p>{@link #shared()} starts one server per test JVM on first use and stops it from a shutdown hook;
 * every IT shares it and isolates itself with its own collection names. The chroma directory comes from
 * the system property {@code vectorsink.chroma.dir} (set by the pom's failsafe configuration), falling
 * back to {@code tools/chroma}.
 */
public final class ChromaServer implements AutoCloseable {
    /** Bounds the wait for a fresh server's first heartbeat (it starts in about a second here). */
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private static ChromaServer shared;

    private final Process process;
    private final Path dataDir;
    private final Path log;
    private final String url;

    private ChromaServer(Process process, Path dataDir, Path log, String url) {
        this.process = process;
        this.dataDir = dataDir;
        this.log = log;
        this.url = url;
    }

    /** The per-JVM server, started on first use. */
    public static synchronized ChromaServer shared() {
        if (shared == null) {
            ChromaServer server = start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "chroma-server-stop"));
            shared = server;
        }
        return shared;
    }

    /** Starts a new server on a free loopback port; the caller closes it. */
    public static ChromaServer start() {
        Path chromaDir = chromaDir();
        Path executable = chromaDir.resolve("node_modules").resolve(".bin").resolve("chroma");
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException("The Chroma test server is not installed: " + executable
                    + " is missing. Run `npm install` in " + chromaDir
                    + " (mvn verify does it unless -DskipNpm=true).");
        }
        try {
            Path dataDir = Files.createTempDirectory("vectorsink-chroma-");
            Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
            int port = freePort();
            Process process = new ProcessBuilder(
                            executable.toString(),
                            "run",
                            "--path",
                            dataDir.toString(),
                            "--port",
                            Integer.toString(port),
                            "--host",
                            "127.0.0.1")
                    .directory(chromaDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            ChromaServer server = new ChromaServer(process, dataDir, log, "http://127.0.0.1:" + port);
            server.awaitHeartbeat();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Chroma test server", e);
        }
    }

    /** The base URL, e.g. {@code http://127.0.0.1:54321}. */
    public String url() {
        return url;
    }

    /** The process id of the server (tests of the harness itself). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteRecursively(dataDir);
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a leftover log in the temp directory is harmless
        }
    }

    private void awaitHeartbeat() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Chroma test server exited with " + process.exitValue()
                        + " before it answered:\n" + logTail());
            }
            if (heartbeatOk()) {
                return;
            }
            try {
                // Polling a process we do not control: there is no clock to inject here.
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("interrupted while waiting for the Chroma test server", e);
            }
        }
        String tail = logTail();
        close();
        throw new IllegalStateException(
                "the Chroma test server did not answer its heartbeat within " + STARTUP_TIMEOUT + ":\n" + tail);
    }

    private boolean heartbeatOk() {
        try {
            HttpURLConnection connection = (HttpURLConnection)
                    URI.create(url + "/api/v2/heartbeat").toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(1000);
            try {
                return connection.getResponseCode() == 200;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static Path chromaDir() {
        String configured = System.getProperty("vectorsink.chroma.dir");
        Path dir = configured == null || configured.isBlank() ? Paths.get("tools", "chroma") : Paths.get(configured);
        return dir.toAbsolutePath().normalize();
    }

    /** A free loopback port. Another process could take it before Chroma binds; unlikely, and it fails loudly. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** Deletes {@code dir} and everything in it, as far as it can; a missing or null dir is nothing to do. */
    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // best effort: the directory is under the system temp directory
        }
    }
}
