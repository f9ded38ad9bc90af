package io.vectorsink.store.pinecone;

import io.vectorsink.error.TransientException;
import io.vectorsink.http.RetryTiming;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The freshness fences of one store instance (see {@link PineconeReads}): the tag of its fences, the namespaces
 * it fenced, and how long it waited in each for a read to show its fence. A read that does not show the fence is
 * asked again after a growing wait; once a namespace has waited {@link #MAX_WAIT} in all, its reads are no longer
 * waited for and their answers are not used, so a lagging index costs embeddings, not time without end.
 */
final class PineconeFreshness {
    /** The longest a store waits, in all, for one namespace's reads to show its fence. */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);

    private static final Duration FIRST_WAIT = Duration.ofMillis(100);
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(5);

    /** An answer and whether it showed the fence. */
    record Read<T>(T value, boolean fresh) {}

    private final String tag = "vectorsink-fence:" + UUID.randomUUID();
    private final RetryTiming timing;
    private final Set<String> fenced = ConcurrentHashMap.newKeySet();
    private final Map<String, Duration> waited = new ConcurrentHashMap<>();

    PineconeFreshness(RetryTiming timing) {
        this.timing = timing;
    }

    /** The tag this store's fences carry. */
    String tag() {
        return tag;
    }

    /** The namespaces this store wrote a fence to, for deleting them when it closes. */
    Set<String> fencedNamespaces() {
        return Set.copyOf(fenced);
    }

    /**
     * The value of {@code read} once an answer shows the fence of namespace {@code ns} (written first by {@code
     * writeFence} when this store has not yet fenced it), or null when none did within the namespace's waiting.
     */
    <T> T fresh(String ns, Consumer<String> writeFence, Supplier<Read<T>> read) {
        synchronized (fenced) {
            if (!fenced.contains(ns)) {
                writeFence.accept(ns); // returns once Pinecone acknowledged it
                fenced.add(ns);
            }
        }
        Duration wait = FIRST_WAIT;
        while (true) {
            Read<T> answer = read.get();
            if (answer.fresh()) {
                return answer.value();
            }
            Duration spent = waited.getOrDefault(ns, Duration.ZERO);
            if (spent.compareTo(MAX_WAIT) >= 0) {
                return null;
            }
            sleep(wait);
            waited.merge(ns, wait, Duration::plus);
            wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
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
