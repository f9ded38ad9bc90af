package io.vectorsink.store;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.Secrets;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.VectorStore.RecordTrim;
import io.vectorsink.testing.ExchangeCheck;
import io.vectorsink.testing.FakeRetryTiming;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link VectorStore} must show, written once and run against every store. A store's
 * test class implements this interface and supplies two backends:
 *
 * <ul>
 *   <li>the <b>live backend</b> ({@link #newStore}, {@link #readAll}, {@link #collectionExists}): a real
 *       server where one runs here (Chroma, OpenSearch), otherwise a stateful fake that answers as the
 *       vendor documents (Qdrant). The semantic tests run here: idempotent upserts, upsert-then-trim,
 *       deletes by record, by generation and by sync, the metadata round trip, queries, and the
 *       {@code check} answers for missing, matching, wrong-dimension and wrong-metric collections;
 *   <li><b>WireMock</b> ({@link #storeAt}, {@link #stubHealthyEmptyCollection}, ...): for what no healthy
 *       server shows: refused credentials, 429 and 5xx with retries, answers that do not confirm every
 *       item, and how requests are split at the vendor's limits.
 * </ul>
 *
 * <p>Every test uses its own collection. All stores here work with 3-dimensional vectors and the metric
 * names of the config ({@code cosine}, {@code l2}, {@code ip}). To add a store: implement the hooks, point
 * them at its server or fake, and the whole suite runs.
 */
public interface VectorStoreContract {
    StreamId STREAM = StreamId.of("docs");
    String SYNC = "sync-1";

    // ---- hooks: the live backend ------------------------------------------------------------------

    /** A store over {@code collection} of the live backend, with the config's metric name; no I/O yet. */
    VectorStore newStore(String collection, String metric);

    /** Every chunk in {@code collection}, read straight from the backend (empty when it does not exist). */
    List<StoredChunk> readAll(String collection);

    /** Whether {@code collection} exists on the live backend. */
    boolean collectionExists(String collection);

    /** A collection name no other test uses, valid for this store. */
    default String newCollection() {
        return "contract-" + UUID.randomUUID();
    }

    // ---- hooks: WireMock --------------------------------------------------------------------------

    /** A store over {@code collection} (metric cosine) at {@code baseUrl}, retrying on {@code timing}. */
    VectorStore storeAt(String baseUrl, String collection, RetryTiming timing);

    /**
     * Stubs what {@code check} and {@code prepare} ask, answered for an existing empty collection of 3
     * dimensions and the cosine metric, and the upsert requests, answered through {@link #UPSERT_ANSWERS}
     * with {@link #successfulUpsertAnswer}.
     */
    void stubHealthyEmptyCollection(WireMockServer server, String collection);

    /** The upsert requests, for stubbing faults in front of the healthy answers (higher priority wins). */
    MappingBuilder upsertStub(String collection);

    /** The upsert requests, for counting them. */
    RequestPatternBuilder upsertRequests(String collection);

    /** How many points one upsert request carries. */
    int pointsIn(LoggedRequest upsert);

    /** The most points the store puts in one upsert request (the vendor's limit, or the store's own). */
    int maxPointsPerUpsert();

    /** The largest upsert request body the store sends, in bytes. */
    long maxUpsertBytes();

    /** The vendor's answer that confirms every point of {@code requestBody}. */
    String successfulUpsertAnswer(String requestBody);

    /**
     * A successful-looking answer (HTTP 200) that does not confirm every point of {@code requestBody}, as
     * the vendor documents it (a failed item, a status short of "completed"); empty for a vendor whose
     * answers are all-or-nothing.
     */
    Optional<String> unconfirmedUpsertAnswer(String requestBody);

    /**
     * The check of every exchange against the vendor's API definition, registered on the live stand-in and
     * on every WireMock server of the suite; empty for a store whose live backend is the real server.
     */
    default Optional<ExchangeCheck> exchangeCheck() {
        return Optional.empty();
    }

    /** The name under which stubs ask for {@link #successfulUpsertAnswer} ({@code withTransformers}). */
    String UPSERT_ANSWERS = "vectorsink-upsert-answers";

    // ---- shared fixtures --------------------------------------------------------------------------

    @AfterEach
    default void forgetSecrets() {
        Secrets.clear();
    }

    @AfterEach
    default void exchangesMatchTheVendorsApiDefinition() {
        exchangeCheck().ifPresent(ExchangeCheck::assertAllValid);
    }

    static ChunkPoint chunk(StreamId stream, String recordId, int index, long generation, String syncId, float... v) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("_ab_stream", stream.airbyteName());
        metadata.put("_ab_namespace", stream.namespaceOrEmpty());
        metadata.put("_ab_record_id", recordId);
        metadata.put("_ab_chunk_index", (long) index);
        metadata.put("_ab_generation_id", generation);
        metadata.put("_ab_sync_id", syncId);
        return new ChunkPoint(PointIds.forChunk(recordId, index), v, recordId + " chunk " + index, metadata);
    }

    static List<ChunkPoint> record(String recordId, int chunks, String version) {
        List<ChunkPoint> points = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            ChunkPoint base = chunk(STREAM, recordId, i, 1, SYNC, 1, i + 1, 0);
            points.add(new ChunkPoint(base.id(), base.vector(), version + " " + base.document(), base.metadata()));
        }
        return points;
    }

    /** A prepared store on a new collection of the live backend (cosine). */
    private VectorStore prepared() {
        VectorStore store = newStore(newCollection(), "cosine");
        store.prepare(3);
        return store;
    }

    /** Record id → sorted chunk indexes, as the backend holds them. */
    private Map<String, List<Long>> chunkIndexesByRecord(String collection) {
        return readAll(collection).stream()
                .collect(Collectors.groupingBy(
                        StoredChunk::recordId,
                        TreeMap::new,
                        Collectors.mapping(
                                StoredChunk::chunkIndex,
                                Collectors.collectingAndThen(
                                        Collectors.toList(),
                                        l -> l.stream().sorted().toList()))));
    }

    // ---- writes on the live backend ---------------------------------------------------------------

    @Test
    default void should_hold_the_same_content_when_the_same_points_are_upserted_twice() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);

        store.upsert(record("r1", 5, "v1"));
        List<StoredChunk> once = sortedById(readAll(collection));
        store.upsert(record("r1", 5, "v1"));

        assertThat(once).hasSize(5);
        assertThat(sortedById(readAll(collection))).isEqualTo(once);
    }

    @Test
    default void should_leave_no_chunk_at_or_above_n_when_a_record_is_trimmed_after_its_upsert() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        store.upsert(record("r1", 5, "v1"));
        store.upsert(record("r2", 4, "v1"));

        store.upsert(record("r1", 2, "v2"));
        store.deleteChunks(List.of(new RecordTrim(STREAM, "r1", 2)));

        assertThat(chunkIndexesByRecord(collection))
                .containsExactlyEntriesOf(new TreeMap<>(Map.of("r1", List.of(0L, 1L), "r2", List.of(0L, 1L, 2L, 3L))));
        assertThat(readAll(collection))
                .filteredOn(c -> c.recordId().equals("r1"))
                .extracting(StoredChunk::document)
                .containsExactlyInAnyOrder("v2 r1 chunk 0", "v2 r1 chunk 1");
    }

    @Test
    default void should_delete_every_chunk_of_a_record_when_trimmed_from_zero() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        store.upsert(record("r1", 3, "v1"));
        store.upsert(record("r2", 2, "v1"));

        store.deleteChunks(List.of(new RecordTrim(STREAM, "r1", 0)));

        assertThat(chunkIndexesByRecord(collection)).containsOnlyKeys("r2");
    }

    @Test
    default void should_apply_many_trims_at_once() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        List<ChunkPoint> points = new ArrayList<>();
        List<RecordTrim> trims = new ArrayList<>();
        for (int r = 0; r < 300; r++) {
            points.addAll(record("r" + r, 4, "v1"));
            trims.add(new RecordTrim(STREAM, "r" + r, r % 5)); // 0 deletes all, 4 deletes nothing
        }
        store.upsert(points);

        store.deleteChunks(trims);

        Map<String, List<Long>> remaining = chunkIndexesByRecord(collection);
        for (int r = 0; r < 300; r++) {
            int keep = Math.min(r % 5, 4);
            List<Long> expected = new ArrayList<>();
            for (long i = 0; i < keep; i++) {
                expected.add(i);
            }
            assertThat(remaining.getOrDefault("r" + r, List.of())).as("r" + r).isEqualTo(expected);
        }
    }

    @Test
    default void should_delete_older_generations_of_only_that_stream() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        StreamId flat = StreamId.of("a_b");
        StreamId namespaced = new StreamId("a", "b");
        store.upsert(List.of(
                chunk(namespaced, "old", 0, 1, SYNC, 1, 0, 0),
                chunk(namespaced, "new", 0, 2, SYNC, 0, 1, 0),
                chunk(flat, "flat-old", 0, 1, SYNC, 0, 0, 1),
                chunk(StreamId.of("b"), "b-old", 0, 1, SYNC, 1, 1, 0)));

        store.deleteStale(namespaced, new StaleFilter.OlderGeneration(2));

        assertThat(chunkIndexesByRecord(collection)).containsOnlyKeys("new", "flat-old", "b-old");
    }

    @Test
    default void should_delete_chunks_of_other_syncs_without_confusing_a_b_with_namespace_a_stream_b() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        StreamId flat = StreamId.of("a_b");
        StreamId namespaced = new StreamId("a", "b");
        store.upsert(List.of(
                chunk(namespaced, "ns-old", 0, 0, "sync-0", 1, 0, 0),
                chunk(namespaced, "ns-new", 0, 0, "sync-1", 0, 1, 0),
                chunk(flat, "flat-old", 0, 0, "sync-0", 0, 0, 1)));

        store.deleteStale(flat, new StaleFilter.OtherSync("sync-1"));

        assertThat(chunkIndexesByRecord(collection)).containsOnlyKeys("ns-old", "ns-new");
    }

    @Test
    default void should_round_trip_unicode_text_and_typed_metadata() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        String tricky = "nul\u0000 line\u2028sep para\u2029 emoji 😀 \"quoted\" back\\slash é 中文 <b>&amp;</b>";
        Map<String, Object> metadata =
                new LinkedHashMap<>(chunk(STREAM, "r1", 0, 1, SYNC, 1, 0, 0).metadata());
        metadata.put("title", tricky);
        metadata.put("big", Long.MAX_VALUE);
        metadata.put("small", Long.MIN_VALUE);
        metadata.put("ratio", 0.1);
        metadata.put("flag", false);
        ChunkPoint point = new ChunkPoint(PointIds.forChunk("r1", 0), new float[] {1, 2, 3}, tricky, metadata);

        store.upsert(List.of(point));

        assertThat(readAll(collection)).singleElement().satisfies(stored -> {
            assertThat(stored.id()).isEqualTo(point.id());
            assertThat(stored.document()).isEqualTo(tricky);
            assertThat(stored.metadata()).isEqualTo(metadata);
        });
    }

    @Test
    default void should_drop_metadata_keys_and_text_that_a_new_version_no_longer_has() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        ChunkPoint first = chunk(STREAM, "r1", 0, 1, SYNC, 1, 0, 0);
        Map<String, Object> extended = new LinkedHashMap<>(first.metadata());
        extended.put("author", "ann");
        store.upsert(List.of(new ChunkPoint(first.id(), first.vector(), "old text", extended)));

        store.upsert(List.of(new ChunkPoint(first.id(), first.vector(), null, first.metadata())));

        assertThat(readAll(collection)).singleElement().satisfies(stored -> {
            assertThat(stored.metadata()).isEqualTo(first.metadata());
            assertThat(stored.document()).isNullOrEmpty();
        });
    }

    @Test
    default void should_return_the_nearest_chunks_first_and_filter_by_stream() {
        VectorStore store = prepared();
        StreamId other = StreamId.of("other");
        store.upsert(List.of(
                chunk(STREAM, "x", 0, 1, SYNC, 1, 0, 0),
                chunk(STREAM, "y", 0, 1, SYNC, 0, 1, 0),
                chunk(other, "z", 0, 1, SYNC, 0.9f, 0.1f, 0)));

        List<QueryHit> all = store.query(new float[] {1, 0.05f, 0}, 2, null);
        List<QueryHit> mine = store.query(new float[] {0.9f, 0.1f, 0}, 10, STREAM);

        assertThat(all).extracting(QueryHit::id).containsExactly(PointIds.forChunk("x", 0), PointIds.forChunk("z", 0));
        assertThat(all.get(0).distance()).isLessThan(all.get(1).distance());
        assertThat(all.get(0).document()).isEqualTo("x chunk 0");
        assertThat(all.get(0).metadata()).containsEntry("_ab_record_id", "x").containsEntry("_ab_chunk_index", 0L);
        assertThat(mine).extracting(QueryHit::id).containsExactly(PointIds.forChunk("x", 0), PointIds.forChunk("y", 0));
    }

    // ---- check and prepare on the live backend ----------------------------------------------------

    @Test
    default void should_pass_check_and_create_nothing_when_the_collection_is_missing() {
        String collection = newCollection();

        newStore(collection, "cosine").check(3);
        newStore(collection, "l2").check(384);

        assertThat(collectionExists(collection)).isFalse();
    }

    @Test
    default void should_pass_check_when_the_collection_matches_and_reuse_it_when_prepared_again() {
        String collection = newCollection();
        VectorStore writer = newStore(collection, "ip");
        writer.prepare(3);
        writer.upsert(record("r1", 1, "v1"));

        newStore(collection, "ip").check(3);
        newStore(collection, "ip").prepare(3);

        assertThat(readAll(collection)).hasSize(1);
    }

    @Test
    default void should_fail_check_and_prepare_naming_both_dimensions_when_they_differ() {
        String collection = newCollection();
        VectorStore writer = newStore(collection, "cosine");
        writer.prepare(3);
        writer.upsert(record("r1", 1, "v1"));

        assertThatThrownBy(() -> newStore(collection, "cosine").check(384))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("3")
                .hasMessageContaining("384");
        assertThatThrownBy(() -> newStore(collection, "cosine").prepare(384))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("384");
    }

    @Test
    default void should_fail_check_and_prepare_naming_distance_metric_when_the_metric_differs() {
        String collection = newCollection();
        VectorStore writer = newStore(collection, "l2");
        writer.prepare(3);
        writer.upsert(record("r1", 1, "v1"));

        assertThatThrownBy(() -> newStore(collection, "cosine").check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("distance_metric");
        assertThatThrownBy(() -> newStore(collection, "ip").prepare(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("distance_metric");
    }

    // ---- WireMock: faults and limits --------------------------------------------------------------

    @Test
    default void should_fail_check_in_plain_words_when_the_store_is_unreachable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        FakeRetryTiming clock = new FakeRetryTiming();
        VectorStore store = storeAt("http://127.0.0.1:" + port, newCollection(), clock.timing());

        assertThatThrownBy(() -> store.check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not reachable")
                .hasMessageContaining("connection refused");
        assertThat(clock.sleeps()).as("check retries briefly").hasSizeLessThanOrEqualTo(2);
    }

    @Test
    default void should_fail_check_and_writes_with_a_config_error_when_the_credentials_are_refused() {
        for (int code : new int[] {401, 403}) {
            withWireMock(server -> {
                String collection = newCollection();
                server.stubFor(any(anyUrl())
                        .atPriority(1)
                        .withMetadata(ExchangeCheck.FAULT)
                        .willReturn(aResponse().withStatus(code)));
                FakeRetryTiming clock = new FakeRetryTiming();
                VectorStore store = storeAt(server.baseUrl(), collection, clock.timing());

                assertThatThrownBy(() -> store.check(3))
                        .as("HTTP " + code)
                        .isInstanceOf(ConfigException.class)
                        .hasMessageContaining(String.valueOf(code));
                assertThat(clock.sleeps()).as("credentials are not retried").isEmpty();
            });
            withWireMock(server -> {
                String collection = newCollection();
                stubHealthyEmptyCollection(server, collection);
                server.stubFor(upsertStub(collection)
                        .atPriority(1)
                        .withMetadata(ExchangeCheck.FAULT)
                        .willReturn(aResponse().withStatus(code)));
                VectorStore store = storeAt(server.baseUrl(), collection, new FakeRetryTiming().timing());
                store.prepare(3);

                assertThatThrownBy(() -> store.upsert(record("r1", 2, "v1")))
                        .as("HTTP " + code)
                        .isInstanceOf(ConfigException.class);
            });
        }
    }

    @Test
    default void should_retry_429_and_5xx_honouring_retry_after_then_acknowledge() {
        withWireMock(server -> {
            String collection = newCollection();
            stubHealthyEmptyCollection(server, collection);
            server.stubFor(upsertStub(collection)
                    .atPriority(1)
                    .inScenario("flaky")
                    .whenScenarioStateIs(Scenario.STARTED)
                    .withMetadata(ExchangeCheck.FAULT)
                    .willReturn(aResponse().withStatus(503))
                    .willSetStateTo("throttled"));
            server.stubFor(upsertStub(collection)
                    .atPriority(1)
                    .inScenario("flaky")
                    .whenScenarioStateIs("throttled")
                    .withMetadata(ExchangeCheck.FAULT)
                    .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7"))
                    .willSetStateTo("healthy"));
            FakeRetryTiming clock = new FakeRetryTiming();
            VectorStore store = storeAt(server.baseUrl(), collection, clock.timing());
            store.prepare(3);

            store.upsert(record("r1", 2, "v1"));

            assertThat(server.findAll(upsertRequests(collection))).hasSize(3);
            assertThat(clock.sleeps()).hasSize(2);
            assertThat(clock.sleeps().get(1)).isGreaterThanOrEqualTo(Duration.ofSeconds(7));
        });
    }

    @Test
    default void should_fail_transiently_when_5xx_outlasts_the_retries() {
        withWireMock(server -> {
            String collection = newCollection();
            stubHealthyEmptyCollection(server, collection);
            server.stubFor(upsertStub(collection)
                    .atPriority(1)
                    .withMetadata(ExchangeCheck.FAULT)
                    .willReturn(aResponse().withStatus(503)));
            FakeRetryTiming clock = new FakeRetryTiming();
            VectorStore store = storeAt(server.baseUrl(), collection, clock.timing());
            store.prepare(3);

            assertThatThrownBy(() -> store.upsert(record("r1", 2, "v1"))).isInstanceOf(TransientException.class);
            assertThat(clock.sleeps()).isNotEmpty();
        });
    }

    @Test
    default void should_not_acknowledge_points_that_the_answer_does_not_confirm() {
        withWireMock(server -> {
            String collection = newCollection();
            stubHealthyEmptyCollection(server, collection);
            List<ChunkPoint> points = record("r1", 2, "v1");
            Optional<String> unconfirmed = unconfirmedUpsertAnswer("");
            Assumptions.assumeTrue(unconfirmed.isPresent(), "this vendor's upsert answers are all-or-nothing");
            server.stubFor(upsertStub(collection)
                    .atPriority(1)
                    .willReturn(aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "application/json")
                            .withTransformers(UPSERT_ANSWERS)
                            .withTransformerParameter("unconfirmed", true)));
            VectorStore store = storeAt(server.baseUrl(), collection, new FakeRetryTiming().timing());
            store.prepare(3);

            assertThatThrownBy(() -> store.upsert(points)).isInstanceOf(RuntimeException.class);
        });
    }

    @Test
    default void should_split_upserts_at_the_point_limit() {
        withWireMock(server -> {
            String collection = newCollection();
            stubHealthyEmptyCollection(server, collection);
            VectorStore store = storeAt(server.baseUrl(), collection, new FakeRetryTiming().timing());
            store.prepare(3);
            int limit = maxPointsPerUpsert();
            List<ChunkPoint> points = new ArrayList<>();
            for (int i = 0; i < 2 * limit + 1; i++) {
                points.add(chunk(STREAM, "r" + i, 0, 1, SYNC, 1, i, 0));
            }

            store.upsert(points);

            List<LoggedRequest> upserts = server.findAll(upsertRequests(collection));
            assertThat(upserts).hasSize(3);
            assertThat(upserts).allSatisfy(r -> assertThat(pointsIn(r)).isLessThanOrEqualTo(limit));
            assertThat(upserts.stream().mapToInt(this::pointsIn).sum()).isEqualTo(2 * limit + 1);
        });
    }

    @Test
    default void should_split_upserts_at_the_byte_limit() {
        withWireMock(server -> {
            String collection = newCollection();
            stubHealthyEmptyCollection(server, collection);
            VectorStore store = storeAt(server.baseUrl(), collection, new FakeRetryTiming().timing());
            store.prepare(3);
            String text = "x".repeat(256 * 1024);
            // Just over two requests' worth: at least three requests, none over the limit.
            int count = (int) (2 * maxUpsertBytes() / text.length()) + 1;
            List<ChunkPoint> points = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ChunkPoint base = chunk(STREAM, "r" + i, 0, 1, SYNC, 1, i, 0);
                points.add(new ChunkPoint(base.id(), base.vector(), text, base.metadata()));
            }

            store.upsert(points);

            List<LoggedRequest> upserts = server.findAll(upsertRequests(collection));
            assertThat(upserts).hasSizeGreaterThanOrEqualTo(3);
            assertThat(upserts)
                    .allSatisfy(r -> assertThat((long) r.getBody().length).isLessThanOrEqualTo(maxUpsertBytes()));
            assertThat(upserts.stream().mapToInt(this::pointsIn).sum()).isEqualTo(count);
        });
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static List<StoredChunk> sortedById(List<StoredChunk> chunks) {
        return chunks.stream().sorted(Comparator.comparing(StoredChunk::id)).toList();
    }

    /** Runs {@code test} against a fresh WireMock server that can build upsert answers from the request. */
    default void withWireMock(Consumer<WireMockServer> test) {
        WireMockConfiguration config =
                wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(new UpsertAnswers(this));
        exchangeCheck().ifPresent(check -> config.extensions(check));
        WireMockServer server = new WireMockServer(config);
        server.start();
        try {
            test.accept(server);
        } finally {
            server.stop();
        }
    }

    /**
     * Builds the body of an upsert answer from the request it answers, so that item-by-item answers (an
     * OpenSearch {@code _bulk}) match what was sent.
     */
    final class UpsertAnswers implements ResponseDefinitionTransformerV2 {
        private final VectorStoreContract contract;

        UpsertAnswers(VectorStoreContract contract) {
            this.contract = contract;
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            String request = event.getRequest().getBodyAsString();
            boolean unconfirmed = event.getTransformerParameters().getBoolean("unconfirmed", false);
            String body = unconfirmed
                    ? contract.unconfirmedUpsertAnswer(request).orElseThrow()
                    : contract.successfulUpsertAnswer(request);
            return new ResponseDefinitionBuilder()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(body)
                    .build();
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return UPSERT_ANSWERS;
        }
    }
}
