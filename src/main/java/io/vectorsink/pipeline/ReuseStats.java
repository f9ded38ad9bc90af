package io.vectorsink.pipeline;

import io.vectorsink.protocol.StreamId;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What skipping unchanged records did, per stream, for the end-of-sync log (docs/behaviour.md, "Skipping
 * unchanged records"). Counted as batches are planned and embedded, from any thread.
 */
final class ReuseStats {
    /** The counters of one stream. */
    static final class Counters {
        final AtomicLong unchanged = new AtomicLong();
        final AtomicLong metadataOnly = new AtomicLong();
        final AtomicLong changed = new AtomicLong();
        final AtomicLong added = new AtomicLong();
        final AtomicLong chunksEmbedded = new AtomicLong();
        final AtomicLong chunksReused = new AtomicLong();
        final AtomicLong tokensSent = new AtomicLong();
        final AtomicLong lookups = new AtomicLong();
        final AtomicLong vectorReads = new AtomicLong();
        final AtomicLong ownFieldUpdates = new AtomicLong();
        final AtomicLong lookupNanos = new AtomicLong();

        String describe() {
            return String.format(
                    Locale.ROOT,
                    "records %d unchanged, %d metadata-only, %d changed, %d new; chunks %d embedded, %d reused,"
                            + " %d moved to the new generation; %d tokens sent; %d lookups and %d vector reads"
                            + " in %d ms",
                    unchanged.get(),
                    metadataOnly.get(),
                    changed.get(),
                    added.get(),
                    chunksEmbedded.get(),
                    chunksReused.get(),
                    ownFieldUpdates.get(),
                    tokensSent.get(),
                    lookups.get(),
                    vectorReads.get(),
                    lookupNanos.get() / 1_000_000);
        }
    }

    private final Map<StreamId, Counters> byStream = new ConcurrentHashMap<>();

    Counters of(StreamId stream) {
        return byStream.computeIfAbsent(stream, s -> new Counters());
    }

    /** One line per stream that had records: {@code stream docs: records ...}, streams in name order. */
    String describe() {
        StringBuilder text = new StringBuilder();
        byStream.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparing(StreamId::toString)))
                .forEach(entry -> {
                    if (text.length() > 0) {
                        text.append("; ");
                    }
                    text.append("stream ")
                            .append(entry.getKey())
                            .append(": ")
                            .append(entry.getValue().describe());
                });
        return text.toString();
    }
}
