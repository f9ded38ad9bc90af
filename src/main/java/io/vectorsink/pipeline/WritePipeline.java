package io.vectorsink.pipeline;

import io.vectorsink.checkpoint.CheckpointLedger;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.ConnectorException;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.ConfiguredCatalog;
import io.vectorsink.protocol.ConfiguredStream;
import io.vectorsink.protocol.InputMessage;
import io.vectorsink.protocol.OutputWriter;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.VectorStore;
import java.time.Clock;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The write command's main loop (docs/architecture.md, "Data flow of write"). One thread owns the batches and
 * routes every message: records into per-stream batches, states into the ledger, stream statuses into
 * finalisation. A reader thread parses stdin ahead of it through a small queue, which is also where
 * backpressure reaches the source. Partial batches are flushed when a state arrives, when a stream completes,
 * and when they are older than the flush interval, so checkpoints keep flowing however slow the input is.
 */
public final class WritePipeline {
    private static final int READ_AHEAD = 8;
    /** How often a long sync reports its progress in a LOG message. */
    private static final long PROGRESS_INTERVAL_MILLIS = 30_000;

    private final ConfiguredCatalog catalog;
    private final RecordPlanner planner;
    private final VectorStore store;
    private final CheckpointLedger ledger;
    private final BatchWriter writer;
    private final OutputWriter out;
    private final AdvancedConfig advanced;
    private final Clock clock;
    private final WaitingStates waitingStates;
    private final Map<StreamId, StreamBatch> batches = new LinkedHashMap<>();
    private final Set<StreamId> completed = new HashSet<>();
    private boolean sawStreamStatus;
    private long records;
    private long lastProgressMillis;
    private int bufferedChunks;

    public WritePipeline(
            ConfiguredCatalog catalog,
            PipelineParts parts,
            VectorStore store,
            OutputWriter out,
            AdvancedConfig advanced,
            Clock clock) {
        this(catalog, parts, store, out, advanced, clock, WaitingStates.forThisJvm());
    }

    WritePipeline(
            ConfiguredCatalog catalog,
            PipelineParts parts,
            VectorStore store,
            OutputWriter out,
            AdvancedConfig advanced,
            Clock clock,
            WaitingStates waitingStates) {
        this.catalog = catalog;
        this.planner = new RecordPlanner(
                parts.mapper(),
                parts.chunker(),
                parts.omitRawText(),
                parts.vectorField(),
                parts.embedder().dimensions(),
                ContentHashes.of(
                        parts.embedder().embeddingModel(), parts.reuse().embeddingVersion()));
        this.store = store;
        this.out = out;
        this.advanced = advanced;
        this.clock = clock;
        this.waitingStates = waitingStates;
        this.ledger = new CheckpointLedger((state, recordCount) -> {
            out.state(state, recordCount);
            waitingStates.released();
        });
        this.writer = new BatchWriter(
                parts.embedder(), store, ledger, advanced, parts.reuse().forceReembed());
    }

    /** Processes every message until the end of input; returns normally only when all states were released. */
    public void run(Iterator<InputMessage> input) throws InterruptedException {
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(READ_AHEAD);
        Thread reader = startReader(input, queue);
        try {
            while (true) {
                writer.throwIfFailed();
                Object item = queue.poll(pollMillis(), TimeUnit.MILLISECONDS);
                if (item == null) {
                    if (!reader.isAlive() && queue.isEmpty()) {
                        throw new SystemException("The input reader stopped without reaching the end of input");
                    }
                    onTimer();
                    continue;
                }
                if (item == END) {
                    break;
                }
                if (item instanceof RuntimeException error) {
                    throw afterWritesUnderWay(error);
                }
                try {
                    handle((InputMessage) item);
                } catch (ConnectorException error) {
                    throw afterWritesUnderWay(error);
                }
                onTimer();
            }
            finish();
        } catch (RuntimeException | Error | InterruptedException e) {
            // Whatever failed, no state may be released after it, not even by a write still in flight.
            ledger.fail();
            throw e;
        } finally {
            reader.interrupt();
            writer.close();
        }
    }

    /**
     * Before failing on a bad line, finishes the writes already under way, so that every state before that
     * line is released and a retry need not write those records again. A store failure that came first is
     * thrown instead.
     */
    private RuntimeException afterWritesUnderWay(RuntimeException inputError) throws InterruptedException {
        writer.awaitIdle();
        return inputError;
    }

    private void handle(InputMessage message) throws InterruptedException {
        if (message instanceof InputMessage.Record record) {
            onRecord(record);
        } else if (message instanceof InputMessage.State state) {
            onState(state);
        } else if (message instanceof InputMessage.StreamStatus status) {
            onStatus(status);
        }
        // Ignored messages (LOG, other TRACE types, unknown types) need no action.
    }

    private void onRecord(InputMessage.Record record) throws InterruptedException {
        ConfiguredStream stream;
        RecordWork work;
        try {
            stream = configured(record.stream(), record.lineNumber());
            if (completed.contains(stream.id())) {
                throw new SystemException("Input line " + record.lineNumber() + " is a record of stream " + stream.id()
                        + ", which was already reported COMPLETE");
            }
            work = planner.plan(ledger.openRecord(stream.id()), record, stream);
        } catch (ConnectorException e) {
            // Mapping, vectors, keys: whatever fails here fails for this record's stream.
            throw e.inStream(record.stream().namespace(), record.stream().name());
        }
        StreamBatch batch = batches.computeIfAbsent(stream.id(), id -> new StreamBatch(clock.millis()));
        int before = batch.weight();
        batch.add(work);
        bufferedChunks += batch.weight() - before;
        records++;
        if (batch.weight() >= advanced.batchSize()) {
            flush(stream.id());
        } else if (bufferedChunks >= advanced.maxInFlightChunks() / 2) {
            flushLargest(); // many streams with partial batches must not outgrow the budget together
        }
    }

    private void onState(InputMessage.State state) throws InterruptedException {
        if (state.type() == InputMessage.StateType.STREAM) {
            flush(state.stream());
        } else {
            flushAll();
        }
        // Backpressure: while the states that wait for the store fill their budget, no more input is read.
        waitingStates.admit(WaitingStates.estimatedBytes(state.raw()), writer::throwIfFailed);
        ledger.addState(state);
    }

    private void onStatus(InputMessage.StreamStatus status) throws InterruptedException {
        sawStreamStatus = true;
        if (!status.isComplete()) {
            return; // STARTED, RUNNING, INCOMPLETE: an incomplete stream keeps its older data
        }
        Optional<ConfiguredStream> known = catalog.stream(status.stream());
        if (known.isEmpty()) {
            // A status carries no data: nothing is lost by ignoring one for a stream outside the catalog.
            out.warn("Input line " + status.lineNumber() + " reports stream " + status.stream()
                    + " COMPLETE, but that stream is not in the configured catalog; ignored");
            return;
        }
        ConfiguredStream stream = known.get();
        flush(stream.id());
        completed.add(stream.id());
        finalizeStream(stream);
    }

    /** Removes what an overwrite or truncate refresh replaced, once the new data is written. */
    private void finalizeStream(ConfiguredStream stream) {
        writer.throwIfFailed();
        if (staleFilter(stream).isEmpty() && replacesOtherSyncs(stream)) {
            out.warn("Stream " + stream.id() + " is overwritten, but neither the catalog (generation_id, sync_id)"
                    + " nor the platform (" + ConfiguredCatalog.JOB_ID_VARIABLE + ") identifies this sync across"
                    + " attempts, so the chunks of earlier syncs are kept: an earlier attempt's chunks, which its"
                    + " emitted states cover, cannot be told from them");
        }
        staleFilter(stream).ifPresent(filter -> {
            long ticket = ledger.openOperation(stream.id());
            out.info("Stream " + stream.id() + " is complete; removing its chunks that match " + filter);
            writer.submitOperation(stream.id(), ticket, () -> store.deleteStale(stream.id(), filter));
        });
    }

    /**
     * What a completed stream removes. The rule: only data that no attempt of this sync can have written,
     * told apart by an id that every attempt of the sync shares, because an earlier attempt may have emitted
     * states for what it wrote, and Airbyte never sends those records again. A generation id is such an id;
     * so is the catalog's {@code sync_id} or the platform's job id. Without any of them, an earlier attempt's
     * chunks look exactly like an earlier sync's, so nothing is removed.
     */
    static Optional<StaleFilter> staleFilter(ConfiguredStream stream) {
        if (stream.minimumGenerationId() > 0) {
            return Optional.of(new StaleFilter.OlderGeneration(stream.minimumGenerationId()));
        }
        if (replacesOtherSyncs(stream) && stream.syncIdSharedByAttempts()) {
            return Optional.of(new StaleFilter.OtherSync(stream.syncId()));
        }
        return Optional.empty();
    }

    /** An overwrite from a platform that sends no generation ids: what other syncs wrote is to be replaced. */
    private static boolean replacesOtherSyncs(ConfiguredStream stream) {
        return stream.syncMode() == ConfiguredStream.DestinationSyncMode.OVERWRITE && !stream.generationIdsPresent();
    }

    private void finish() throws InterruptedException {
        flushAll();
        if (!sawStreamStatus) {
            // Input without any stream status (older platforms, custom connectors without supportsRefreshes):
            // a clean end of input is the only signal that every stream is complete. A source that failed
            // but whose platform closed stdin normally looks the same, so each removal is announced.
            for (ConfiguredStream stream : catalog.streams()) {
                staleFilter(stream).ifPresent(filter -> out.warn(noCompletionSignal(stream, filter)));
                finalizeStream(stream);
            }
        }
        writer.awaitIdle();
        if (ledger.pendingStates() > 0 || ledger.openTickets() > 0) {
            throw new SystemException("The input ended with " + ledger.pendingStates()
                    + " states still waiting for the store; no further state was emitted");
        }
        out.info("Wrote " + records + " records (" + writer.chunksWritten() + " chunks upserted); released "
                + ledger.releasedStates() + " states; the states waiting for the store took at most "
                + mebibytes(waitingStates.largestWaitingBytes()) + " of their " + mebibytes(waitingStates.budgetBytes())
                + " budget" + (writer.reuseSummary().isEmpty() ? "" : "; " + writer.reuseSummary()));
    }

    private static String mebibytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    static String noCompletionSignal(ConfiguredStream stream, StaleFilter filter) {
        String old = filter instanceof StaleFilter.OlderGeneration older
                ? "its chunks of generations older than " + older.minimumGenerationId()
                : "its chunks written by earlier syncs";
        return "Stream " + stream.id() + " ended without any stream status, so the platform never reported it"
                + " COMPLETE; " + old + " are removed now without that completion signal, taking the clean end"
                + " of input as one. If the source failed, the index keeps only what this sync wrote for the"
                + " stream. A platform that sends stream statuses avoids this: give the destination definition"
                + " supportsRefreshes (see the connector's documentation, Sync modes)";
    }

    private ConfiguredStream configured(StreamId id, long line) {
        return catalog.stream(id)
                .orElseThrow(() -> new ConfigException("Input line " + line + " belongs to stream " + id
                        + ", which is not in the configured catalog; refresh the connection's schema"));
    }

    private void flush(StreamId stream) throws InterruptedException {
        StreamBatch batch = batches.remove(stream);
        if (batch != null && !batch.isEmpty()) {
            bufferedChunks -= batch.weight();
            writer.submit(stream, batch);
        }
    }

    private void flushAll() throws InterruptedException {
        for (StreamId stream : Set.copyOf(batches.keySet())) {
            flush(stream);
        }
    }

    private void flushLargest() throws InterruptedException {
        StreamId largest = null;
        int largestChunks = -1;
        for (Map.Entry<StreamId, StreamBatch> entry : batches.entrySet()) {
            if (entry.getValue().weight() > largestChunks) {
                largest = entry.getKey();
                largestChunks = entry.getValue().weight();
            }
        }
        if (largest != null) {
            flush(largest);
        }
    }

    /** The timer's work: flush the batches older than the flush interval, and say how far the sync got. */
    private void onTimer() throws InterruptedException {
        long now = clock.millis();
        logProgressIfDue(now);
        flushExpired(now);
    }

    private void logProgressIfDue(long now) {
        if (now - lastProgressMillis >= PROGRESS_INTERVAL_MILLIS) {
            if (lastProgressMillis > 0) {
                out.info("Progress: " + records + " records read, " + writer.chunksWritten() + " chunks written, "
                        + ledger.releasedStates() + " states released, " + ledger.pendingStates() + " waiting");
            }
            lastProgressMillis = now;
        }
    }

    private void flushExpired(long now) throws InterruptedException {
        long interval = advanced.flushInterval().toMillis();
        for (StreamId stream : Set.copyOf(batches.keySet())) {
            if (now - batches.get(stream).createdAtMillis() >= interval) {
                flush(stream);
            }
        }
    }

    private long pollMillis() {
        long interval = advanced.flushInterval().toMillis();
        long now = clock.millis();
        long next = batches.values().stream()
                .mapToLong(batch -> batch.createdAtMillis() + interval - now)
                .min()
                .orElse(interval);
        return Math.max(10, Math.min(next, 1000));
    }

    private static final Object END = new Object();

    private static Thread startReader(Iterator<InputMessage> input, BlockingQueue<Object> queue) {
        Thread thread = new Thread(
                () -> {
                    try {
                        while (input.hasNext()) {
                            queue.put(input.next());
                        }
                        queue.put(END);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException | Error e) {
                        // An Error (out of memory on a huge line) must end the sync too, not a silent thread.
                        RuntimeException failure = e instanceof RuntimeException r
                                ? r
                                : new SystemException(
                                        "Reading the input failed: "
                                                + e.getClass().getName(),
                                        e);
                        try {
                            queue.put(failure);
                        } catch (InterruptedException interrupted) {
                            Thread.currentThread().interrupt();
                        }
                    }
                },
                "vectorsink-reader");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
