package io.vectorsink.pipeline;

import io.vectorsink.error.TransientException;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.VectorStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The store stage of the pipeline: writes that are ready (embedded, and after every earlier write of their
 * records) queue here, and at most {@code slots} store writes run at once. A write that finds a slot free
 * goes alone and at once; writes that arrive while every slot is busy wait, and the next free slot writes
 * them together, whatever their streams, up to {@code maxChunks} chunks per store call. So many small
 * batches (many streams of a few records, or a state after every record) cost few requests exactly when
 * the store is what limits the sync, and nothing when it is idle.
 *
 * <p>A combined call that the store refuses (anything but an outage) is sent again write by write, so the
 * refusal is reported for the stream it belongs to. Writes queued together never hold two versions of one
 * record: a write becomes ready only after every
 * earlier write of its records completed. Each write of a combined call keeps its own upsert-then-trim
 * order: all upserts are acknowledged before any trim.
 */
final class CombinedWrites {
    /** One ready write: its records and its points, and what completes when the store has acknowledged it. */
    private record Ready(List<RecordWork> works, List<ChunkPoint> points, CompletableFuture<Void> done) {
        int weight() {
            return Math.max(points.size(), works.size());
        }
    }

    private final VectorStore store;
    private final ExecutorService pool;
    private final int slots;
    private final int maxChunks;
    private final Runnable beforeWrite;
    private final ArrayDeque<Ready> queue = new ArrayDeque<>();
    private int running;

    /**
     * @param pool runs the writes; it must have at least {@code slots} threads
     * @param beforeWrite runs before each store call and throws when no write may start any more
     */
    CombinedWrites(VectorStore store, ExecutorService pool, int slots, int maxChunks, Runnable beforeWrite) {
        this.store = store;
        this.pool = pool;
        this.slots = slots;
        this.maxChunks = maxChunks;
        this.beforeWrite = beforeWrite;
    }

    /** Queues a write; the future completes once the store has acknowledged its upserts and trims. */
    CompletableFuture<Void> write(List<RecordWork> works, List<ChunkPoint> points) {
        Ready ready = new Ready(works, points, new CompletableFuture<>());
        synchronized (this) {
            queue.addLast(ready);
            if (running < slots) {
                running++;
                try {
                    pool.execute(this::drain);
                } catch (RuntimeException e) { // the pool was shut down: the run is over
                    running--;
                    queue.remove(ready);
                    ready.done().completeExceptionally(e);
                }
            }
        }
        return ready.done();
    }

    /** One slot: writes what is queued, combined, until the queue is empty. */
    private void drain() {
        while (true) {
            List<Ready> taken;
            synchronized (this) {
                if (queue.isEmpty()) {
                    running--;
                    return;
                }
                taken = takeUpToMaxChunks();
            }
            try {
                writeTogether(taken);
                taken.forEach(ready -> ready.done().complete(null));
            } catch (TransientException e) { // an outage: it belongs to no write in particular
                taken.forEach(ready -> ready.done().completeExceptionally(e));
            } catch (RuntimeException e) {
                if (taken.size() == 1) {
                    taken.get(0).done().completeExceptionally(e);
                } else {
                    writeOneByOne(taken);
                }
            } catch (Error e) { // out of memory, say: every write of the call fails with it, none may hang
                taken.forEach(ready -> ready.done().completeExceptionally(e));
            }
        }
    }

    /**
     * After the store refused a combined call: each write again on its own (upserts and trims are safe to
     * repeat), so that the refusal is reported with the write, and the stream, it belongs to.
     */
    private void writeOneByOne(List<Ready> writes) {
        for (Ready ready : writes) {
            try {
                writeTogether(List.of(ready));
                ready.done().complete(null);
            } catch (RuntimeException | Error e) {
                ready.done().completeExceptionally(e);
            }
        }
    }

    /** The oldest ready write, and those after it while the total stays within {@code maxChunks}. */
    private List<Ready> takeUpToMaxChunks() {
        List<Ready> taken = new ArrayList<>();
        int weight = 0;
        while (!queue.isEmpty()
                && (taken.isEmpty() || weight + queue.peekFirst().weight() <= maxChunks)) {
            Ready next = queue.pollFirst();
            taken.add(next);
            weight += next.weight();
        }
        return taken;
    }

    private void writeTogether(List<Ready> writes) {
        beforeWrite.run();
        List<ChunkPoint> points = new ArrayList<>();
        List<VectorStore.RecordTrim> trims = new ArrayList<>();
        for (Ready ready : writes) {
            points.addAll(ready.points());
            for (RecordWork work : ready.works()) {
                if (work.delete()) {
                    trims.add(new VectorStore.RecordTrim(work.stream(), work.recordId(), 0));
                } else if (work.trim()) {
                    trims.add(new VectorStore.RecordTrim(
                            work.stream(), work.recordId(), work.chunks().size()));
                }
            }
        }
        if (!points.isEmpty()) {
            store.upsert(points);
        }
        // Upsert first, trim after: a record is never missing from the store, only briefly over-complete.
        if (!trims.isEmpty()) {
            store.deleteChunks(trims);
        }
    }
}
