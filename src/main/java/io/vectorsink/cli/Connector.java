package io.vectorsink.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.config.ConfigParser;
import io.vectorsink.config.ConfigSecrets;
import io.vectorsink.config.ConnectorConfig;
import io.vectorsink.config.SpecSchema;
import io.vectorsink.config.UnknownKeys;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.embedding.PendingEmbedder;
import io.vectorsink.embedding.fromfield.FromFieldEmbedder;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.ConnectorException;
import io.vectorsink.error.Secrets;
import io.vectorsink.error.SystemException;
import io.vectorsink.pipeline.WritePipeline;
import io.vectorsink.protocol.ConfiguredCatalog;
import io.vectorsink.protocol.Json;
import io.vectorsink.protocol.MessageReader;
import io.vectorsink.protocol.OutputWriter;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkFields;
import io.vectorsink.store.QueryHit;
import io.vectorsink.store.StoreFactory;
import io.vectorsink.store.VectorStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one command and turns every failure into Airbyte's contract: {@code check} always answers with a
 * CONNECTION_STATUS and exit 0; {@code write} ends with exit 0, or with one TRACE error and exit 1.
 */
final class Connector {
    /** The most chunks the query command returns. */
    static final int MAX_QUERY_LIMIT = 1000;

    private final OutputWriter out;
    private final InputStream stdin;
    private final PrintStream plainOut;

    Connector(OutputWriter out, InputStream stdin, PrintStream plainOut) {
        this.out = out;
        this.stdin = stdin;
        this.plainOut = plainOut;
    }

    int run(List<String> args) {
        CommandLine commandLine;
        try {
            commandLine = CommandLine.parse(args);
        } catch (ConnectorException e) {
            return fail(e);
        }
        try {
            switch (commandLine.command()) {
                case "spec" -> out.spec(SpecSchema.spec());
                case "check" -> check(commandLine);
                case "write" -> write(commandLine);
                case "query" -> query(commandLine);
                default -> throw new IllegalStateException(commandLine.command());
            }
            if (plainOut.checkError()) {
                throw new SystemException(
                        "Standard output is closed (its reader went away); the answer was not delivered");
            }
            return 0;
        } catch (ConnectorException e) {
            return fail(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(new SystemException("The connector was interrupted", e));
        } catch (RuntimeException | Error e) {
            return fail(
                    new SystemException("Unexpected failure: " + e.getClass().getName(), e));
        }
    }

    /**
     * Reports a failure as the TRACE error before exit code 1. When stdout itself is what failed, no
     * message can reach Airbyte any more: the error goes to stderr, and the exit code still says it.
     */
    private int fail(ConnectorException error) {
        if (!out.isClosed()) {
            try {
                out.error(error);
                return 1;
            } catch (ConnectorException closedNow) {
                // stdout closed while the error was written: fall through to stderr
            }
        }
        System.err.println("vectorsink: " + error.failureType() + ": " + Secrets.redact(error.getMessage()));
        System.err.flush();
        return 1;
    }

    private void check(CommandLine commandLine) {
        List<String> unknown = List.of();
        try {
            JsonNode raw = readConfig(commandLine);
            unknown = UnknownKeys.in(raw);
            ConnectorConfig config = ConfigParser.parse(raw);
            try (Embedder embedder = Components.embedder(config);
                    VectorStore store =
                            StoreFactory.create(config.indexing(), config.advanced(), embedder.embeddingModel())) {
                embedder.check(); // one minimal call for remote providers: key, model, vector length
                store.check(embedder.dimensions());
                StringBuilder notes = new StringBuilder();
                store.checkNotes().forEach(note -> notes.append(". Note: ").append(note));
                String ready = "Embedding with " + embedder.description() + "; the index is ready" + notes;
                // A misspelt key would be ignored by every sync: the check is where the user can still see it.
                if (unknown.isEmpty()) {
                    out.connectionStatus(true, ready);
                } else {
                    out.connectionStatus(false, ready + ", but " + unknownKeys(unknown) + "; remove or rename them");
                }
            }
        } catch (ConnectorException e) {
            out.connectionStatus(
                    false, unknown.isEmpty() ? e.getMessage() : e.getMessage() + "; " + unknownKeys(unknown));
        } catch (RuntimeException e) {
            out.connectionStatus(
                    false, "The check failed unexpectedly (" + e.getClass().getSimpleName() + ")");
        }
    }

    private void write(CommandLine commandLine) throws InterruptedException {
        JsonNode raw = readConfig(commandLine);
        ConnectorConfig config = ConfigParser.parse(raw);
        List<String> unknown = UnknownKeys.in(raw);
        if (!unknown.isEmpty()) {
            out.warn(unknownKeys(unknown) + "; this sync ignores them");
        }
        ConfiguredCatalog catalog = ConfiguredCatalog.parse(readJson(commandLine.requiredPath("catalog"), "catalog"));
        try (PendingEmbedder loading = Components.startEmbedder(config);
                VectorStore store =
                        StoreFactory.create(config.indexing(), config.advanced(), loading.embeddingModel())) {
            out.info("Embedding with " + loading.description());
            // A local model loads meanwhile (docs/benchmarks.md, "Start-up and JIT compilers").
            store.prepare(loading.dimensions());
            Embedder embedder = loading.await();
            var pipeline = new WritePipeline(
                    catalog,
                    Components.parts(config, embedder, store),
                    store,
                    out,
                    config.advanced(),
                    Clock.systemUTC());
            pipeline.run(new MessageReader(stdin));
        }
    }

    private void query(CommandLine commandLine) {
        ConnectorConfig config = ConfigParser.parse(readConfig(commandLine));
        String text = commandLine.option("text").orElseThrow(() -> new ConfigException("query needs --text TEXT"));
        int limit = commandLine.option("limit").map(Connector::positive).orElse(5);
        Optional<String> namespace = commandLine.option("namespace");
        if (namespace.isPresent() && commandLine.option("stream").isEmpty()) {
            throw new ConfigException("query --namespace NS names the namespace of a stream; give --stream NAME too");
        }
        StreamId stream = commandLine
                .option("stream")
                .map(name -> new StreamId(namespace.orElse(null), name))
                .orElse(null);
        try (Embedder embedder = Components.embedder(config);
                VectorStore store = StoreFactory.create(config.indexing(), config.advanced())) {
            if (embedder instanceof FromFieldEmbedder) {
                throw new ConfigException("query needs a model to embed the question; embedding.mode from_field has"
                        + " none (the vectors came with the records)");
            }
            float[] vector = embedder.embed(List.of(text)).get(0);
            List<QueryHit> hits = store.query(vector, limit, stream);
            plainOut.println("Top " + hits.size() + " chunks for: " + text);
            int rank = 1;
            for (QueryHit hit : hits) {
                plainOut.printf(
                        "%n%d. distance %.4f  stream=%s  record=%s  chunk=%s%n",
                        rank++,
                        hit.distance(),
                        hit.metadata().get(ChunkFields.STREAM),
                        hit.metadata().getOrDefault(ChunkFields.RECORD_ID, "-"),
                        hit.metadata().get(ChunkFields.CHUNK_INDEX));
                plainOut.println("   metadata: " + userMetadata(hit.metadata()));
                if (hit.document() != null) {
                    plainOut.println("   " + abbreviate(hit.document().replace('\n', ' '), 400));
                }
            }
            plainOut.flush();
        }
    }

    private static String unknownKeys(List<String> unknown) {
        return "the config has keys that are not settings of this connector: " + String.join(", ", unknown);
    }

    private static Map<String, Object> userMetadata(Map<String, Object> metadata) {
        var user = new java.util.LinkedHashMap<String, Object>();
        metadata.forEach((key, value) -> {
            if (!key.startsWith("_ab_")) {
                user.put(key, value instanceof String s ? abbreviate(s, 80) : value);
            }
        });
        return user;
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }

    private static int positive(String value) {
        try {
            int number = Integer.parseInt(value);
            // Every store answers a thousand nearest chunks; some refuse more (Elasticsearch's candidates are
            // capped at 10,000, Pinecone's top_k too), and no person reads more.
            if (number > 0 && number <= MAX_QUERY_LIMIT) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException("--limit must be a whole number from 1 to " + MAX_QUERY_LIMIT);
    }

    private static JsonNode readConfig(CommandLine commandLine) {
        JsonNode config = readJson(commandLine.requiredPath("config"), "config");
        // Before anything can be logged: every secret of this config is scrubbed from all output.
        ConfigSecrets.valuesIn(config).forEach(Secrets::register);
        return config;
    }

    private static JsonNode readJson(Path file, String what) {
        try {
            String text = Files.readString(file);
            // As on stdin, a byte-order mark (which an editor on Windows may write) carries no data.
            return Json.MAPPER.readTree(text.startsWith("\uFEFF") ? text.substring(1) : text);
        } catch (NumberFormatException e) {
            // Jackson's answer to a valid JSON number whose exponent no BigDecimal holds (1e9999999999)
            throw new ConfigException(
                    "The " + what + " file " + file + " has a number whose exponent is beyond \u00b12147483647");
        } catch (NoSuchFileException e) {
            throw new ConfigException("The " + what + " file " + file + " does not exist");
        } catch (JsonProcessingException e) {
            throw new ConfigException("The " + what + " file " + file + " is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new ConfigException("The " + what + " file " + file + " cannot be read: "
                    + e.getClass().getSimpleName());
        }
    }
}
