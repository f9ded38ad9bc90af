package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.stream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.embedding.fake.FakeEmbedder;
import io.vectorsink.testing.ChromaInspector;
import io.vectorsink.testing.ConnectorProcess;
import io.vectorsink.testing.FakeEmbeddingServer;
import io.vectorsink.testing.FaultProxy;
import io.vectorsink.testing.Messages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Skipping unchanged records with the built jar, a real Chroma and a loopback OpenAI-compatible provider that
 * counts what it embeds (docs/behaviour.md, "Skipping unchanged records"). Every store request goes through a
 * proxy that only records them, so "nothing written" is seen from outside the connector.
 */
class SkipUnchangedIT extends ProcessTestSupport {
    private static final int RECORDS = 40;
    private static final int DIMENSIONS = 8;

    /** Store requests as {@code "METHOD /path"}, recorded by a proxy that never injects a fault. */
    private final List<String> storeRequests = Collections.synchronizedList(new ArrayList<>());

    private FaultProxy recordingProxy() {
        FaultProxy proxy = new FaultProxy(chromaUrl(), 1);
        Predicate<String> record = request -> {
            storeRequests.add(request);
            return false; // seen, never faulted
        };
        proxy.plan(new FaultProxy.Plan(1, Map.of(FaultProxy.Fault.UNAVAILABLE, 1), record));
        return proxy;
    }

    private static String config(String provider, String chroma, String collection) {
        return """
                {"processing": {"chunk_size": 12, "text_fields": ["text"], "metadata_fields": ["id", "tag"]},
                 "embedding": {"mode": "openai_compatible", "base_url": "%s", "api_key": "sk-skip-test",
                               "model_name": "simulated-embedder", "dimensions": %d},
                 "indexing": {"mode": "chroma", "host": "%s", "collection": "%s"},
                 "advanced": {"batch_size": 16}}
                """
                .formatted(provider, DIMENSIONS, chroma, collection);
    }

    /** Record i: 1 to 3 chunks of 12 words (the provider's tokens are cl100k's; short words are one each). */
    private static String text(int i, String variant) {
        StringBuilder text = new StringBuilder();
        int words = 5 + (i % 3) * 12;
        for (int w = 0; w < words; w++) {
            text.append(w == 0 ? "" : " ").append("w").append(i).append(variant).append(w % 7);
        }
        return text.toString();
    }

    private static String input(Map<Integer, String> changedText, Map<Integer, String> changedTag, String status) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < RECORDS; i++) {
            lines.append(Messages.record(
                    "docs",
                    "{\"id\":" + i + ",\"text\":\"" + changedText.getOrDefault(i, text(i, "")) + "\",\"tag\":\""
                            + changedTag.getOrDefault(i, "t") + "\"}"));
            if (i % 10 == 9) {
                lines.append(Messages.streamState("docs", "{\"cursor\":" + i + "}"));
            }
        }
        return lines + (status == null ? "" : Messages.status("docs", status));
    }

    private static String lastLog(ConnectorProcess.Result result) {
        List<JsonNode> logs = result.messages("LOG");
        return logs.get(logs.size() - 1).at("/log/message").asText();
    }

    private long requests(String operation) {
        synchronized (storeRequests) {
            return storeRequests.stream()
                    .filter(r -> r.startsWith("POST ") && r.endsWith("/" + operation))
                    .count();
        }
    }

    private static long chunksOf(String collection, int id) {
        return chroma().all(collection).stream()
                .filter(p ->
                        p.metadata().get("id") != null && p.metadata().get("id").asInt() == id)
                .count();
    }

    /** Every chunk's vector is what its text gets, and equal chunk hashes mean equal texts. */
    static void assertHashesDescribeStoredContent(String collection, int dimensions) {
        ChromaInspector chroma = chroma();
        Map<String, List<Double>> vectors = chroma.vectors(collection);
        FakeEmbedder embedder = new FakeEmbedder(dimensions);
        Map<String, String> textOfHash = new HashMap<>();
        Map<String, String> recordHashOfRecord = new HashMap<>();
        for (ChromaInspector.Point point : chroma.all(collection)) {
            if (point.text("_ab_record_id") == null) {
                continue; // the inspector's dimension seed, not a chunk
            }
            float[] expected = embedder.embed(List.of(point.document())).get(0);
            List<Double> stored = vectors.get(point.id());
            assertThat(stored).as("vector of %s", point.id()).hasSize(dimensions);
            for (int i = 0; i < dimensions; i++) {
                // The provider's JSON may round the last bit; another text's vector differs far more.
                assertThat(stored.get(i).floatValue())
                        .as("vector of %s (%s)", point.id(), point.document())
                        .isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-6f));
            }
            String chunkHash = point.text("_ab_chunk_hash");
            assertThat(chunkHash).as("chunk hash of %s", point.id()).matches("[0-9a-f]{64}");
            String before = textOfHash.putIfAbsent(chunkHash, point.document());
            assertThat(before == null ? point.document() : before)
                    .as("texts of chunk hash %s", chunkHash)
                    .isEqualTo(point.document());
            String recordHash =
                    recordHashOfRecord.putIfAbsent(point.text("_ab_record_id"), point.text("_ab_record_hash"));
            assertThat(recordHash == null ? point.text("_ab_record_hash") : recordHash)
                    .as("record hash on every chunk of %s", point.text("_ab_record_id"))
                    .isEqualTo(point.text("_ab_record_hash"));
        }
    }

    @Test
    void should_embed_and_upsert_nothing_when_a_dedup_sync_sends_the_same_input_again() throws Exception {
        String collection = freshCollection("skip-dedup");
        String catalog = catalog(stream("docs", "append_dedup", List.of("id"), 1, 0));
        try (FakeEmbeddingServer provider = FakeEmbeddingServer.start(DIMENSIONS, Duration.ZERO);
                FaultProxy proxy = recordingProxy()) {
            String config = config(provider.baseUrl(), proxy.url(), collection);
            var first = ok(write(config, catalog, input(Map.of(), Map.of(), "COMPLETE")));
            long inputs = provider.inputsServed();
            assertThat(inputs).isGreaterThan(RECORDS);
            long requests = provider.requests();
            var stored = chroma().all(collection);
            long upserts = requests("upsert");
            storeRequests.clear();

            var second = ok(write(config, catalog, input(Map.of(), Map.of(), "COMPLETE")));

            assertThat(provider.requests()).as("provider calls").isEqualTo(requests);
            assertThat(requests("upsert")).as("upserts").isZero();
            assertThat(requests("update")).isZero();
            assertThat(requests("delete")).isZero();
            java.util.regex.Matcher lookups = java.util.regex.Pattern.compile("(\\d+) lookups and 0 vector reads")
                    .matcher(lastLog(second));
            assertThat(lookups.find()).as(lastLog(second)).isTrue();
            assertThat(requests("get"))
                    .as("the lookups are the only reads")
                    .isEqualTo(Long.parseLong(lookups.group(1)));
            assertThat(Long.parseLong(lookups.group(1)))
                    .as("one lookup per batch, never one per record")
                    .isBetween(1L, RECORDS / 2L);
            assertThat(second.states()).hasSameSizeAs(first.states()).hasSize(4);
            assertThat(chroma().all(collection)).containsExactlyInAnyOrderElementsOf(stored);
            assertThat(lastLog(second))
                    .contains("(0 chunks upserted)")
                    .contains(
                            "records " + RECORDS + " unchanged, 0 metadata-only, 0 changed, 0 new; chunks 0 embedded");
            assertThat(upserts).isPositive();
            assertHashesDescribeStoredContent(collection, DIMENSIONS);
        }
    }

    @Test
    void should_embed_only_the_changed_chunks_of_the_one_changed_record_and_no_text_for_changed_metadata()
            throws Exception {
        String collection = freshCollection("skip-changed");
        String catalog = catalog(stream("docs", "append_dedup", List.of("id"), 1, 0));
        try (FakeEmbeddingServer provider = FakeEmbeddingServer.start(DIMENSIONS, Duration.ZERO);
                FaultProxy proxy = recordingProxy()) {
            String config = config(provider.baseUrl(), proxy.url(), collection);
            ok(write(config, catalog, input(Map.of(), Map.of(), "COMPLETE")));

            // Record 5 has several chunks: change only its last word, so only its last chunk. Record 8's tag changes.
            long chunksOf5 = chunksOf(collection, 5);
            long chunksOf8 = chunksOf(collection, 8);
            assertThat(chunksOf5).isGreaterThan(1);
            String changed = text(5, "").substring(0, text(5, "").lastIndexOf(' ')) + " changedword";
            long inputs = provider.inputsServed();
            var second = ok(write(config, catalog, input(Map.of(5, changed), Map.of(8, "new tag"), "COMPLETE")));

            assertThat(provider.inputsServed() - inputs).as("chunks embedded").isEqualTo(1);
            assertThat(lastLog(second))
                    .contains("records " + (RECORDS - 2) + " unchanged, 1 metadata-only, 1 changed, 0 new;"
                            + " chunks 1 embedded, " + (chunksOf5 - 1 + chunksOf8) + " reused");
            assertThat(chunksOf(collection, 5)).isEqualTo(chunksOf5);
            var chunks = chroma().all(collection);
            assertThat(chunks.stream().filter(p -> "new tag".equals(p.text("tag"))))
                    .hasSize((int) chunksOf8);
            assertThat(chunks.stream().filter(p -> p.document().endsWith("changedword")))
                    .hasSize(1);
            assertHashesDescribeStoredContent(collection, DIMENSIONS);
        }
    }

    @Test
    void should_only_move_unchanged_records_to_the_new_generation_when_an_overwrite_sends_the_same_input()
            throws Exception {
        String collection = freshCollection("skip-overwrite");
        try (FakeEmbeddingServer provider = FakeEmbeddingServer.start(DIMENSIONS, Duration.ZERO);
                FaultProxy proxy = recordingProxy()) {
            String config = config(provider.baseUrl(), proxy.url(), collection);
            ok(write(
                    config,
                    catalog(stream("docs", "overwrite", List.of("id"), 1, 1)),
                    input(Map.of(), Map.of(), "COMPLETE")));
            int chunks = chroma().all(collection).size();
            long requests = provider.requests();
            storeRequests.clear();

            var second = ok(write(
                    config,
                    catalog(stream("docs", "overwrite", List.of("id"), 2, 2)),
                    input(Map.of(), Map.of(), "COMPLETE")));

            assertThat(provider.requests()).as("provider calls").isEqualTo(requests);
            assertThat(requests("upsert")).as("upserts").isZero();
            assertThat(requests("update")).as("own-field updates").isPositive();
            var stored = chroma().all(collection);
            assertThat(stored).hasSize(chunks);
            assertThat(stored).extracting(p -> p.number("_ab_generation_id")).containsOnly(2L);
            assertThat(lastLog(second)).contains(chunks + " moved to the new generation");
            assertHashesDescribeStoredContent(collection, DIMENSIONS);
        }
    }
}
