package io.vectorsink.store.chroma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.PointIds;
import io.vectorsink.store.QueryHit;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.VectorStore.RecordTrim;
import io.vectorsink.testing.ChromaServer;
import io.vectorsink.testing.FakeRetryTiming;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** ChromaVectorStore against a real Chroma 1.0 server (the pinned npm distribution). */
class ChromaVectorStoreIT {
    private static final StreamId STREAM = StreamId.of("docs");
    private static final String SYNC = "sync-1";

    private final FakeRetryTiming clock = new FakeRetryTiming();

    private ChromaVectorStore store(String url, String collection, String metric, String tenant, String database) {
        IndexingConfig.Chroma config = new IndexingConfig.Chroma(url, tenant, database, collection, metric, null);
        // Retries are observed, not slept: the unreachable-host test would otherwise wait for real.
        return new ChromaVectorStore(
                config,
                AdvancedConfig.defaults(),
                HttpClients.shared(),
                clock.timing(),
                RetrySettings.forService("Chroma", AdvancedConfig.defaults()));
    }

    private ChromaVectorStore store(String collection, String metric) {
        return store(ChromaServer.shared().url(), collection, metric, null, null);
    }

    private static String newCollection() {
        return "it-" + UUID.randomUUID();
    }

    private static ChunkPoint chunk(
            StreamId stream, String recordId, int index, long generation, String syncId, float... vector) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("_ab_stream", stream.airbyteName());
        metadata.put("_ab_namespace", stream.namespaceOrEmpty());
        metadata.put("_ab_record_id", recordId);
        metadata.put("_ab_chunk_index", (long) index);
        metadata.put("_ab_generation_id", generation);
        metadata.put("_ab_sync_id", syncId);
        return new ChunkPoint(PointIds.forChunk(recordId, index), vector, recordId + " chunk " + index, metadata);
    }

    private static List<ChunkPoint> record(String recordId, int chunks) {
        List<ChunkPoint> points = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            points.add(chunk(STREAM, recordId, i, 1, SYNC, 1, i, 0));
        }
        return points;
    }

    private static Map<String, List<Long>> chunkIndexesByRecord(ChromaVectorStore store) {
        return store.getAll(null).stream()
                .collect(Collectors.groupingBy(
                        p -> (String) p.metadata().get("_ab_record_id"),
                        Collectors.mapping(
                                p -> (Long) p.metadata().get("_ab_chunk_index"),
                                Collectors.collectingAndThen(
                                        Collectors.toList(),
                                        l -> l.stream().sorted().toList()))));
    }

    // ---- check and prepare ----------------------------------------------------------------------

    @Test
    void should_pass_check_and_create_nothing_when_the_collection_is_missing() {
        ChromaVectorStore store = store(newCollection(), "cosine");

        store.check(3);

        assertThat(store.getAll(null)).isEmpty();
        assertThat(store.count()).isZero();
        assertThat(store.collectionId()).isNull();
    }

    @Test
    void should_pass_check_when_the_collection_matches() {
        String name = newCollection();
        ChromaVectorStore writer = store(name, "cosine");
        writer.prepare(3);
        writer.upsert(record("r1", 1));

        store(name, "cosine").check(3);
    }

    @Test
    void should_fail_check_in_plain_words_when_chroma_is_unreachable() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ChromaVectorStore store = store("http://127.0.0.1:" + port, newCollection(), "cosine", null, null);

        assertThatThrownBy(() -> store.check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Chroma at http://127.0.0.1:" + port + " is not reachable: connection refused");
        assertThat(clock.sleeps()).hasSize(2); // check retries briefly, not for the sync's minutes
    }

    @Test
    void should_fail_check_naming_both_dimensions_when_they_differ() {
        String name = newCollection();
        ChromaVectorStore writer = store(name, "cosine");
        writer.prepare(3);
        writer.upsert(record("r1", 1));

        assertThatThrownBy(() -> store(name, "cosine").check(384))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("holds vectors of 3 dimensions")
                .hasMessageContaining("the embedding model makes 384");
        assertThatThrownBy(() -> store(name, "cosine").prepare(384))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("holds vectors of 3 dimensions");
    }

    @Test
    void should_fail_check_and_prepare_when_the_metric_differs() {
        String name = newCollection();
        store(name, "l2").prepare(3);

        assertThatThrownBy(() -> store(name, "cosine").check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("uses the l2 distance, but distance_metric is cosine");
        assertThatThrownBy(() -> store(name, "ip").prepare(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("uses the l2 distance, but distance_metric is ip");
    }

    @Test
    void should_fail_check_and_prepare_when_the_tenant_or_database_is_missing() {
        String url = ChromaServer.shared().url();

        assertThatThrownBy(() -> store(url, newCollection(), "cosine", "no_such_tenant", null)
                        .check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tenant 'no_such_tenant' does not exist");
        assertThatThrownBy(() -> store(url, newCollection(), "cosine", null, "no_such_db")
                        .check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("database 'no_such_db' does not exist in tenant 'default_tenant'");
        assertThatThrownBy(() -> store(url, newCollection(), "cosine", "no_such_tenant", null)
                        .prepare(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tenant 'no_such_tenant' does not exist");
    }

    @Test
    void should_reuse_the_collection_when_prepared_twice() {
        String name = newCollection();
        ChromaVectorStore first = store(name, "ip");
        first.prepare(3);
        ChromaVectorStore second = store(name, "ip");
        second.prepare(3);

        assertThat(second.collectionId()).isEqualTo(first.collectionId());
    }

    // ---- writes ---------------------------------------------------------------------------------

    @Test
    void should_keep_the_count_when_the_same_points_are_upserted_twice() {
        ChromaVectorStore store = store(newCollection(), "cosine");
        store.prepare(3);

        store.upsert(record("r1", 5));
        store.upsert(record("r1", 5));

        assertThat(store.count()).isEqualTo(5);
    }

    @Test
    void should_leave_no_chunk_at_or_above_n_when_a_record_shrinks() {
        ChromaVectorStore store = store(newCollection(), "cosine");
        store.prepare(3);
        store.upsert(record("r1", 5));
        store.upsert(record("r2", 4));

        store.upsert(record("r1", 2));
        store.deleteChunks(List.of(new RecordTrim("r1", 2)));

        assertThat(chunkIndexesByRecord(store))
                .containsEntry("r1", List.of(0L, 1L))
                .containsEntry("r2", List.of(0L, 1L, 2L, 3L));
    }

    @Test
    void should_delete_every_chunk_of_a_record_when_trimmed_from_zero() {
        ChromaVectorStore store = store(newCollection(), "cosine");
        store.prepare(3);
        store.upsert(record("r1", 3));
        store.upsert(record("r2", 2));

        store.deleteChunks(List.of(new RecordTrim("r1", 0)));

        assertThat(chunkIndexesByRecord(store)).containsOnlyKeys("r2");
    }

    @Test
    void should_apply_many_trims_across_several_requests() {
        ChromaVectorStore store = store(newCollection(), "cosine");
        store.prepare(3);
        List<ChunkPoint> points = new ArrayList<>();
        List<RecordTrim> trims = new ArrayList<>();
        for (int r = 0; r < 600; r++) {
            points.addAll(record("r" + r, 4));
            trims.add(new RecordTrim("r" + r, r % 5)); // 0 deletes all, 4 deletes nothing
        }
        store.upsert(points);

        store.deleteChunks(trims);

        Map<String, List<Long>> remaining = chunkIndexesByRecord(store);
        for (int r = 0; r < 600; r++) {
            int keep = r % 5;
            List<Long> expected = new ArrayList<>();
            for (long i = 0; i < Math.min(keep, 4); i++) {
                expected.add(i);
            }
            if (expected.isEmpty()) {
                assertThat(remaining).doesNotContainKey("r" + r);
            } else {
                assertThat(remaining.get("r" + r)).as("r" + r).isEqualTo(expected);
            }
        }
    }

    @Test
    void should_delete_older_generations_of_only_that_stream() {
        ChromaVectorStore store = store(newCollection(), "cosine");
        store.prepare(3);
        StreamId other = StreamId.of("other");
        store.upsert(List.of(
                chunk(STREAM, "old", 0, 1, SYNC, 1, 0, 0),
                chunk(STREAM, "new", 0, 2, SYNC, 0, 1, 0),
                chunk(other, "other-old", 0, 1, SYNC, 0, 0, 1)));

        store.deleteStale(STREAM, new StaleFilter.OlderGeneration(2));

        assertThat(chunkIndexesByRecord(store)).containsOnlyKeys("new", "other-old");
    }

    @Test
    void should_delete_chunks_of_other_syncs_without_confusing_a_b_with_namespace_a_stream_b() {
        ChromaVectorStore store = store(newCollection(), "cosine");
        store.prepare(3);
        StreamId flat = StreamId.of("a_b");
        StreamId namespaced = new StreamId("a", "b");
        store.upsert(List.of(
                chunk(namespaced, "ns-old", 0, 0, "sync-0", 1, 0, 0),
                chunk(namespaced, "ns-new", 0, 0, "sync-1", 0, 1, 0),
                chunk(flat, "flat-old", 0, 0, "sync-0", 0, 0, 1)));

        store.deleteStale(namespaced, new StaleFilter.OtherSync("sync-1"));

        assertThat(chunkIndexesByRecord(store)).containsOnlyKeys("ns-new", "flat-old");
        assertThat(store.getAll(flat)).extracting(StoredPoint::id).containsExactly(PointIds.forChunk("flat-old", 0));
        assertThat(store.getAll(namespaced))
                .extracting(StoredPoint::id)
                .containsExactly(PointIds.forChunk("ns-new", 0));
    }

    @Test
    void should_return_the_nearest_points_first_and_filter_by_stream() {
        ChromaVectorStore store = store(newCollection(), "cosine");
        store.prepare(3);
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

    @Test
    void should_round_trip_nul_line_separator_and_emoji_in_documents_and_metadata() {
        ChromaVectorStore store = store(newCollection(), "cosine");
        store.prepare(3);
        String tricky = "nul\u0000 line\u2028sep para\u2029 emoji 😀 \"quoted\" back\\slash é 中文";
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("title", tricky);
        metadata.put("big", Long.MAX_VALUE);
        metadata.put("small", Long.MIN_VALUE);
        metadata.put("ratio", 0.1);
        metadata.put("flag", false);

        store.upsert(List.of(new ChunkPoint("p1", new float[] {1, 2, 3}, tricky, metadata)));

        StoredPoint stored = store.getAll(null, true).get(0);
        assertThat(stored.document()).isEqualTo(tricky);
        assertThat(stored.metadata()).isEqualTo(metadata);
        assertThat(stored.vector()).containsExactly(1, 2, 3);
    }

    @Test
    void should_drop_metadata_keys_and_text_that_a_new_version_no_longer_has() {
        ChromaVectorStore store = store(newCollection(), "cosine");
        store.prepare(3);
        store.upsert(
                List.of(new ChunkPoint("p1", new float[] {1, 0, 0}, "old text", Map.of("author", "ann", "k", 1L))));

        store.upsert(List.of(new ChunkPoint("p1", new float[] {1, 0, 0}, null, Map.of("k", 2L))));

        StoredPoint stored = store.getAll(null).get(0);
        assertThat(stored.metadata()).isEqualTo(Map.of("k", 2L));
        assertThat(stored.document()).isEmpty();
    }

    @Test
    void should_read_every_point_back_across_pages() {
        ChromaVectorStore store = store(newCollection(), "cosine");
        store.prepare(3);
        List<ChunkPoint> points = new ArrayList<>();
        for (int i = 0; i < ChromaVectorStore.PAGE_SIZE + 5; i++) {
            points.add(chunk(STREAM, "r" + i, 0, 1, SYNC, 1, i, 0));
        }
        store.upsert(points);

        assertThat(store.getAll(STREAM)).hasSize(ChromaVectorStore.PAGE_SIZE + 5);
        assertThat(store.getAll(StreamId.of("nothing"))).isEmpty();
        assertThat(store.count()).isEqualTo(ChromaVectorStore.PAGE_SIZE + 5);
    }

    @Test
    void should_write_concurrently_from_several_threads() throws Exception {
        ChromaVectorStore store = store(newCollection(), "cosine");
        store.prepare(3);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            int thread = t;
            threads.add(new Thread(() -> {
                try {
                    for (int b = 0; b < 5; b++) {
                        store.upsert(record("t" + thread + "-" + b, 3));
                    }
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(Duration.ofMinutes(1).toMillis());
        }

        assertThat(failures).isEmpty();
        assertThat(store.count()).isEqualTo(60);
    }
}
