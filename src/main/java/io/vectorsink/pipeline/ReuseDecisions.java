package io.vectorsink.pipeline;

import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkFields;
import io.vectorsink.store.KnownChunk;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.VectorStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides, for one batch, what each keyed record needs (docs/behaviour.md, "Skipping unchanged records"),
 * from one metadata-only {@link VectorStore#lookup} by record id:
 *
 * <ul>
 *   <li><b>unchanged</b>: the stored chunks are exactly chunks 0..n-1 of this version, each with its record
 *       hash and chunk hash: nothing is embedded or written, except that an overwrite or refresh moves them
 *       into this sync's generation ({@link VectorStore#updateOwnFields}) so the old-generation cleanup keeps
 *       them;
 *   <li><b>metadata-only</b>: every chunk text is stored for this record (any position): written again with
 *       the stored vectors, nothing embedded;
 *   <li><b>changed</b>: some texts are new: only those are embedded, the rest reuse the stored vectors of
 *       equal chunk hashes of the same record, wherever they stood;
 *   <li><b>new</b>: nothing stored: everything is embedded.
 * </ul>
 *
 * Vectors are reused only from chunks of the same record, because only writes of that record can change
 * them, and those are ordered (a batch with a record whose earlier write this sync planned trusts no lookup
 * for it: {@link WrittenRecords}). A stored vector that cannot be read is embedded instead. Deletes, keyless
 * records and records without a hash are passed through as they are.
 */
final class ReuseDecisions {
    /** What a batch needs done. */
    record Plan(
            List<RecordWork> writes,
            Map<String, float[]> reusedVectors,
            Map<Map<String, Object>, List<String>> ownFieldUpdates) {
        /** The chunks to write, in order. */
        List<PendingChunk> chunks() {
            List<PendingChunk> chunks = new ArrayList<>();
            writes.forEach(work -> chunks.addAll(work.chunks()));
            return chunks;
        }
    }

    private final VectorStore store;
    private final boolean forceReembed;
    private final int dimensions;

    ReuseDecisions(VectorStore store, boolean forceReembed, int dimensions) {
        this.store = store;
        this.forceReembed = forceReembed;
        this.dimensions = dimensions;
    }

    /**
     * @param distrusted records whose stored state this batch must not rely on (an earlier write of them was
     *     planned in this sync)
     */
    Plan decide(StreamId stream, List<RecordWork> works, Set<String> distrusted, ReuseStats.Counters stats) {
        List<String> lookedUp = new ArrayList<>();
        for (RecordWork work : works) {
            if (candidate(work) && !distrusted.contains(work.recordId())) {
                lookedUp.add(work.recordId());
            }
        }
        Map<String, List<KnownChunk>> known = Map.of();
        // An index that was empty when this run began holds only this run's writes, never trusted by a lookup.
        if (!forceReembed && !lookedUp.isEmpty() && !store.emptyWhenPrepared()) {
            long start = System.nanoTime();
            known = store.lookup(stream, lookedUp);
            stats.lookupNanos.addAndGet(System.nanoTime() - start);
            stats.lookups.incrementAndGet();
        }

        List<RecordWork> writes = new ArrayList<>();
        Map<Map<String, Object>, List<String>> ownFieldUpdates = new LinkedHashMap<>();
        // new chunk id -> the stored chunk id whose vector it takes
        Map<String, String> reuseFrom = new LinkedHashMap<>();
        List<RecordWork> mayBeMetadataOnly = new ArrayList<>();
        for (RecordWork work : works) {
            if (!candidate(work)) {
                writes.add(work);
                if (!work.delete()) {
                    stats.added.incrementAndGet();
                }
                continue;
            }
            List<KnownChunk> stored =
                    distrusted.contains(work.recordId()) ? List.of() : known.getOrDefault(work.recordId(), List.of());
            if (stored.isEmpty()) {
                // A record written earlier in this sync is another version of it; with force_reembed nothing is
                // looked up, so every record counts as new.
                (distrusted.contains(work.recordId()) ? stats.changed : stats.added).incrementAndGet();
                writes.add(work);
            } else if (unchanged(work, stored)) {
                stats.unchanged.incrementAndGet();
                List<String> stale = outOfGeneration(work, stored);
                if (!stale.isEmpty()) {
                    ownFieldUpdates
                            .computeIfAbsent(ownFields(work), fields -> new ArrayList<>())
                            .addAll(stale);
                }
            } else {
                writes.add(work);
                if (reuse(work, stored, reuseFrom)) {
                    mayBeMetadataOnly.add(work);
                } else {
                    stats.changed.incrementAndGet();
                }
            }
        }
        Map<String, float[]> reused = readVectors(stream, reuseFrom, stats);
        for (RecordWork work : mayBeMetadataOnly) {
            boolean allRead =
                    work.chunks().stream().allMatch(chunk -> chunk.vector() != null || reused.containsKey(chunk.id()));
            (allRead ? stats.metadataOnly : stats.changed).incrementAndGet();
        }
        return new Plan(writes, reused, ownFieldUpdates);
    }

    /** A keyed record with hashes, whose stored chunks may spare it work. */
    private static boolean candidate(RecordWork work) {
        return work.recordId() != null
                && !work.delete()
                && work.recordHash() != null
                && !work.chunks().isEmpty();
    }

    /** Exactly chunks 0..n-1 of this version are stored, nothing else. */
    private static boolean unchanged(RecordWork work, List<KnownChunk> stored) {
        int count = work.chunks().size();
        if (stored.size() != count) {
            return false;
        }
        Set<Integer> seen = new java.util.HashSet<>();
        for (KnownChunk chunk : stored) {
            int index = chunk.chunkIndex();
            if (index < 0 || index >= count || !seen.add(index)) {
                return false;
            }
            PendingChunk expected = work.chunks().get(index);
            if (!expected.id().equals(chunk.id())
                    || chunk.chunkCount() != count
                    || !work.recordHash().equals(chunk.recordHash())
                    || !Objects.equals(expected.chunkHash(), chunk.chunkHash())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Notes, for each chunk of {@code work} that is to be written, a stored chunk of the same record with an
     * equal chunk hash; returns whether every chunk has one (or its own vector).
     */
    private static boolean reuse(RecordWork work, List<KnownChunk> stored, Map<String, String> reuseFrom) {
        Map<String, String> storedByHash = new HashMap<>();
        for (KnownChunk chunk : stored) {
            if (chunk.chunkHash() != null) {
                storedByHash.putIfAbsent(chunk.chunkHash(), chunk.id());
            }
        }
        boolean all = true;
        for (PendingChunk chunk : work.chunks()) {
            if (chunk.vector() != null) {
                // from_field: the record brought its vector; equal chunk hashes (same text) mean metadata-only
                all &= storedByHash.containsKey(chunk.chunkHash());
                continue;
            }
            String from = chunk.chunkHash() == null ? null : storedByHash.get(chunk.chunkHash());
            if (from == null) {
                all = false;
            } else {
                reuseFrom.put(chunk.id(), from);
            }
        }
        return all;
    }

    /** The stored vectors for the noted chunks, keyed by the new chunk's id; unreadable ones are absent. */
    private Map<String, float[]> readVectors(
            StreamId stream, Map<String, String> reuseFrom, ReuseStats.Counters stats) {
        if (reuseFrom.isEmpty()) {
            return Map.of();
        }
        long start = System.nanoTime();
        Map<String, float[]> byStoredId = store.storedVectors(stream, new LinkedHashSet<>(reuseFrom.values()));
        stats.lookupNanos.addAndGet(System.nanoTime() - start);
        stats.vectorReads.incrementAndGet();
        Map<String, float[]> reused = new HashMap<>();
        for (Map.Entry<String, String> entry : reuseFrom.entrySet()) {
            float[] vector = byStoredId.get(entry.getValue());
            if (vector != null && vector.length == dimensions) {
                reused.put(entry.getKey(), vector);
            }
        }
        stats.chunksReused.addAndGet(reused.size());
        return reused;
    }

    /** The stored chunks that the stream's completion would remove, though this sync saw them unchanged. */
    private static List<String> outOfGeneration(RecordWork work, List<KnownChunk> stored) {
        StaleFilter filter = work.staleFilter();
        List<String> ids = new ArrayList<>();
        if (filter == null) {
            return ids;
        }
        String syncId = (String) work.chunks().get(0).metadata().get(ChunkFields.SYNC_ID);
        for (KnownChunk chunk : stored) {
            boolean removed;
            if (filter instanceof StaleFilter.OlderGeneration older) {
                removed = chunk.generationId() == null || chunk.generationId() < older.minimumGenerationId();
            } else {
                removed = !Objects.equals(chunk.syncId(), syncId);
            }
            if (removed) {
                ids.add(chunk.id());
            }
        }
        return ids;
    }

    /** This version's generation and sync id, which an unchanged record's chunks take on. */
    private static Map<String, Object> ownFields(RecordWork work) {
        Map<String, Object> metadata = work.chunks().get(0).metadata();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(ChunkFields.GENERATION_ID, metadata.get(ChunkFields.GENERATION_ID));
        fields.put(ChunkFields.SYNC_ID, metadata.get(ChunkFields.SYNC_ID));
        return fields;
    }
}
