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
import java.util.Objects;
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
 * batch that holds a version of one of its records (invariant 4). Before a batch is embedded, one lookup
 * decides what of each keyed record is stored already ({@link ReuseDecisions}): unchanged records are not
 * embedded nor written, unchanged texts take their stored vectors. Memory is bounded by a budget of
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
    private final ReuseDecisions decisions;
    private final ReuseStats stats = new ReuseStats();
    private final WrittenRecords plannedWrites = new WrittenRecords();

    BatchWriter(Embedder embedder, VectorStore store, CheckpointLedger ledger, AdvancedConfig advanced) {
        this(embedder, store, ledger, advanced, false);
    }

    /** @param forceReembed embed every chunk, looking nothing up ({@code processing.force_reembed}) */
    BatchWriter(
            Embedder embedder,
            VectorStore store,
            CheckpointLedger ledger,
            AdvancedConfig advanced,
            boolean forceReembed) {
        this.embedder = embedder;
        this.store = store;
        this.ledger = ledger;
        this.decisions = new ReuseDecisions(store, forceReembed, embedder.dimensions());
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

        Set<CompletableFuture<Void>> conflicts = new HashSet<>();
        Set<String> distrusted = new HashSet<>();
        for (RecordWork work : works) {
            if (work.recordId() != null) {
                CompletableFuture<Void> earlier = lastWriteOfRecord.get(work.recordId());
                if (earlier != null) {
                    conflicts.add(earlier);
                }
                // A write of it planned earlier in this sync, in flight or done, overrides what a lookup says.
                if (plannedWrites.mayContain(work.recordId())) {
                    distrusted.add(work.recordId());
                }
            }
        }
        works.stream().map(RecordWork::recordId).filter(Objects::nonNull).forEach(plannedWrites::add);
        AtomicInteger points = new AtomicInteger();
        CompletableFuture<Prepared> prepared =
                CompletableFuture.supplyAsync(() -> prepare(stream, works, distrusted), embedPool);
        CompletableFuture<Void> earlierWrites = CompletableFuture.allOf(conflicts.toArray(CompletableFuture[]::new));
        CompletableFuture<Void> written = prepared.thenCombine(earlierWrites, (ready, ignored) -> ready)
                .thenCompose(ready -> {
                    points.set(ready.points().size());
                    CompletableFuture<Void> upserted = ready.plan().writes().isEmpty()
                            ? CompletableFuture.completedFuture(null)
                            : writes.write(ready.plan().writes(), ready.points());
                    return ready.plan().ownFieldUpdates().isEmpty()
                            ? upserted
                            : upserted.thenRunAsync(() -> updateOwnFields(stream, ready.plan()), storePool);
                });
        track(stream, written, works);
        written.whenComplete((ignored, error) -> {
            try {
                if (error != null) {
                    fail(error, stream);
                } else if (failure.get() == null) {
                    chunksWritten.addAndGet(points.get());
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

    /** What skipping unchanged records did so far, per stream. */
    String reuseSummary() {
        return stats.describe();
    }

    private void acquire(int permits) throws InterruptedException {
        while (!inFlightChunks.tryAcquire(permits, 200, TimeUnit.MILLISECONDS)) {
            throwIfFailed(); // never wait for capacity that a failed batch will not give back
        }
    }

    /** A batch's plan and the points it writes, every vector known. */
    private record Prepared(ReuseDecisions.Plan plan, List<ChunkPoint> points) {}

    /** Looks the batch's keyed records up, decides what each needs, and embeds what must be. */
    private Prepared prepare(StreamId stream, List<RecordWork> works, Set<String> distrusted) {
        throwIfCancelled();
        ReuseStats.Counters counters = stats.of(stream);
        ReuseDecisions.Plan plan = decisions.decide(stream, works, distrusted, counters);
        List<PendingChunk> chunks = plan.chunks();
        return new Prepared(plan, points(chunks, embed(chunks, plan.reusedVectors(), counters)));
    }

    private void updateOwnFields(StreamId stream, ReuseDecisions.Plan plan) {
        throwIfCancelled();
        ReuseStats.Counters counters = stats.of(stream);
        plan.ownFieldUpdates().forEach((fields, ids) -> {
            store.updateOwnFields(stream, ids, fields);
            counters.ownFieldUpdates.addAndGet(ids.size());
        });
    }

    /**
     * Vectors for every chunk, in order: the record's own where it brought one, a stored one where the text
     * is unchanged, the embedder's otherwise. The whole batch goes to the embedder in one call, which splits
     * it as its model or provider needs: a remote embedder sends its requests concurrently (so {@code
     * embedding_concurrency} batches keep that many times the requests of one batch in flight), a local one
     * groups the chunks by length into model runs.
     */
    private List<float[]> embed(List<PendingChunk> chunks, Map<String, float[]> reused, ReuseStats.Counters counters) {
        throwIfCancelled();
        List<Chunk> toEmbed = chunks.stream()
                .filter(c -> c.vector() == null && !reused.containsKey(c.id()))
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
        counters.chunksEmbedded.addAndGet(toEmbed.size());
        counters.tokensSent.addAndGet(tokens(toEmbed));
        List<float[]> vectors = new ArrayList<>(chunks.size());
        int next = 0;
        for (PendingChunk chunk : chunks) {
            float[] known = chunk.vector() != null ? chunk.vector() : reused.get(chunk.id());
            vectors.add(known != null ? known : computed.get(next++));
        }
        return vectors;
    }

    /** The tokens sent, as the chunker counted them (a chunk it did not measure is counted now). */
    private long tokens(List<Chunk> chunks) {
        long tokens = 0;
        for (Chunk chunk : chunks) {
            tokens += chunk.tokens() != null
                    ? chunk.tokens().count()
                    : embedder.tokenCounter().count(chunk.text());
        }
        return tokens;
    }

    private static List<ChunkPoint> points(List<PendingChunk> chunks, List<float[]> vectors) {
        List<ChunkPoint> points = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            PendingChunk chunk = chunks.get(i);
            points.add(
                    new ChunkPoint(chunk.id(), vectors.get(i), chunk.document(), chunk.metadata(), chunk.keyFields()));
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
