package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.embedding.fake.FakeEmbedder;
import io.vectorsink.process.Workload.Chunk;
import io.vectorsink.testing.ChromaInspector.Point;
import io.vectorsink.testing.ConnectorProcess;
import io.vectorsink.testing.FakeEmbeddingServer;
import io.vectorsink.testing.FaultProxy;
import io.vectorsink.testing.FaultProxy.Fault;
import io.vectorsink.testing.FaultProxy.Plan;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The embedding-provider side under faults (docs/architecture.md, invariant 6): a {@link FaultProxy} between
 * the connector and a simulated OpenAI-compatible provider ({@link FakeEmbeddingServer}), and for the mixed
 * run a second one between the connector and the real Chroma. With a tenth of the requests on both sides
 * failing in every way the proxy knows, a dedup sync ends with exactly the right chunks and vectors; under a
 * provider outage it fails within {@code retry_max_seconds} with a transient_error that names the provider,
 * and no state leaves for records that were never embedded.
 *
 * <p>The {@link Workload}'s expectation counts words, while {@code openai_compatible} chunks by cl100k
 * tokens. With a {@code chunk_size} far above the longest record (46 words, at most ~8 cl100k tokens
 * each) every record is one chunk whichever counter is used, so the expectation is {@link
 * Workload#wholeRecords()}; each stored chunk's {@code _ab_chunk_count} proves it.
 */
class ProviderFaultIT extends ProcessTestSupport {
    /** Fixed, so a failure replays; {@code -Dvectorsink.fault.seed=N} explores other fault sequences. */
    private static final long SEED = Long.getLong("vectorsink.fault.seed", 4_343L);

    private static final String KEY = "sk-faulty-" + "c0ffee5eed";
    private static final int DIMENSIONS = 8;
    private static final int RETRY_MAX_SECONDS = 5;
    private static final String PROVIDER = "OpenAI-compatible server";

    private static String config(String providerUrl, String chromaHost, String collection, String advancedExtra) {
        return """
                {"processing": {"chunk_size": 1024, "chunk_overlap": 0, "text_fields": ["text"],
                                "metadata_fields": ["id", "seq"]},
                 "embedding": {"mode": "openai_compatible", "base_url": "%s/v1", "api_key": "%s",
                               "model_name": "simulated-embedder", "dimensions": %d, "context_length": 2048},
                 "indexing": {"mode": "chroma", "host": "%s", "collection": "%s"},
                 "advanced": {"batch_size": 4%s}}
                """
                .formatted(providerUrl, KEY, DIMENSIONS, chromaHost, collection, advancedExtra);
    }

    @Test
    void should_write_exactly_the_expected_chunks_when_a_tenth_of_the_providers_and_of_chromas_answers_are_faults()
            throws Exception {
        String collection = freshCollection("faults-both");
        Workload workload = Workload.keyed(SEED, "docs", 1, 500, 0, 80, 0.06).wholeRecords();
        try (FakeEmbeddingServer provider = FakeEmbeddingServer.start(DIMENSIONS, Duration.ofMillis(5));
                FaultProxy providerProxy = new FaultProxy(provider.baseUrl().replace("/v1", ""), SEED);
                FaultProxy chromaProxy = new FaultProxy(chromaUrl(), SEED + 1)) {
            for (FaultProxy proxy : List.of(providerProxy, chromaProxy)) {
                // One stall on each side, past the 10 s request timeout: each costs the whole timeout.
                proxy.plan(Plan.mix(0.10, EnumSet.allOf(Fault.class)))
                        .stall(Duration.ofSeconds(15), 1)
                        .slowBody(8, Duration.ofMillis(50))
                        .retryAfter(Duration.ofSeconds(1));
            }
            long started = System.nanoTime();
            var result = write(
                    config(providerProxy.url(), chromaProxy.url(), collection, ", \"request_timeout_seconds\": 10"),
                    catalog(stream("docs", "append_dedup", List.of("id"), 1, 0)),
                    workload.text(0, workload.size()));
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(result.exitCode())
                    .as(
                            "exit code; provider faults %s, Chroma faults %s; error %s; stderr:\n%s",
                            providerProxy.injected(), chromaProxy.injected(), result.traceError(), result.stderr())
                    .isZero();
            assertThat(result.states())
                    .extracting(s -> s.at("/stream/stream_state/cursor").asInt())
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, workload.lastCursor())
                            .boxed()
                            .toList());
            List<Point> points = chroma().all(collection);
            assertThat(points)
                    .as("every record is one chunk under chunk_size 1024, whichever token counter is used")
                    .allSatisfy(point -> {
                        assertThat(point.number("_ab_chunk_count")).isEqualTo(1);
                        assertThat(point.number("_ab_chunk_index")).isZero();
                    });
            List<Chunk> stored = points.stream().map(Chunk::of).toList();
            CrashResumeIT.assertExactly(
                    workload.expectedAt(workload.size()), stored, "after a sync under faults on both sides");
            assertVectorsMatchTheirDocuments(collection, points);
            assertThat(providerProxy.injected())
                    .as("every kind of fault was injected on the provider side")
                    .containsOnlyKeys(EnumSet.allOf(Fault.class));
            assertThat(chromaProxy.injected())
                    .as("every kind of fault was injected on the store side")
                    .containsOnlyKeys(EnumSet.allOf(Fault.class));
            assertThat(result.allOutput()).doesNotContain(KEY);
            System.out.printf(
                    "[faults both sides] provider: %d requests, %d faults %s; Chroma: %d requests, %d faults %s;"
                            + " sync took %.1f s, %d chunks exact%n",
                    providerProxy.requests(),
                    providerProxy.injectedTotal(),
                    providerProxy.injected(),
                    chromaProxy.requests(),
                    chromaProxy.injectedTotal(),
                    chromaProxy.injected(),
                    seconds,
                    stored.size());
        }
    }

    @Test
    void should_fail_within_the_retry_bound_naming_the_provider_when_it_answers_503_from_now_on() throws Exception {
        outage("provider-503", proxy -> proxy.plan(Plan.always(Fault.UNAVAILABLE)));
    }

    @Test
    void should_fail_within_the_retry_bound_naming_the_provider_when_it_refuses_connections() throws Exception {
        outage("provider-refused", FaultProxy::refuseConnections);
    }

    /**
     * A vector that went through a damaged answer (a truncated body, a reset) and was still accepted
     * would belong to another text: every stored vector must be the fake embedder's vector of its own
     * document.
     */
    private static void assertVectorsMatchTheirDocuments(String collection, List<Point> points) {
        Map<String, List<Double>> vectors = chroma().vectors(collection);
        FakeEmbedder embedder = new FakeEmbedder(DIMENSIONS);
        for (Point point : points) {
            float[] expected = embedder.embed(List.of(point.document())).get(0);
            List<Double> actual = vectors.get(point.id());
            assertThat(actual).as("vector of %s", point.id()).hasSize(DIMENSIONS);
            for (int i = 0; i < DIMENSIONS; i++) {
                assertThat(actual.get(i))
                        .as("component %d of the vector of %s", i, point.id())
                        .isCloseTo(expected[i], within(1e-6));
            }
        }
    }

    /**
     * Writes a first batch and waits for its state, starts the provider outage, then sends more records
     * and states with stdin left open. The sync must fail by itself with a transient_error naming the
     * provider within the retry bound, after the first state and no other.
     */
    private void outage(String name, Consumer<FaultProxy> begin) throws Exception {
        String collection = freshCollection(name);
        try (FakeEmbeddingServer provider = FakeEmbeddingServer.start(DIMENSIONS, Duration.ZERO);
                FaultProxy proxy = new FaultProxy(provider.baseUrl().replace("/v1", ""), SEED);
                ConnectorProcess sync = startWrite(
                        config(proxy.url(), chromaUrl(), collection, ", \"retry_max_seconds\": " + RETRY_MAX_SECONDS),
                        catalog(stream("docs", "append_dedup", List.of("id"), 1, 0)))) {
            OutageScript.writeBeforeAndAwaitState(sync);

            begin.accept(proxy);
            long started = System.nanoTime();
            OutageScript.writeDuring(sync);
            var result = sync.await(120);
            double seconds = (System.nanoTime() - started) / 1e9;

            double retried = OutageScript.assertFailedAfterFirstState(result, PROVIDER, RETRY_MAX_SECONDS);
            JsonNode error = result.traceError();
            assertThat(chroma().all(collection).stream().map(Point::document))
                    .as("nothing of the records that were never embedded reached the store")
                    .containsExactlyInAnyOrder("text: before the outage", "text: also before");
            assertThat(result.allOutput()).doesNotContain(KEY);
            System.out.printf(
                    "[%s] failed %.1f s after the outage began (retries %.1f s of %d s allowed); %s%n",
                    name,
                    seconds,
                    retried,
                    RETRY_MAX_SECONDS,
                    error.get("message").asText());
        }
    }
}
