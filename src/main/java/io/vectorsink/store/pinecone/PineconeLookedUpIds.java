package io.vectorsink.store.pinecone;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Pinecone ids of the chunks the store's lookups found, by namespace and chunk id: {@code storedVectors} and
 * {@code updateOwnFields} name chunks by chunk id, and a Pinecone id also holds the record key and chunk index,
 * which only the lookup saw. The least recently used ids go first once {@link #capacity} are held.
 *
 * <p>The ids an update needs are those of the batches still in flight, which the pipeline bounds by {@code
 * max_in_flight_chunks}: their unchanged records' chunks count against it, and their changed records' stored
 * chunks are about as many. The capacity holds that twice over again for batches that start and finish while one
 * waits for its write (at least {@link #MIN_CAPACITY}, about 240 bytes an id), so a large in-flight budget does not
 * evict an id an update is about to need; a write held up by retries while more than that is looked up still
 * could lose it, and its update then fails the sync with a transient error (the retry looks it up again).
 */
final class PineconeLookedUpIds {
    /** The fewest ids remembered: what the default budget of 4,096 chunks in flight always had. */
    static final int MIN_CAPACITY = 50_000;

    /** Ids remembered per chunk the pipeline may hold in flight. */
    static final int PER_IN_FLIGHT_CHUNK = 4;

    private final int capacity;
    private final Map<String, String> ids;
    private boolean evictedAny;

    PineconeLookedUpIds(int maxInFlightChunks) {
        this.capacity = (int)
                Math.min(Integer.MAX_VALUE, Math.max(MIN_CAPACITY, (long) PER_IN_FLIGHT_CHUNK * maxInFlightChunks));
        this.ids = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                evictedAny |= size() > capacity;
                return size() > capacity;
            }
        };
    }

    int capacity() {
        return capacity;
    }

    /** Whether an id was ever let go for room: then a missing id may have been looked up after all. */
    synchronized boolean evictedAny() {
        return evictedAny;
    }

    synchronized void put(String ns, String chunkId, String vectorId) {
        ids.put(ns + "\n" + chunkId, vectorId);
    }

    /** The Pinecone id of chunk {@code chunkId} in {@code ns}, or null when no lookup found it (or it was evicted). */
    synchronized String get(String ns, String chunkId) {
        return ids.get(ns + "\n" + chunkId);
    }
}
