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
import io.vectorsink.store.VectorStore.RecordTrim;
import io.vectorsink.testing.ChromaInspector;
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

/**
 * Chroma-specific behaviour against a real Chroma 1.0 server (the pinned npm distribution); what every store
 * must do is in {@link ChromaContractIT}.
 */
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

    private static ChromaInspector inspector() {
        return new ChromaInspector(ChromaServer.shared().url());
    }

    private static Map<String, List<Long>> chunkIndexesByRecord(String collection) {
        return inspector().all(collection).stream()
                .collect(Collectors.groupingBy(
                        p -> p.text("_ab_record_id"),
                        Collectors.mapping(
                                p -> p.number("_ab_chunk_index"),
                                Collectors.collectingAndThen(
                                        Collectors.toList(),
                                        l -> l.stream().sorted().toList()))));
    }

    // ---- check and prepare ----------------------------------------------------------------------

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
        first.upsert(record("first", 1));
        ChromaVectorStore second = store(name, "ip");
        second.prepare(3);
        second.upsert(record("second", 1));

        // One collection holds both: the second prepare found the first one's instead of making another.
        assertThat(inspector().all(name))
                .extracting(p -> p.text("_ab_record_id"))
                .containsExactlyInAnyOrder("first", "second");
    }

    // ---- writes ---------------------------------------------------------------------------------

    @Test
    void should_apply_many_trims_across_several_requests() {
        String collection = newCollection();
        ChromaVectorStore store = store(collection, "cosine");
        store.prepare(3);
        List<ChunkPoint> points = new ArrayList<>();
        List<RecordTrim> trims = new ArrayList<>();
        for (int r = 0; r < 600; r++) {
            points.addAll(record("r" + r, 4));
            trims.add(new RecordTrim(STREAM, "r" + r, r % 5)); // 0 deletes all, 4 deletes nothing
        }
        store.upsert(points);

        store.deleteChunks(trims);

        Map<String, List<Long>> remaining = chunkIndexesByRecord(collection);
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
    void should_store_every_point_of_a_large_upsert_and_query_by_stream() {
        String collection = newCollection();
        ChromaVectorStore store = store(collection, "cosine");
        store.prepare(3);
        List<ChunkPoint> points = new ArrayList<>();
        for (int i = 0; i < 1005; i++) {
            points.add(chunk(STREAM, "r" + i, 0, 1, SYNC, 1, i, 0));
        }
        store.upsert(points);

        assertThat(inspector().all(collection)).hasSize(1005);
        assertThat(store.query(new float[] {1, 0, 0}, 5, STREAM)).hasSize(5);
        assertThat(store.query(new float[] {1, 0, 0}, 5, StreamId.of("nothing")))
                .isEmpty();
    }

    @Test
    void should_write_concurrently_from_several_threads() throws Exception {
        String collection = newCollection();
        ChromaVectorStore store = store(collection, "cosine");
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
        assertThat(inspector().all(collection)).hasSize(60);
    }
}
