package io.vectorsink.pipeline;

import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkFields;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.KnownChunk;
import io.vectorsink.store.MetadataRules;
import io.vectorsink.store.QueryHit;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.VectorStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * An in-memory store for pipeline unit tests: it keeps points by id, applies trims like a real store, and
 * can hold an upsert until the test lets it go or fail it, so ordering and acknowledgement can be observed.
 * It looks chunks up like a consistent store ({@link #lookup}, {@link #storedVectors}, {@link
 * #updateOwnFields} read and change exactly what is stored), unless a test makes it answer stale or fail.
 */
final class RecordingStore implements VectorStore {
    final Map<String, ChunkPoint> points = new ConcurrentHashMap<>();
    final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger inFlightPoints = new AtomicInteger();
    final AtomicInteger maxInFlightPoints = new AtomicInteger();
    volatile Predicate<List<ChunkPoint>> holdWhen = points -> false;
    volatile RuntimeException failWith;
    /** Runs on every upsert once it is let go, before its points are kept: a test may refuse the call here. */
    volatile Consumer<List<ChunkPoint>> onUpsert = batch -> {};
    /** How long each upsert takes: a store that is slower than the pipeline. */
    volatile long upsertMillis;

    final AtomicInteger upsertCalls = new AtomicInteger();
    final AtomicInteger lookupCalls = new AtomicInteger();
    final AtomicInteger vectorReads = new AtomicInteger();
    /** Record ids of every lookup, one list per call. */
    final List<List<String>> lookedUp = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Fails every lookup with this, when set. */
    volatile RuntimeException failLookupsWith;
    /** When set, lookups answer from this snapshot instead of what is stored: a store that reads stale. */
    volatile Map<String, ChunkPoint> staleSnapshot;
    /** Chunk ids whose stored vectors cannot be read (storedVectors leaves them out). */
    final Set<String> unreadableVectors = ConcurrentHashMap.newKeySet();

    /** What {@link #emptyWhenPrepared} answers: an index that held nothing when the run began. */
    volatile boolean emptyWhenPrepared;

    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void check(int dimension) {}

    @Override
    public boolean emptyWhenPrepared() {
        return emptyWhenPrepared;
    }

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
            onUpsert.accept(batch);
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
    public Map<String, List<KnownChunk>> lookup(StreamId stream, Collection<String> recordIds) {
        lookupCalls.incrementAndGet();
        lookedUp.add(List.copyOf(recordIds));
        if (failLookupsWith != null) {
            throw failLookupsWith;
        }
        Map<String, ChunkPoint> source = staleSnapshot != null ? staleSnapshot : points;
        Set<String> wanted = Set.copyOf(recordIds);
        Map<String, List<KnownChunk>> known = new HashMap<>();
        for (ChunkPoint point : source.values()) {
            Map<String, Object> m = point.metadata();
            Object recordId = m.get(ChunkFields.RECORD_ID);
            if (wanted.contains(recordId) && ofStream(point, stream)) {
                known.computeIfAbsent((String) recordId, id -> new ArrayList<>())
                        .add(new KnownChunk(
                                point.id(),
                                (String) recordId,
                                ((Long) m.get(ChunkFields.CHUNK_INDEX)).intValue(),
                                ((Long) m.get(ChunkFields.CHUNK_COUNT)).intValue(),
                                (String) m.get(ChunkFields.CHUNK_HASH),
                                (String) m.get(ChunkFields.RECORD_HASH),
                                (Long) m.get(ChunkFields.GENERATION_ID),
                                (String) m.get(ChunkFields.SYNC_ID)));
            }
        }
        return known;
    }

    @Override
    public Map<String, float[]> storedVectors(StreamId stream, Collection<String> chunkIds) {
        vectorReads.incrementAndGet();
        Map<String, float[]> vectors = new HashMap<>();
        for (String id : chunkIds) {
            ChunkPoint point = points.get(id);
            if (point != null && ofStream(point, stream) && !unreadableVectors.contains(id)) {
                vectors.put(id, point.vector().clone());
            }
        }
        return vectors;
    }

    @Override
    public void updateOwnFields(StreamId stream, Collection<String> chunkIds, Map<String, Object> fields) {
        for (String id : chunkIds) {
            points.computeIfPresent(id, (key, point) -> {
                Map<String, Object> metadata = new LinkedHashMap<>(point.metadata());
                metadata.putAll(fields);
                return new ChunkPoint(point.id(), point.vector(), point.document(), metadata);
            });
            log.add("own fields " + points.get(id).document() + " " + fields.get(ChunkFields.GENERATION_ID));
        }
    }

    private static boolean ofStream(ChunkPoint point, StreamId stream) {
        return stream.airbyteName().equals(point.metadata().get(ChunkFields.STREAM))
                && stream.namespaceOrEmpty().equals(point.metadata().get(ChunkFields.NAMESPACE));
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
