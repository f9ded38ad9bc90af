package io.vectorsink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkPoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a combined store call fails: a refusal is sent again write by write, so that it is reported for the
 * write (and stream) it belongs to while the other writes succeed; an outage or an Error fails every write
 * of the call at once, with no resends.
 */
class CombinedWritesTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(1);
    private final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
    private final RecordingStore store = new RecordingStore();
    private final CombinedWrites writes = new CombinedWrites(store, pool, 1, 100, () -> {});

    /** Holds the first upsert (so the store is busy) and records every call; {@code refuse} may throw. */
    private void storeThat(Consumer<List<String>> refuse) {
        store.holdWhen = batch -> calls.isEmpty();
        store.onUpsert = batch -> {
            List<String> documents = batch.stream().map(ChunkPoint::document).toList();
            calls.add(documents);
            refuse.accept(documents);
        };
    }

    @AfterEach
    void stop() {
        store.release.countDown();
        pool.shutdownNow();
    }

    private CompletableFuture<Void> write(String stream, String document) {
        RecordWork work = new RecordWork(1, StreamId.of(stream), null, false, false, List.of());
        ChunkPoint point = new ChunkPoint(document, new float[] {1f}, document, Map.of());
        return writes.write(List.of(work), List.of(point));
    }

    /** Three writes of three streams queued while the store is busy, so they go as one call. */
    private List<CompletableFuture<Void>> threeCombined() throws Exception {
        CompletableFuture<Void> first = write("s", "first");
        assertThat(store.held.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Void>> queued = List.of(write("a", "a"), write("b", "b"), write("c", "c"));
        store.release.countDown();
        first.get(10, TimeUnit.SECONDS);
        for (CompletableFuture<Void> future : queued) {
            try {
                future.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // inspected by the test
            }
        }
        return queued;
    }

    private static Throwable failure(CompletableFuture<Void> future) {
        try {
            future.join();
            return null;
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void should_send_a_refused_combined_call_again_write_by_write_and_fail_only_the_refused_write() throws Exception {
        SystemException refusal = new SystemException("the store refused b");
        storeThat(documents -> {
            if (documents.contains("b")) {
                throw refusal;
            }
        });

        List<CompletableFuture<Void>> queued = threeCombined();

        assertThat(calls)
                .containsExactly(List.of("first"), List.of("a", "b", "c"), List.of("a"), List.of("b"), List.of("c"));
        assertThat(failure(queued.get(0))).isNull();
        assertThat(failure(queued.get(1))).isSameAs(refusal);
        assertThat(failure(queued.get(2))).isNull();
    }

    @Test
    void should_fail_every_write_of_a_combined_call_in_an_outage_without_sending_them_again() throws Exception {
        TransientException outage = new TransientException("the store is down");
        storeThat(documents -> {
            if (documents.size() > 1) {
                throw outage; // a single write would get through: a resend would hide the outage
            }
        });

        List<CompletableFuture<Void>> queued = threeCombined();

        assertThat(calls).containsExactly(List.of("first"), List.of("a", "b", "c"));
        assertThat(queued).allSatisfy(future -> assertThat(failure(future)).isSameAs(outage));
    }

    @Test
    void should_fail_every_write_of_a_combined_call_with_an_error_without_sending_them_again() throws Exception {
        OutOfMemoryError error = new OutOfMemoryError("test: no memory for the call");
        storeThat(documents -> {
            if (documents.size() > 1) {
                throw error;
            }
        });

        List<CompletableFuture<Void>> queued = threeCombined();

        assertThat(calls).containsExactly(List.of("first"), List.of("a", "b", "c"));
        assertThat(queued).allSatisfy(future -> assertThat(failure(future)).isSameAs(error));
    }
}
