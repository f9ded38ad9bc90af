package io.vectorsink.store.pinecone;

import io.vectorsink.error.TransientException;
import io.vectorsink.http.RetryTiming;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The freshness fences of one store instance (see {@link PineconeReads}): the tag of the latest fence it wrote to
 * each namespace, and how long reads waited to show one. A read that does not show the fence is asked again after
 * a growing wait; once its {@link Budget} has waited {@link #MAX_WAIT} in all, the read is given up (null), so a
 * lagging index costs embeddings (lookups) or a retried sync (cleanup), not time without end.
 */
final class PineconeFreshness {
    /** The longest one budget waits, in all, for reads to show a fence. */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private static final Duration FIRST_WAIT = Duration.ofMillis(100);
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(5);

    /** An answer and whether it showed the fence it was asked for. */
    record Read<T>(T value, boolean fresh) {}

    /**
     * The waiting reads may still do: the lookups of a namespace share one (past it they are no longer waited
     * for), an old-generation cleanup has its own, so lookups that used theirs up cannot cut it short.
     */
    static final class Budget {
        private Duration spent = Duration.ZERO;

        private synchronized boolean spent() {
            return spent.compareTo(MAX_WAIT) >= 0;
        }

        private synchronized void add(Duration wait) {
            spent = spent.plus(wait);
        }
    }

    private final String storeTag = "vectorsink-fence:" + UUID.randomUUID();
    private final AtomicLong written = new AtomicLong();
    private final RetryTiming timing;
    /** Namespace → the tag of the latest fence this store wrote there and Pinecone acknowledged. */
    private final Map<String, String> tags = new ConcurrentHashMap<>();

    private final Map<String, Budget> lookupBudgets = new ConcurrentHashMap<>();

    PineconeFreshness(RetryTiming timing) {
        this.timing = timing;
    }

    /** The namespaces this store wrote a fence to, for deleting them when it closes. */
    Set<String> fencedNamespaces() {
        return Set.copyOf(tags.keySet());
    }

    /**
     * Writes a new fence into {@code ns} with {@code writeFence} (namespace, tag; returns once Pinecone acknowledged
     * it): a read that shows it reflects every write acknowledged before this call. Reads asked for the earlier
     * tag of {@code ns} still count as fresh for what they were asked.
     */
    void advance(String ns, BiConsumer<String, String> writeFence) {
        synchronized (tags) {
            String tag = storeTag + ":" + written.incrementAndGet();
            writeFence.accept(ns, tag);
            tags.put(ns, tag);
        }
    }

    /**
     * Deletes the fence of {@code ns} with {@code deleteFence} (namespace) and forgets it: the next read there writes
     * a new one first (a read waiting on the deleted one meanwhile asks again with the new one).
     */
    void retire(String ns, Consumer<String> deleteFence) {
        synchronized (tags) {
            if (tags.containsKey(ns)) {
                deleteFence.accept(ns);
                tags.remove(ns);
            }
        }
    }

    /** {@link #fresh(String, BiConsumer, Function, Budget)} on the lookups' shared budget of {@code ns}. */
    <T> T fresh(String ns, BiConsumer<String, String> writeFence, Function<String, Read<T>> read) {
        return fresh(ns, writeFence, read, lookupBudgets.computeIfAbsent(ns, k -> new Budget()));
    }

    /**
     * The value of {@code read} (given the tag to look for) once an answer shows the latest fence of namespace
     * {@code ns} (written first when this store has not yet fenced it), or null when none did before {@code budget}
     * was spent.
     */
    <T> T fresh(String ns, BiConsumer<String, String> writeFence, Function<String, Read<T>> read, Budget budget) {
        Duration wait = FIRST_WAIT;
        while (true) {
            Read<T> answer = read.apply(tag(ns, writeFence));
            if (answer.fresh()) {
                return answer.value();
            }
            if (budget.spent()) {
                return null;
            }
            sleep(wait);
            budget.add(wait);
            wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
        }
    }

    /** The tag of the latest fence in {@code ns}, written first when there is none. */
    private String tag(String ns, BiConsumer<String, String> writeFence) {
        synchronized (tags) {
            if (!tags.containsKey(ns)) {
                advance(ns, writeFence);
            }
            return tags.get(ns);
        }
    }

    private void sleep(Duration duration) {
        try {
            timing.sleeper().sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientException("interrupted while waiting for Pinecone to show recent writes");
        }
    }
}
