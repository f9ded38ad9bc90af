package io.vectorsink.pipeline;

import io.vectorsink.protocol.StateText;
import java.util.ArrayDeque;

/**
 * The memory that states waiting for the store take, bounded by a byte budget. A state is admitted only
 * while the states already waiting leave room for it, so a slow store slows the reader (and through it the
 * source) instead of letting a source that sends large states (CDC states of a megabyte) fill the heap.
 * One state larger than the whole budget is still admitted when no other waits, or the sync could not go on.
 *
 * <p>States leave in the order they came (the ledger releases them in arrival order), so their sizes are
 * kept in a queue and each release frees the oldest.
 */
final class WaitingStates {
    /** The share of the maximum heap that waiting states may take, by their estimated size. */
    static final int HEAP_FRACTION = 8;

    private final long budgetBytes;
    private final ArrayDeque<Long> sizes = new ArrayDeque<>();
    private long waitingBytes;
    private long largestWaitingBytes;

    WaitingStates(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** The budget for this JVM: an eighth of its maximum heap. */
    static WaitingStates forThisJvm() {
        return new WaitingStates(Runtime.getRuntime().maxMemory() / HEAP_FRACTION);
    }

    long budgetBytes() {
        return budgetBytes;
    }

    /**
     * Waits until a state of {@code bytes} fits next to those waiting, then counts it. {@code stillPossible}
     * runs while waiting and throws when the states that wait can no longer be released (a failed write).
     */
    synchronized void admit(long bytes, Runnable stillPossible) throws InterruptedException {
        while (waitingBytes > 0 && waitingBytes + bytes > budgetBytes) {
            stillPossible.run();
            wait(200);
        }
        waitingBytes += bytes;
        largestWaitingBytes = Math.max(largestWaitingBytes, waitingBytes);
        sizes.addLast(bytes);
    }

    /** The oldest admitted state left (it was emitted). */
    synchronized void released() {
        Long bytes = sizes.pollFirst();
        if (bytes != null) {
            waitingBytes -= bytes;
            notifyAll();
        }
    }

    synchronized long waitingBytes() {
        return waitingBytes;
    }

    /** The most the waiting states took at once during the run. */
    synchronized long largestWaitingBytes() {
        return largestWaitingBytes;
    }

    /**
     * What a waiting state takes on the heap, on the high side: the text it keeps (its JSON, verbatim, to be
     * echoed byte for byte, or the line it is part of) at two bytes per character, and the objects around it.
     */
    static long estimatedBytes(StateText state) {
        return 2L * state.retainedChars() + 128;
    }
}
