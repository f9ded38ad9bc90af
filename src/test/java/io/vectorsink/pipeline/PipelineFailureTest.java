package io.vectorsink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.checkpoint.CheckpointLedger;
import io.vectorsink.chunking.Chunker;
import io.vectorsink.chunking.TokenCounter;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.ProcessingConfig;
import io.vectorsink.config.TextSplitterConfig;
import io.vectorsink.embedding.Embedder;
import io.vectorsink.embedding.fake.FakeEmbedder;
import io.vectorsink.error.TransientException;
import io.vectorsink.mapping.RecordMapper;
import io.vectorsink.protocol.ConfiguredCatalog;
import io.vectorsink.protocol.InputMessage;
import io.vectorsink.protocol.MessageReader;
import io.vectorsink.protocol.OutputWriter;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.MetadataRules;
import io.vectorsink.store.QueryHit;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.VectorStore;
import io.vectorsink.testing.Messages;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PipelineFailureTest {
    /** A store that can hold upserts without reacting to interrupts (like a blocking socket read). */
    static final class Store implements VectorStore {
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger maxTrimsPerCall = new AtomicInteger();
        final CountDownLatch failed = new CountDownLatch(1);
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean hold;

        public void check(int d) {}

        public void prepare(int d) {}

        public void upsert(List<ChunkPoint> points) {
            if (points.stream().anyMatch(p -> p.document().contains("refused"))) {
                throw new io.vectorsink.error.ConfigException("The store refused a chunk of these records");
            }
            if (points.stream().anyMatch(p -> p.document().contains("boom"))) {
                failed.countDown();
                throw new TransientException("Chroma kept answering 503");
            }
            if (hold) {
                held.countDown();
                uninterruptibly(release);
            }
            points.forEach(p -> log.add("upsert " + p.document()));
        }

        public void deleteChunks(List<RecordTrim> trims) {
            maxTrimsPerCall.accumulateAndGet(trims.size(), Math::max);
        }

        public void deleteStale(StreamId stream, StaleFilter filter) {
            log.add("stale " + stream);
        }

        public List<QueryHit> query(float[] v, int l, StreamId s) {
            return List.of();
        }

        public MetadataRules metadataRules() {
            return MetadataRules.unlimited();
        }
    }

    static void uninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException ignored) {
                // ONNX runs and socket reads do not stop on interrupt either
            }
        }
    }

    private final Store store = new Store();
    private final StringWriter stdout = new StringWriter();
    private final OutputWriter out = new OutputWriter(stdout, Clock.systemUTC(), s -> s);
    private final AdvancedConfig advanced =
            new AdvancedConfig(2, 2, 2, Duration.ofSeconds(60), 4, Duration.ofSeconds(1), false);

    private WritePipeline pipeline(ObjectNode... streams) {
        var processing = new ProcessingConfig(
                5, 0, List.of("text"), List.of(), List.of(), TextSplitterConfig.Separator.defaults());
        var embedder = new FakeEmbedder(4);
        var parts = new PipelineParts(
                new RecordMapper(processing, MetadataRules.unlimited()),
                new Chunker(processing.textSplitter(), 5, 0, embedder.tokenCounter()),
                embedder,
                false);
        var catalog = ConfiguredCatalog.parse(Messages.json(Messages.catalog(streams)));
        return new WritePipeline(catalog, parts, store, out, advanced, Clock.systemUTC());
    }

    private long states() {
        return stdout.toString().lines().filter(l -> l.contains("\"STATE\"")).count();
    }

    private static MessageReader input(String text) {
        return new MessageReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Regression: a batch skipped because of an earlier failure completes normally, so a stale delete runs. */
    @Test
    void should_delete_no_old_generation_after_the_first_failure() throws Exception {
        CountDownLatch slow = new CountDownLatch(1);
        FakeEmbedder fake = new FakeEmbedder(4);
        Embedder embedder = new Embedder() {
            public int dimensions() {
                return 4;
            }

            public io.vectorsink.embedding.EmbeddingModel embeddingModel() {
                return fake.embeddingModel();
            }

            public int maxInputTokens() {
                return 512;
            }

            public TokenCounter tokenCounter() {
                return fake.tokenCounter();
            }

            public int maxBatchSize() {
                return 8;
            }

            public List<float[]> embed(List<String> texts) {
                if (texts.contains("slow")) {
                    uninterruptibly(slow);
                }
                return fake.embed(texts);
            }

            public String description() {
                return "test";
            }
        };
        CheckpointLedger ledger = new CheckpointLedger((s, n) -> {});
        BatchWriter writer = new BatchWriter(embedder, store, ledger, advanced);
        StreamId x = StreamId.of("x");
        StreamId y = StreamId.of("y");
        StreamBatch bx = new StreamBatch(0);
        bx.add(new RecordWork(
                ledger.openRecord(x), x, "rx", false, true, List.of(new PendingChunk("x0", "slow", "slow", Map.of()))));
        writer.submit(x, bx); // new generation of x, still embedding
        writer.submitOperation(x, ledger.openOperation(x), () -> store.deleteStale(x, null)); // x COMPLETE
        StreamBatch by = new StreamBatch(0);
        by.add(new RecordWork(
                ledger.openRecord(y), y, "ry", false, true, List.of(new PendingChunk("y0", "boom", "boom", Map.of()))));
        writer.submit(y, by); // fails for good
        assertThat(store.failed.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(100);
        slow.countDown(); // x's write is now skipped, but its future completes normally
        Thread.sleep(300);
        assertThat(store.log).doesNotContain("upsert slow"); // x's new data was never written ...
        assertThat(store.log).doesNotContain("stale x"); // ... yet its old generation is deleted
        writer.close();
    }

    /**
     * A bad line first lets the writes under way finish, so the states before it are released; then the run
     * fails, and nothing is released after that, not even by a write that was still in flight.
     */
    @Test
    void should_release_no_state_after_the_run_failed() throws Exception {
        store.hold = true;
        var pipeline = pipeline(Messages.stream("docs", "append_dedup", List.of("id"), 1, 0));
        String text = Messages.record("docs", "{\"id\":1,\"text\":\"a\"}")
                + Messages.record("docs", "{\"id\":2,\"text\":\"b\"}")
                + Messages.streamState("docs", "{}")
                + Messages.record("unknown", "{\"id\":3,\"text\":\"c\"}");
        var run = CompletableFuture.runAsync(() -> {
            try {
                pipeline.run(input(text));
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(store.held.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(300);
        assertThat(run).as("the run waits for the write under way").isNotDone();
        assertThat(states()).isZero();
        store.release.countDown();
        assertThatThrownBy(() -> run.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(io.vectorsink.error.ConfigException.class);
        assertThat(states()).as("the state before the bad line").isEqualTo(1);
        Thread.sleep(300);
        assertThat(states()).as("nothing after the failure").isEqualTo(1);
    }

    @Test
    void should_mark_a_refusal_of_a_streams_records_and_a_bad_record_as_that_streams_failure() {
        for (String text : List.of(
                Messages.record("ok", "{\"id\":1,\"text\":\"fine\"}")
                        + Messages.record("docs", "{\"id\":1,\"text\":\"refused\"}"),
                Messages.record("ok", "{\"id\":1,\"text\":\"fine\"}")
                        + Messages.record("docs", "{\"text\":\"no key\"}"))) {
            var pipeline = pipeline(
                    Messages.stream("ok", "append_dedup", List.of("id"), 1, 0),
                    Messages.stream("docs", "append_dedup", List.of("id"), 1, 0));

            Throwable error = org.assertj.core.api.Assertions.catchThrowable(() -> pipeline.run(input(text)));

            assertThat(error).isInstanceOf(io.vectorsink.error.ConfigException.class);
            assertThat(((io.vectorsink.error.ConnectorException) error).streamName())
                    .contains("docs");
        }
    }

    @Test
    void should_mark_an_outage_as_no_single_streams_failure() {
        var pipeline = pipeline(Messages.stream("docs", "append_dedup", List.of("id"), 1, 0));

        Throwable error = org.assertj.core.api.Assertions.catchThrowable(
                () -> pipeline.run(input(Messages.record("docs", "{\"id\":1,\"text\":\"boom\"}"))));

        assertThat(error).isInstanceOf(TransientException.class);
        assertThat(((TransientException) error).streamName()).isEmpty();
    }

    /** Regression: an Error in the reader thread (e.g. OutOfMemoryError on a huge line) hangs the pipeline. */
    @Test
    void should_end_the_run_when_the_reader_dies_of_an_error() {
        var pipeline = pipeline(Messages.stream("docs", "append_dedup", List.of("id"), 1, 0));
        Iterator<InputMessage> input = new Iterator<>() {
            public boolean hasNext() {
                return true;
            }

            public InputMessage next() {
                throw new OutOfMemoryError("Java heap space");
            }
        };
        var run = CompletableFuture.runAsync(() -> {
            try {
                pipeline.run(input);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });

        assertThatThrownBy(() -> run.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    }

    /**
     * Regression (issue 12, item 12): a write that fails while a state waits must end the sync with the
     * store's own error. {@code awaitIdle} could see the failed write gone from the in-flight set, yet have
     * checked for a failure just before the write's callback recorded it, and return as if all was well:
     * the sync then ended with "states still waiting" instead of the store's refusal. The ledger's lock,
     * held by the test, parks the callback inside {@code fail} so that the waiting thread spins right
     * across that window.
     */
    @Test
    void should_report_the_store_error_not_the_waiting_state_when_a_write_fails_at_the_end() throws Exception {
        StreamId docs = StreamId.of("docs");
        int hidden = 0;
        for (int round = 0; round < 400; round++) {
            RecordingStore failing = new RecordingStore();
            failing.failWith = new TransientException("Elasticsearch refused the vectors: byte expected");
            CheckpointLedger ledger = new CheckpointLedger((s, n) -> {});
            BatchWriter writer = new BatchWriter(new FakeEmbedder(4), failing, ledger, advanced);
            StreamBatch batch = new StreamBatch(0);
            batch.add(new RecordWork(
                    ledger.openRecord(docs),
                    docs,
                    null,
                    false,
                    false,
                    List.of(new PendingChunk("c", "t", "t", Map.of()))));
            CompletableFuture<Void> idle;
            synchronized (ledger) {
                writer.submit(docs, batch);
                idle = CompletableFuture.runAsync(() -> {
                    try {
                        writer.awaitIdle();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                Thread.sleep(round % 3);
            }
            try {
                idle.get(10, TimeUnit.SECONDS);
                hidden++;
            } catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(TransientException.class);
            } finally {
                writer.close();
            }
        }
        assertThat(hidden)
                .as("rounds in which awaitIdle returned although the write had failed")
                .isZero();
    }

    /** Regression: CDC deletes weigh nothing, so they are buffered without bound until a state or the timer. */
    @Test
    void should_bound_buffered_cdc_deletes_by_the_batch_size() throws Exception {
        var pipeline = pipeline(Messages.stream("docs", "append_dedup", List.of("id"), 1, 0));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            text.append(Messages.record("docs", "{\"id\":" + i + ",\"_ab_cdc_deleted_at\":\"2024-01-01\"}"));
        }
        pipeline.run(input(text.toString()));
        assertThat(store.maxTrimsPerCall.get()).isLessThanOrEqualTo(4);
    }
}
