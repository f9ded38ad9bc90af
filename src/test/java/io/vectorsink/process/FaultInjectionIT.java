package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.stream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.process.Workload.Chunk;
import io.vectorsink.testing.ConnectorProcess;
import io.vectorsink.testing.FaultProxy;
import io.vectorsink.testing.FaultProxy.Fault;
import io.vectorsink.testing.FaultProxy.Plan;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The store side under faults (docs/architecture.md, invariant 6): a {@link FaultProxy} between the connector
 * and a real store (Chroma, and OpenSearch and Elasticsearch for the mixed faults). With a tenth of the requests failing in
 * every way the proxy knows, a dedup sync ends with exactly the right chunks; under a persistent outage it
 * fails within {@code retry_max_seconds} with a transient_error, and no state leaves for records the store
 * did not acknowledge.
 */
class FaultInjectionIT extends ProcessTestSupport {
    /** Fixed, so a failure replays; {@code -Dvectorsink.fault.seed=N} explores other fault sequences. */
    private static final long SEED = Long.getLong("vectorsink.fault.seed", 4_242L);

    /** The retry bound of the outage tests, in seconds. */
    private static final int RETRY_MAX_SECONDS = 5;

    /** The request timeout of the stall outage, in seconds. */
    private static final int REQUEST_TIMEOUT_SECONDS = 2;

    private static String config(String host, String collection, String advancedExtra) {
        return config(StoreUnderTest.chroma(), host, collection, advancedExtra);
    }

    private static String config(StoreUnderTest store, String url, String target, String advancedExtra) {
        return """
                {"processing": {"chunk_size": 10, "chunk_overlap": 0, "text_fields": ["text"],
                                "metadata_fields": ["id", "seq"]},
                 "embedding": {"mode": "fake", "dimensions": 8},
                 "indexing": %s,
                 "advanced": {"batch_size": 8%s}}
                """
                .formatted(store.indexing(url, target), advancedExtra);
    }

    /** Every store with a real server here. */
    static Stream<StoreUnderTest> stores() {
        return Stream.of(StoreUnderTest.chroma(), StoreUnderTest.openSearch(), StoreUnderTest.elasticsearch());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void should_write_exactly_the_expected_chunks_when_a_tenth_of_the_stores_answers_are_faults(StoreUnderTest store)
            throws Exception {
        String collection = store.freshTarget("faults");
        Workload workload = Workload.keyed(SEED, "docs", 1, 300, 0, 50, 0.06);
        try (FaultProxy proxy = new FaultProxy(store.url(), SEED)) {
            // One stall, past the 10 s request timeout: it costs the whole timeout.
            proxy.plan(Plan.mix(0.10, EnumSet.allOf(Fault.class)))
                    .stall(Duration.ofSeconds(15), 1)
                    .slowBody(8, Duration.ofMillis(50))
                    .retryAfter(Duration.ofSeconds(1));
            long started = System.nanoTime();
            var result = write(
                    config(store, proxy.url(), collection, ", \"request_timeout_seconds\": 10"),
                    catalog(stream("docs", "append_dedup", List.of("id"), 1, 0)),
                    workload.text(0, workload.size()));
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(result.exitCode())
                    .as(
                            "exit code; injected %s; error %s; stderr:\n%s",
                            proxy.injected(), result.traceError(), result.stderr())
                    .isZero();
            assertThat(result.states())
                    .extracting(s -> s.at("/stream/stream_state/cursor").asInt())
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, workload.lastCursor())
                            .boxed()
                            .toList());
            List<Chunk> stored = store.chunks(collection);
            CrashResumeIT.assertExactly(workload.expectedAt(workload.size()), stored, "after a sync under faults");
            assertThat(proxy.injected())
                    .as("every kind of fault was injected")
                    .containsOnlyKeys(EnumSet.allOf(Fault.class));
            System.out.printf(
                    "[faults %s] %d requests, %d faults injected %s, sync took %.1f s, %d chunks exact%n",
                    store.name(), proxy.requests(), proxy.injectedTotal(), proxy.injected(), seconds, stored.size());
        }
    }

    /**
     * A sync that skips unchanged records, under faults that hit its lookups too: the store already holds a
     * first sync's records, the second sends every key's last version again (unchanged, skipped) except that
     * a quarter of the keys come back at an earlier version (changed, embedded), with a quarter of every
     * request failing. The final index is exact, and every hash on a chunk describes what is stored.
     */
    @Test
    void should_end_exact_when_faults_hit_the_lookups_of_a_sync_that_skips_unchanged_records() throws Exception {
        StoreUnderTest chroma = StoreUnderTest.chroma();
        String collection = chroma.freshTarget("faults-skip");
        Workload workload = Workload.keyed(SEED, "docs", 1, 300, 0, 50, 0.06);
        String catalog = catalog(stream("docs", "append_dedup", List.of("id"), 1, 0));
        var clean = write(config(chroma.url(), collection, ""), catalog, workload.text(0, workload.size()));
        assertThat(clean.exitCode()).as(clean.stderr()).isZero();

        java.util.Map<Integer, Workload.Line> again =
                new java.util.LinkedHashMap<>(workload.lastVersions(workload.size()));
        for (Workload.Line line : workload.lines()) {
            // A quarter of the keys go back to their first record (when it is not already their last).
            if (line.kind() == Workload.Kind.RECORD
                    && line.key() % 4 == 0
                    && again.get(line.key()).seq() > line.seq()
                    && again.get(line.key()).kind() == Workload.Kind.RECORD) {
                again.put(line.key(), line);
            }
        }
        StringBuilder input = new StringBuilder();
        int n = 0;
        for (Workload.Line line : again.values()) {
            input.append(line.json());
            if (++n % 7 == 0) {
                input.append(io.vectorsink.testing.Messages.streamState("docs", "{\"cursor\":" + n + "}"));
            }
        }
        input.append(io.vectorsink.testing.Messages.streamState("docs", "{\"cursor\":" + (n + 1) + "}"));
        input.append(io.vectorsink.testing.Messages.status("docs", "COMPLETE"));

        try (FaultProxy proxy = new FaultProxy(chroma.url(), SEED)) {
            proxy.plan(Plan.mix(0.25, EnumSet.complementOf(EnumSet.of(Fault.STALL))))
                    .slowBody(8, Duration.ofMillis(50))
                    .retryAfter(Duration.ofSeconds(1));
            var result = write(
                    config(proxy.url(), collection, ", \"request_timeout_seconds\": 10"), catalog, input.toString());
            assertThat(result.exitCode())
                    .as(
                            "exit code; injected %s; error %s; stderr:\n%s",
                            proxy.injected(), result.traceError(), result.stderr())
                    .isZero();
            List<JsonNode> logs = result.messages("LOG");
            String last = logs.get(logs.size() - 1).at("/log/message").asText();
            assertThat(last).containsPattern("records [1-9][0-9]* unchanged").containsPattern("[1-9][0-9]* changed");
            assertThat(proxy.injected()).as("faults were injected").isNotEmpty();
            CrashResumeIT.assertExactly(
                    workload.expectedFor(again.values()),
                    chroma.chunks(collection),
                    "after a skipping sync under faults");
            SkipUnchangedIT.assertHashesDescribeStoredContent(collection, 8);
            System.out.printf(
                    "[faults skip] %d requests, %d faults injected %s; %s%n",
                    proxy.requests(), proxy.injectedTotal(), proxy.injected(), last);
        }
    }

    @Test
    void should_fail_within_the_retry_bound_and_emit_no_further_state_when_chroma_answers_503_from_now_on()
            throws Exception {
        outage("outage-503", proxy -> proxy.plan(Plan.always(Fault.UNAVAILABLE)), false, "", RETRY_MAX_SECONDS);
    }

    @Test
    void should_fail_within_the_retry_bound_and_emit_no_further_state_when_chroma_refuses_connections()
            throws Exception {
        outage("outage-refused", FaultProxy::refuseConnections, false, "", RETRY_MAX_SECONDS);
    }

    @Test
    void should_emit_no_state_for_records_whose_upsert_landed_but_whose_trim_never_did() throws Exception {
        outage(
                "outage-trim",
                proxy -> proxy.plan(Plan.always(Fault.UNAVAILABLE).only(request -> request.endsWith("/delete"))),
                true,
                "",
                RETRY_MAX_SECONDS);
    }

    /**
     * A store that takes every request and never answers: each attempt ends at the request timeout, not
     * at OkHttp's 60 s default, so the sync fails within {@code retry_max_seconds} plus one request
     * timeout. The stalled requests reach Chroma, but an upsert starts by reading the chunks already
     * there, and that read is never answered: no record of the outage is written.
     */
    @Test
    void should_fail_within_the_retry_bound_plus_one_request_timeout_when_chroma_stalls_from_now_on() throws Exception {
        outage(
                "outage-stall",
                proxy -> proxy.plan(Plan.always(Fault.STALL)).stall(Duration.ofSeconds(30), Integer.MAX_VALUE),
                false,
                ", \"request_timeout_seconds\": " + REQUEST_TIMEOUT_SECONDS,
                RETRY_MAX_SECONDS + REQUEST_TIMEOUT_SECONDS);
    }

    /**
     * Writes a first batch and waits for its state, starts the outage, then sends more records and states
     * with stdin left open (the source is still reading). The sync must fail by itself with a
     * transient_error within the retry bound, after the first state and no other.
     */
    private void outage(
            String name,
            java.util.function.Consumer<FaultProxy> begin,
            boolean upsertsLand,
            String advancedExtra,
            int boundSeconds)
            throws Exception {
        String collection = freshCollection(name);
        try (FaultProxy proxy = new FaultProxy(chromaUrl(), SEED);
                ConnectorProcess sync = startWrite(
                        config(
                                proxy.url(),
                                collection,
                                ", \"retry_max_seconds\": " + RETRY_MAX_SECONDS + advancedExtra),
                        catalog(stream("docs", "append_dedup", List.of("id"), 1, 0)))) {
            OutageScript.writeBeforeAndAwaitState(sync);

            begin.accept(proxy);
            long started = System.nanoTime();
            OutageScript.writeDuring(sync);
            var result = sync.await(120);
            double seconds = (System.nanoTime() - started) / 1e9;

            double retried = OutageScript.assertFailedAfterFirstState(result, "Chroma", boundSeconds);
            JsonNode error = result.traceError();
            List<String> documents =
                    chroma().all(collection).stream().map(p -> p.document()).toList();
            assertThat(documents).contains("text: also before");
            if (upsertsLand) {
                assertThat(documents).contains("text: during the outage", "text: a newer version");
            } else {
                assertThat(documents).containsExactlyInAnyOrder("text: before the outage", "text: also before");
            }
            System.out.printf(
                    "[%s] failed %.1f s after the outage began (retries %.1f s of %d s allowed); %s%n",
                    name, seconds, retried, boundSeconds, error.get("message").asText());
        }
    }
}
