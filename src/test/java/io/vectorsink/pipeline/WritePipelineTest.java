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
import io.vectorsink.protocol.MessageReader;
import io.vectorsink.protocol.OutputWriter;
import io.vectorsink.store.MetadataRules;
import io.vectorsink.testing.Messages;
import java.io.ByteArrayInputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
        var processing = new ProcessingConfig(
                5, 0, List.of("text"), List.of(), List.of(), TextSplitterConfig.Separator.defaults());
        var embedder = new FakeEmbedder(4);
        var parts = new PipelineParts(
                new RecordMapper(processing, MetadataRules.unlimited()),
                new Chunker(processing.textSplitter(), 5, 0, embedder.tokenCounter()),
                embedder,
                false);
        var catalog = ConfiguredCatalog.parse(Messages.json(Messages.catalog(configuredStream)));
        return new WritePipeline(catalog, parts, store, out, advanced, Clock.systemUTC());
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
        run.get(20, TimeUnit.SECONDS);
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
}
