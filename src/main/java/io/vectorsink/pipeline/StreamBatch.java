package io.vectorsink.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The records of one stream waiting to be written. Within a batch the last version of a keyed record wins
 * (docs/architecture.md, invariant 4): an earlier version is dropped from the batch, but its ticket stays so
 * that the state after it is released only when the newer version is written.
 */
final class StreamBatch {
    private final Map<Object, RecordWork> latest = new LinkedHashMap<>();
    private final List<Long> tickets = new ArrayList<>();
    private final long createdAtMillis;
    private int weight;

    StreamBatch(long createdAtMillis) {
        this.createdAtMillis = createdAtMillis;
    }

    void add(RecordWork work) {
        tickets.add(work.ticket());
        // Unkeyed records each keep their own slot (their ticket is unique); keyed ones share their id's.
        Object slot = work.recordId() != null ? work.recordId() : work.ticket();
        RecordWork previous = latest.remove(slot);
        if (previous != null) {
            weight -= weight(previous) - 1; // its ticket stays: one unit of weight
        }
        latest.put(slot, work);
        weight += weight(work);
    }

    private static int weight(RecordWork work) {
        return Math.max(1, work.chunks().size());
    }

    /**
     * What the batch costs to hold and to write: its chunks, and at least one unit for every record, so that
     * records without chunks (CDC deletes) and versions replaced within the batch are bounded too.
     */
    int weight() {
        return weight;
    }

    boolean isEmpty() {
        return tickets.isEmpty();
    }

    long createdAtMillis() {
        return createdAtMillis;
    }

    /** The surviving work, in arrival order of each record's last version. */
    List<RecordWork> works() {
        return List.copyOf(latest.values());
    }

    List<Long> tickets() {
        return List.copyOf(tickets);
    }
}
