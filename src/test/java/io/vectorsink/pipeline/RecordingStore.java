package io.vectorsink.pipeline;

import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.MetadataRules;
import io.vectorsink.store.QueryHit;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.VectorStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An in-memory store for pipeline unit tests: it keeps points by id, applies trims like a real store, and
 * can hold an upsert until the test lets it go or fail it, so ordering and acknowledgement can be observed.
 */
final class RecordingStore implements VectorStore {
    final Map<String, ChunkPoint> points = new ConcurrentHashMap<>();
    final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger inFlightPoints = new AtomicInteger();
    final AtomicInteger maxInFlightPoints = new AtomicInteger();
    volatile Predicate<List<ChunkPoint>> holdWhen = points -> false;
    volatile RuntimeException failWith;
    /** How long each upsert takes: a store that is slower than the pipeline. */
    volatile long upsertMillis;

    final AtomicInteger upsertCalls = new AtomicInteger();
    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void check(int dimension) {}

    @Override
    public void prepare(int dimension) {}

    @Override
    public void upsert(List<ChunkPoint> batch) {
        upsertCalls.incrementAndGet();
        int now = inFlightPoints.addAndGet(batch.size());
        maxInFlightPoints.accumulateAndGet(now, Math::max);
        try {
            if (failWith != null) {
                throw failWith;
            }
            if (upsertMillis > 0) {
                Thread.sleep(upsertMillis);
            }
            if (holdWhen.test(batch)) {
                held.countDown();
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            }
            for (ChunkPoint point : batch) {
                points.put(point.id(), point);
                log.add("upsert " + point.document());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            inFlightPoints.addAndGet(-batch.size());
        }
    }

    @Override
    public void deleteChunks(List<RecordTrim> trims) {
        for (RecordTrim trim : trims) {
            points.values()
                    .removeIf(p -> trim.recordId().equals(p.metadata().get("_ab_record_id"))
                            && (Long) p.metadata().get("_ab_chunk_index") >= trim.fromChunkIndex());
            log.add("trim " + trim.recordId() + " from " + trim.fromChunkIndex());
        }
    }

    @Override
    public void deleteStale(StreamId stream, StaleFilter filter) {
        log.add("stale " + stream + " " + filter);
        points.values().removeIf(p -> stream.airbyteName().equals(p.metadata().get("_ab_stream")) && stale(p, filter));
    }

    private static boolean stale(ChunkPoint point, StaleFilter filter) {
        if (filter instanceof StaleFilter.OlderGeneration older) {
            return (Long) point.metadata().get("_ab_generation_id") < older.minimumGenerationId();
        }
        return !((StaleFilter.OtherSync) filter)
                .syncId()
                .equals(point.metadata().get("_ab_sync_id"));
    }

    @Override
    public List<QueryHit> query(float[] vector, int limit, StreamId stream) {
        return List.of();
    }

    @Override
    public MetadataRules metadataRules() {
        return MetadataRules.unlimited();
    }

    List<String> documents() {
        return points.values().stream().map(ChunkPoint::document).sorted().toList();
    }
}
