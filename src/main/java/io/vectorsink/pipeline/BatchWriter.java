package io.vectorsink.pipeline;

import io.vectorsink.checkpoint.CheckpointLedger;
import io.vectorsink.chunking.Chunk;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.error.ConnectorException;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.VectorStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Embeds and writes batches concurrently, and acknowledges their tickets once the store has confirmed
 * every write (invariant 1; the invariants are numbered in docs/architecture.md). Embedding runs on
 * {@code embedding_concurrency} threads and store writes on {@code upsert_concurrency} threads, so provider
 * latency is hidden; writes that wait for a busy store are combined into one store call
 * ({@link CombinedWrites}). Order is kept where it matters: a batch's store write waits for every earlier
 * batch that holds a version of one of its records (invariant 4). Memory is bounded by a budget of
 * in-flight chunks: {@link #submit} blocks while it is spent (invariant 5). The first failure is kept,
 * stops all acknowledgements, and is rethrown to the caller (invariant 6).
 */
final class BatchWriter implements AutoCloseable {
    private final Embedder embedder;
    private final VectorStore store;
    private final CheckpointLedger ledger;
    private final int budget;
    private final Semaphore inFlightChunks;
    private final ExecutorService embedPool;
    private final ExecutorService storePool;
    private final ExecutorService writePool;
    private final CombinedWrites writes;
    private final Map<String, CompletableFuture<Void>> lastWriteOfRecord = new ConcurrentHashMap<>();
    private final Map<StreamId, Set<CompletableFuture<Void>>> inFlightByStream = new ConcurrentHashMap<>();
    private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicReference<ConnectorException> failure = new AtomicReference<>();
    private final AtomicLong chunksWritten = new AtomicLong();

    BatchWriter(Embedder embedder, VectorStore store, CheckpointLedger ledger, AdvancedConfig advanced) {
        this.embedder = embedder;
        this.store = store;
        this.ledger = ledger;
        this.budget = advanced.maxInFlightChunks();
        this.inFlightChunks = new Semaphore(budget);
        this.embedPool = Executors.newFixedThreadPool(advanced.embeddingConcurrency(), daemon("embed"));
        this.storePool = Executors.newFixedThreadPool(advanced.upsertConcurrency(), daemon("store"));
        this.writePool = Executors.newFixedThreadPool(advanced.upsertConcurrency(), daemon("write"));
        this.writes = new CombinedWrites(
                store, writePool, advanced.upsertConcurrency(), advanced.batchSize(), this::throwIfCancelled);
    }

    /** Starts embedding and writing a batch; blocks while the in-flight budget is spent. */
    void submit(StreamId stream, StreamBatch batch) throws InterruptedException {
        List<RecordWork> works = batch.works();
        List<Long> tickets = batch.tickets();
        int permits = Math.max(1, Math.min(budget, batch.weight()));
        acquire(permits);

        List<PendingChunk> chunks = new ArrayList<>();
        Set<CompletableFuture<Void>> conflicts = new HashSet<>();
        for (RecordWork work : works) {
            chunks.addAll(work.chunks());
            if (work.recordId() != null) {
                CompletableFuture<Void> earlier = lastWriteOfRecord.get(work.recordId());
                if (earlier != null) {
                    conflicts.add(earlier);
                }
            }
        }
        CompletableFuture<List<float[]>> embedded = CompletableFuture.supplyAsync(() -> embed(chunks), embedPool);
        CompletableFuture<Void> earlierWrites = CompletableFuture.allOf(conflicts.toArray(CompletableFuture[]::new));
        CompletableFuture<Void> written = embedded.thenCombine(earlierWrites, (vectors, ignored) -> vectors)
                .thenCompose(vectors -> writes.write(works, points(chunks, vectors)));
        track(stream, written, works);
        written.whenComplete((ignored, error) -> {
            try {
                if (error != null) {
                    fail(error, stream);
                } else if (failure.get() == null) {
                    chunksWritten.addAndGet(chunks.size());
                    tickets.forEach(ticket -> ledger.acknowledge(stream, ticket));
                }
            } catch (RuntimeException e) {
                fail(e, null);
            } finally {
                inFlightChunks.release(permits);
                untrack(stream, written, works);
            }
        });
    }

    /**
     * Runs a store operation for {@code stream} after every batch of that stream now in flight has been
     * written, and acknowledges {@code ticket} when it is done.
     */
    void submitOperation(StreamId stream, long ticket, Runnable operation) {
        Set<CompletableFuture<Void>> before = Set.copyOf(inFlightByStream.getOrDefault(stream, Set.of()));
        CompletableFuture<Void> done = CompletableFuture.allOf(before.toArray(CompletableFuture[]::new))
                .thenRunAsync(
                        () -> {
                            // After any failure, nothing may be deleted: the old data is what Airbyte resumes from.
                            throwIfCancelled();
                            operation.run();
                        },
                        storePool);
        track(stream, done, List.of());
        done.whenComplete((ignored, error) -> {
            try {
                if (error != null) {
                    fail(error, stream);
                } else if (failure.get() == null) {
                    ledger.acknowledge(stream, ticket);
                }
            } catch (RuntimeException e) {
                fail(e, null);
            } finally {
                untrack(stream, done, List.of());
            }
        });
    }

    /** Waits until nothing is in flight; rethrows the first failure. */
    void awaitIdle() throws InterruptedException {
        while (true) {
            throwIfFailed();
            List<CompletableFuture<Void>> now = List.copyOf(inFlight);
            if (now.isEmpty()) {
                // A batch records its failure before it leaves inFlight: one that failed between the check
                // above and this one is seen here, not mistaken for success.
                throwIfFailed();
                return;
            }
            try {
                CompletableFuture.allOf(now.toArray(CompletableFuture[]::new)).get(1, TimeUnit.SECONDS);
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                // A failure is recorded by the batch's own callback and rethrown on the next pass.
            }
        }
    }

    /** Rethrows the first failure of any batch, if there was one. */
    void throwIfFailed() {
        ConnectorException error = failure.get();
        if (error != null) {
            throw error;
        }
    }

    long chunksWritten() {
        return chunksWritten.get();
    }

    private void acquire(int permits) throws InterruptedException {
        while (!inFlightChunks.tryAcquire(permits, 200, TimeUnit.MILLISECONDS)) {
            throwIfFailed(); // never wait for capacity that a failed batch will not give back
        }
    }

    /**
     * Vectors for every chunk, in order: the record's own where it brought one, the embedder's otherwise. The
     * whole batch goes to the embedder in one call, which splits it as its model or provider needs: a remote
     * embedder sends its requests concurrently (so {@code embedding_concurrency} batches keep that many times
     * the requests of one batch in flight), a local one groups the chunks by length into model runs.
     */
    private List<float[]> embed(List<PendingChunk> chunks) {
        throwIfCancelled();
        List<Chunk> toEmbed = chunks.stream()
                .filter(c -> c.vector() == null)
                .map(PendingChunk::chunk)
                .toList();
        List<float[]> computed = toEmbed.isEmpty() ? List.of() : embedder.embedChunks(toEmbed);
        if (computed.size() != toEmbed.size()) {
            throw new SystemException(
                    "The embedder returned " + computed.size() + " vectors for " + toEmbed.size() + " texts");
        }
        for (float[] vector : computed) {
            if (vector.length != embedder.dimensions()) {
                throw new SystemException("The embedder returned a vector of " + vector.length + " dimensions; "
                        + embedder.dimensions() + " expected");
            }
        }
        List<float[]> vectors = new ArrayList<>(chunks.size());
        int next = 0;
        for (PendingChunk chunk : chunks) {
            vectors.add(chunk.vector() != null ? chunk.vector() : computed.get(next++));
        }
        return vectors;
    }

    private static List<ChunkPoint> points(List<PendingChunk> chunks, List<float[]> vectors) {
        List<ChunkPoint> points = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            PendingChunk chunk = chunks.get(i);
            points.add(new ChunkPoint(chunk.id(), vectors.get(i), chunk.document(), chunk.metadata()));
        }
        return points;
    }

    private void track(StreamId stream, CompletableFuture<Void> future, List<RecordWork> works) {
        inFlight.add(future);
        inFlightByStream
                .computeIfAbsent(stream, s -> ConcurrentHashMap.newKeySet())
                .add(future);
        for (RecordWork work : works) {
            if (work.recordId() != null) {
                lastWriteOfRecord.put(work.recordId(), future);
            }
        }
    }

    private void untrack(StreamId stream, CompletableFuture<Void> future, List<RecordWork> works) {
        for (RecordWork work : works) {
            if (work.recordId() != null) {
                lastWriteOfRecord.remove(work.recordId(), future);
            }
        }
        Set<CompletableFuture<Void>> streamFutures = inFlightByStream.get(stream);
        if (streamFutures != null) {
            streamFutures.remove(future);
        }
        inFlight.remove(future);
    }

    /**
     * Work that starts after a failure must fail too, not finish quietly: a step that merely skipped its work
     * would look done to whatever waits on it (a later write of the same record, removing an old generation).
     */
    private void throwIfCancelled() {
        if (failure.get() != null) {
            throw new CancellationException("an earlier batch failed");
        }
    }

    /**
     * Keeps the first failure. One that came from a stream's own work (its batch, its removal of old data)
     * is marked as that stream's, unless it is an outage: a store or provider that is down fails every
     * stream alike.
     *
     * @param stream the stream whose work failed, or null when the failure belongs to no stream
     */
    private void fail(Throwable error, StreamId stream) {
        // The ledger first: no state may leave between the failure and the TRACE error that reports it.
        ledger.fail();
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (failure.get() != null) {
            return; // later failures are consequences of the first (cancelled work) or lost in its shadow
        }
        ConnectorException connectorError = cause instanceof ConnectorException known
                ? known
                : new SystemException(
                        "Writing a batch failed unexpectedly: "
                                + cause.getClass().getName(),
                        cause);
        if (stream != null && !(connectorError instanceof TransientException)) {
            connectorError.inStream(stream.namespace(), stream.name());
        }
        failure.compareAndSet(null, connectorError);
    }

    @Override
    public void close() {
        embedPool.shutdownNow();
        storePool.shutdownNow();
        writePool.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "vectorsink-" + name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
