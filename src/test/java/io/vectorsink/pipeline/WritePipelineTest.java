package io.vectorsink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.chunking.Chunker;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.ProcessingConfig;
import io.vectorsink.config.TextSplitterConfig;
import io.vectorsink.embedding.fake.FakeEmbedder;
import io.vectorsink.error.SystemException;
import io.vectorsink.error.TransientException;
import io.vectorsink.mapping.RecordMapper;
import io.vectorsink.protocol.ConfiguredCatalog;
import io.vectorsink.protocol.InputMessage;
import io.vectorsink.protocol.MessageReader;
import io.vectorsink.protocol.OutputWriter;
import io.vectorsink.protocol.StateText;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.MetadataRules;
import io.vectorsink.testing.Messages;
import java.io.ByteArrayInputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pipeline's ordering, acknowledgement and memory rules, with an in-memory store that can be held. */
class WritePipelineTest {
    private final RecordingStore store = new RecordingStore();
    private final StringWriter stdout = new StringWriter();
    private final OutputWriter out = new OutputWriter(stdout, Clock.systemUTC(), s -> s);

    private WritePipeline pipeline(int batchSize, int maxInFlight, int upsertConcurrency) {
        var advanced = new AdvancedConfig(
                batchSize, 2, upsertConcurrency, Duration.ofSeconds(60), maxInFlight, Duration.ofSeconds(1), false);
        return pipeline(Messages.stream("docs", "append_dedup", List.of("id"), 1, 0), advanced);
    }

    private WritePipeline pipeline(ObjectNode configuredStream, AdvancedConfig advanced) {
        return pipeline(configuredStream, advanced, WaitingStates.forThisJvm());
    }

    private WritePipeline pipeline(ObjectNode[] configuredStreams, AdvancedConfig advanced) {
        return pipeline(configuredStreams, advanced, WaitingStates.forThisJvm());
    }

    private WritePipeline pipeline(ObjectNode configuredStream, AdvancedConfig advanced, WaitingStates waiting) {
        return pipeline(new ObjectNode[] {configuredStream}, advanced, waiting);
    }

    private WritePipeline pipeline(ObjectNode[] configuredStreams, AdvancedConfig advanced, WaitingStates waiting) {
        var processing = new ProcessingConfig(
                5, 0, List.of("text"), List.of(), List.of(), TextSplitterConfig.Separator.defaults());
        var embedder = new FakeEmbedder(4);
        var parts = new PipelineParts(
                new RecordMapper(processing, MetadataRules.unlimited()),
                new Chunker(processing.textSplitter(), 5, 0, embedder.tokenCounter()),
                embedder,
                false);
        var catalog = ConfiguredCatalog.parse(Messages.json(Messages.catalog(configuredStreams)));
        return new WritePipeline(catalog, parts, store, out, advanced, Clock.systemUTC(), waiting);
    }

    private List<JsonNode> states() {
        return stdout.toString()
                .lines()
                .map(Messages::json)
                .filter(m -> m.get("type").asText().equals("STATE"))
                .<JsonNode>map(m -> m.get("state"))
                .toList();
    }

    private static MessageReader input(String text) {
        return new MessageReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void should_never_write_an_older_version_after_a_newer_one() throws Exception {
        store.holdWhen = batch -> batch.stream().anyMatch(p -> p.document().contains("v1"));
        var pipeline = pipeline(1, 16, 2);
        String text = Messages.record("docs", "{\"id\":1,\"text\":\"v1\"}")
                + Messages.record("docs", "{\"id\":1,\"text\":\"v2\"}")
                + Messages.streamState("docs", "{}");
        var run = CompletableFuture.runAsync(() -> {
            try {
                pipeline.run(input(text));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(store.held.await(10, TimeUnit.SECONDS)).isTrue();
        // v2 is embedded meanwhile, but its write must wait for v1's: nothing else reaches the store.
        Thread.sleep(300);
        assertThat(store.log).isEmpty();
        assertThat(states()).isEmpty();
        store.release.countDown();
        run.get(10, TimeUnit.SECONDS);
        assertThat(store.log)
                .containsExactly(
                        "upsert text: v1",
                        "trim [null,\"docs\",1] from 1",
                        "upsert text: v2",
                        "trim [null,\"docs\",1] from 1");
        assertThat(store.documents()).containsExactly("text: v2");
        assertThat(states()).singleElement().satisfies(s -> assertThat(
                        s.get("destinationStats").get("recordCount").asDouble())
                .isEqualTo(2.0));
    }

    @Test
    void should_keep_chunks_in_flight_within_the_budget() throws Exception {
        var pipeline = pipeline(2, 4, 4);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append(Messages.record("docs", "{\"id\":" + i + ",\"text\":\"record " + i + "\"}"));
        }
        pipeline.run(input(text.toString()));
        assertThat(store.points).hasSize(200);
        assertThat(store.maxInFlightPoints.get()).isLessThanOrEqualTo(4);
    }

    @Test
    void should_block_the_reader_while_the_budget_is_spent() throws Exception {
        store.holdWhen = batch -> true;
        var pipeline = pipeline(1, 1, 1);
        PipedOutputStream source = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(source, 1 << 20);
        var run = CompletableFuture.runAsync(() -> {
            try {
                pipeline.run(new MessageReader(stdin));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 5000; i++) {
            source.write(
                    Messages.record("docs", "{\"id\":" + i + ",\"text\":\"r\"}").getBytes(StandardCharsets.UTF_8));
        }
        source.flush();
        assertThat(store.held.await(10, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(300);
        // One batch is held in the store and the budget is one chunk: the rest of the input waits unread.
        assertThat(stdin.available()).isGreaterThan(0);
        store.release.countDown();
        source.close();
        // 5,000 one-record batches, each looked up and written alone: a loaded CI machine needs time.
        run.get(90, TimeUnit.SECONDS);
        assertThat(store.points).hasSize(5000);
    }

    @Test
    void should_stop_at_the_first_store_failure_and_release_no_later_state() {
        store.failWith = new TransientException("Chroma kept answering 503");
        var pipeline = pipeline(1, 16, 1);
        String text = Messages.streamState("docs", "{\"before\":true}")
                + Messages.record("docs", "{\"id\":1,\"text\":\"x\"}")
                + Messages.streamState("docs", "{\"after\":true}");
        assertThatThrownBy(() -> pipeline.run(input(text)))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("503");
        assertThat(states())
                .extracting(s -> s.get("stream").get("stream_state").toString())
                .containsExactly("{\"before\":true}");
    }

    @Test
    void should_remove_older_generations_only_after_the_stream_completes() throws Exception {
        var pipeline = pipeline(Messages.stream("docs", "overwrite", List.of("id"), 2, 2), AdvancedConfig.defaults());
        pipeline.run(input(Messages.record("docs", "{\"id\":1,\"text\":\"new\"}")
                + Messages.status("docs", "COMPLETE")
                + Messages.streamState("docs", "{}")));
        assertThat(store.log)
                .containsExactly(
                        "upsert text: new",
                        "trim [null,\"docs\",1] from 1",
                        "stale docs OlderGeneration[minimumGenerationId=2]");
        assertThat(states()).hasSize(1);
    }

    @Test
    void should_warn_per_stream_when_it_removes_an_older_generation_without_a_stream_status() throws Exception {
        var pipeline = pipeline(Messages.stream("docs", "overwrite", List.of("id"), 2, 2), AdvancedConfig.defaults());

        pipeline.run(
                input(Messages.record("docs", "{\"id\":1,\"text\":\"new\"}") + Messages.streamState("docs", "{}")));

        assertThat(store.log).contains("stale docs OlderGeneration[minimumGenerationId=2]");
        List<String> warnings = stdout.toString()
                .lines()
                .map(Messages::json)
                .filter(m -> m.at("/log/level").asText().equals("WARN"))
                .map(m -> m.at("/log/message").asText())
                .toList();
        assertThat(warnings)
                .singleElement()
                .asString()
                .contains("Stream docs ended without any stream status")
                .contains("generations older than 2 are removed now without that completion signal")
                .contains("supportsRefreshes");
    }

    @Test
    void should_not_warn_when_a_stream_status_reports_completion() throws Exception {
        var pipeline = pipeline(Messages.stream("docs", "overwrite", List.of("id"), 2, 2), AdvancedConfig.defaults());

        pipeline.run(
                input(Messages.record("docs", "{\"id\":1,\"text\":\"new\"}") + Messages.status("docs", "COMPLETE")));

        assertThat(stdout.toString()).doesNotContain("\"WARN\"");
    }

    @Test
    void should_finish_the_writes_under_way_and_release_their_states_before_failing_on_a_bad_line() throws Exception {
        store.holdWhen = batch -> true;
        var pipeline = pipeline(4, 16, 1);
        String text = Messages.record("docs", "{\"id\":1,\"text\":\"x\"}")
                + Messages.streamState("docs", "{\"c\":1}")
                + "{\"type\":\"RECORD\",\"record\":{\"stream\"\n"
                + Messages.record("docs", "{\"id\":2,\"text\":\"after\"}");
        var run = CompletableFuture.runAsync(() -> {
            try {
                pipeline.run(input(text));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(store.held.await(10, TimeUnit.SECONDS)).isTrue();
        store.release.countDown();
        assertThatThrownBy(() -> run.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(SystemException.class)
                .hasMessageContaining("line 3");
        assertThat(store.documents()).containsExactly("text: x");
        assertThat(states())
                .extracting(s -> s.get("stream").get("stream_state").toString())
                .containsExactly("{\"c\":1}");
    }

    /**
     * Regression (issue 12, item 2): while the store is slow, states of a megabyte each (CDC states, ten
     * records apart) piled up in memory until the heap ran out, well before the chunk budget was spent. Now
     * the states that wait take at most their byte budget, and the reader waits: it takes no more input
     * than the budget and the read-ahead hold.
     */
    @Test
    void should_stop_reading_while_the_waiting_states_fill_their_byte_budget() throws Exception {
        store.holdWhen = batch -> true; // the store takes every write and answers none until released
        var advanced = new AdvancedConfig(16, 2, 2, Duration.ofSeconds(60), 4096, Duration.ofSeconds(1), false);
        WaitingStates budget = new WaitingStates(3 << 20);
        var pipeline = pipeline(Messages.stream("docs", "append", List.of(), 1, 0), advanced, budget);
        int rounds = 60;
        AtomicInteger taken = new AtomicInteger();
        String blob = "x".repeat(1 << 20);
        Iterator<InputMessage> input = new Iterator<>() {
            public boolean hasNext() {
                return taken.get() < rounds * 11;
            }

            public InputMessage next() {
                int n = taken.getAndIncrement();
                StreamId docs = StreamId.of("docs");
                if (n % 11 < 10) {
                    return new InputMessage.Record(n + 1, docs, Messages.json("{\"text\":\"r" + n + "\"}"), 1, null);
                }
                String state = "{\"type\":\"STREAM\",\"stream\":{\"stream_descriptor\":{\"name\":\"docs\"},"
                        + "\"stream_state\":{\"round\":" + n / 11 + ",\"cdc\":\"" + blob + "\"}}}";
                return new InputMessage.State(n + 1, InputMessage.StateType.STREAM, docs, StateText.of(state));
            }
        };
        var run = CompletableFuture.runAsync(() -> {
            try {
                pipeline.run(input);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(store.held.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(1000);
        // One state of about 2 MiB (estimated) fits the 3 MiB budget; the next waits, and with it the reader.
        assertThat(budget.waitingBytes()).isLessThanOrEqualTo(3 << 20);
        assertThat(taken.get()).as("messages taken from the input").isLessThan(60);
        assertThat(run).isNotDone();

        store.release.countDown();
        run.get(60, TimeUnit.SECONDS);
        assertThat(states())
                .extracting(state -> state.at("/stream/stream_state/round").asInt())
                .containsExactlyElementsOf(
                        java.util.stream.IntStream.range(0, rounds).boxed().toList());
        assertThat(budget.waitingBytes()).isZero();
        assertThat(budget.largestWaitingBytes()).isLessThanOrEqualTo(3 << 20);
    }

    /**
     * Issue 12, item 10: many small streams, each with its own state, made one store request per stream.
     * Writes that wait for a busy store are now combined into one request, whatever their streams: 300
     * streams of one record against a store that takes 20 ms per request need a few dozen requests, not 300.
     */
    @Test
    void should_combine_the_writes_of_many_small_streams_while_the_store_is_busy() throws Exception {
        store.upsertMillis = 20;
        int streams = 300;
        List<ObjectNode> configured = new java.util.ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < streams; i++) {
            configured.add(Messages.stream("s" + i, "append", List.of(), 1, 0));
            text.append(Messages.record("s" + i, "{\"text\":\"record " + i + "\"}"))
                    .append(Messages.streamState("s" + i, "{\"c\":" + i + "}"))
                    .append(Messages.status("s" + i, "COMPLETE"));
        }
        var advanced = new AdvancedConfig(128, 2, 2, Duration.ofSeconds(60), 4096, Duration.ofSeconds(1), false);
        var pipeline = pipeline(configured.toArray(ObjectNode[]::new), advanced);

        pipeline.run(input(text.toString()));

        assertThat(store.documents()).hasSize(streams);
        assertThat(states())
                .extracting(state -> state.at("/stream/stream_state/c").asInt())
                .containsExactlyElementsOf(
                        java.util.stream.IntStream.range(0, streams).boxed().toList());
        assertThat(store.upsertCalls.get())
                .as("store requests for %d streams", streams)
                .isLessThan(60);
    }
}
