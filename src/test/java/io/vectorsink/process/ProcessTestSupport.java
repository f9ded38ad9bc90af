package io.vectorsink.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.testing.ChromaInspector;
import io.vectorsink.testing.ChromaServer;
import io.vectorsink.testing.ConnectorProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** Shared set-up for tests that run the built jar against the real Chroma server. */
abstract class ProcessTestSupport {
    private static final AtomicInteger COLLECTIONS = new AtomicInteger();

    /** Eleven words: two chunks at chunk_size 10. */
    static final String LONG = "one two three four five six seven eight nine ten eleven";

    @TempDir
    Path dir;

    static String chromaUrl() {
        return ChromaServer.shared().url();
    }

    static ChromaInspector chroma() {
        return new ChromaInspector(chromaUrl());
    }

    /** A collection name no other test uses. */
    static String freshCollection(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + COLLECTIONS.incrementAndGet();
    }

    /** An index name no other test uses, in lower case as OpenSearch and Elasticsearch require. */
    static String freshIndex(String prefix) {
        return freshCollection(prefix).toLowerCase(Locale.ROOT);
    }

    /** The sync ended with exit code 0 and no error trace; the result, to read further. */
    static ConnectorProcess.Result ok(ConnectorProcess.Result result) {
        assertThat(result.exitCode())
                .as("exit code; stderr:\n" + result.stderr() + "\nstdout:\n" + result.stdoutLines())
                .isZero();
        assertThat(result.traceError()).isNull();
        return result;
    }

    /** A config with the fake embedder (8 dimensions, words as tokens) and small chunks. */
    static String fakeConfig(String collection, String processingExtra) {
        return """
                {"processing": {"chunk_size": 10, "chunk_overlap": 0, "text_fields": ["text"]%s},
                 "embedding": {"mode": "fake", "dimensions": 8},
                 "indexing": {"mode": "chroma", "host": "%s", "collection": "%s"},
                 "advanced": {"batch_size": 4}}
                """
                .formatted(processingExtra, chromaUrl(), collection);
    }

    Path file(String name, String content) {
        return ConnectorProcess.tempJson(dir, name, content);
    }

    ConnectorProcess.Result write(String config, String catalog, String stdin) {
        return write(config, catalog, stdin, Map.of());
    }

    /** {@code write} to completion with these environment variables (the platform's job id). */
    ConnectorProcess.Result write(String config, String catalog, String stdin, Map<String, String> environment) {
        try (ConnectorProcess process = startWrite(config, catalog, environment, List.of("-Xmx512m"))) {
            process.write(stdin);
            process.closeStdin();
            return process.await(180);
        }
    }

    ConnectorProcess startWrite(String config, String catalog) {
        return startWrite(config, catalog, Map.of(), List.of("-Xmx512m"));
    }

    /** {@code write} with these environment variables and JVM options. */
    ConnectorProcess startWrite(String config, String catalog, Map<String, String> environment, List<String> jvm) {
        return ConnectorProcess.start(
                environment,
                jvm,
                "write",
                "--config",
                file("config.json", config).toString(),
                "--catalog",
                file("catalog.json", catalog).toString());
    }
}
