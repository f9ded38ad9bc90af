package io.vectorsink.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

/**
 * LangChain.js's vector stores reading an index, as a Node application would: {@code node
 * tools/readers-js/read.mjs} with one request on stdin (the store, where it is, the query vectors and
 * filters), the hits as JSON on stdout. The packages are the ones pinned in {@code
 * tools/readers-js/package-lock.json}, installed by the build ({@code mvn verify} runs {@code npm install}
 * there unless {@code -DskipNpm=true}); the directory comes from the system property {@code
 * vectorsink.readers.js.dir}.
 */
public final class LangChainJs {
    private LangChainJs() {}

    /** Runs {@code request}; the answer: per search, the hits with {@code pageContent}, {@code metadata}, {@code score}. */
    public static JsonNode read(ObjectNode request) {
        Path dir = dir();
        Path script = dir.resolve("read.mjs");
        if (!Files.isDirectory(dir.resolve("node_modules").resolve("@langchain"))) {
            throw new IllegalStateException("LangChain.js is not installed in " + dir
                    + ": run `npm install` there (mvn verify does it unless -DskipNpm=true)");
        }
        try {
            Path stderr = Files.createTempFile("vectorsink-langchainjs-", ".log");
            try {
                Process node = new ProcessBuilder("node", script.toString())
                        .directory(dir.toFile())
                        .redirectError(stderr.toFile())
                        .start();
                // The request is small: written whole before the answer is read.
                try (OutputStream in = node.getOutputStream()) {
                    in.write(Json.MAPPER.writeValueAsBytes(request));
                }
                byte[] out;
                try (InputStream answer = node.getInputStream()) {
                    out = answer.readAllBytes();
                }
                if (!node.waitFor(120, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                    throw new AssertionError("the LangChain.js reader did not finish within 120 s");
                }
                if (node.exitValue() != 0) {
                    throw new AssertionError("the LangChain.js reader failed (exit " + node.exitValue() + "):\n"
                            + Files.readString(stderr));
                }
                return Json.MAPPER.readTree(new String(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run the LangChain.js reader", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static Path dir() {
        String configured = System.getProperty("vectorsink.readers.js.dir");
        Path dir =
                configured == null || configured.isBlank() ? Paths.get("tools", "readers-js") : Paths.get(configured);
        return dir.toAbsolutePath().normalize();
    }
}
