package io.vectorsink.store;

import io.vectorsink.error.SystemException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Splits what a store writes into requests within the store's limits on count and body size. Items are
 * sized and handed over one batch at a time, in order, so a failing request stops the rest exactly as a
 * hand-written loop would.
 */
public final class PointBatches {
    private PointBatches() {}

    /**
     * Hands {@code items} to {@code send} in order, in batches of at most {@code maxCount} items whose
     * sizes sum to at most {@code maxBytes}. An item larger than {@code maxBytes} on its own still goes,
     * alone, so the server (not this loop) reports it. Nothing is sent when {@code items} is empty.
     *
     * @param size the bytes an item adds to a request body
     */
    public static <T> void forEach(
            Iterable<T> items, int maxCount, long maxBytes, ToLongFunction<? super T> size, Consumer<List<T>> send) {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(send, "send");
        if (maxCount < 1) {
            throw new SystemException("maxCount must be >= 1, got " + maxCount);
        }
        List<T> batch = new ArrayList<>();
        long bytes = 0;
        for (T item : items) {
            long itemBytes = size.applyAsLong(item);
            if (!batch.isEmpty() && (batch.size() >= maxCount || bytes + itemBytes > maxBytes)) {
                send.accept(batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(item);
            bytes += itemBytes;
        }
        if (!batch.isEmpty()) {
            send.accept(batch);
        }
    }
}
