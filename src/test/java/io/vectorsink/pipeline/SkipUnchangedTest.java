package io.vectorsink.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.chunking.Chunk;
import io.vectorsink.chunking.Chunker;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.ProcessingConfig;
import io.vectorsink.config.ReuseConfig;
import io.vectorsink.config.TextSplitterConfig;
import io.vectorsink.embedding.ForwardingEmbedder;
import io.vectorsink.embedding.fake.FakeEmbedder;
import io.vectorsink.error.TransientException;
import io.vectorsink.mapping.RecordMapper;
import io.vectorsink.protocol.ConfiguredCatalog;
import io.vectorsink.protocol.MessageReader;
import io.vectorsink.protocol.OutputWriter;
import io.vectorsink.store.ChunkFields;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.MetadataRules;
import io.vectorsink.store.PointIds;
import io.vectorsink.testing.Messages;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Skipping unchanged records (docs/behaviour.md, "Skipping unchanged records"): each decision, with a store
 * that looks chunks up like a consistent store, and a counting embedder.
 */
class SkipUnchangedTest {
    /** Counts the texts it embeds; vectors are {@link FakeEmbedder}'s (the same text, the same vector). */
    static final class CountingEmbedder extends ForwardingEmbedder {
        final List<String> embedded = java.util.Collections.synchronizedList(new ArrayList<>());

        CountingEmbedder() {
            super(new FakeEmbedder(4));
        }

        @Override
        public List<float[]> embed(List<String> texts) {
            embedded.addAll(texts);
            return super.embed(texts);
        }

        @Override
        public List<float[]> embedChunks(List<Chunk> chunks) {
            return embed(chunks.stream().map(Chunk::text).toList());
        }

        @Override
        public String description() {
            return "counting fake";
        }
    }

    private final RecordingStore store = new RecordingStore();
    private CountingEmbedder embedder = new CountingEmbedder();
    private StringWriter stdout = new StringWriter();
    private ReuseConfig reuse = ReuseConfig.defaults();
    private String vectorField;

    private static final ObjectNode DEDUP = Messages.stream("docs", "append_dedup", List.of("id"), 1, 0);

    /** Runs one sync of {@code input} (one batch per record: batch size 1) and returns its embedded texts. */
    private List<String> sync(ObjectNode stream, String input) throws InterruptedException {
        return sync(stream, input, 1);
    }

    private List<String> sync(ObjectNode stream, String input, int batchSize) throws InterruptedException {
        embedder = new CountingEmbedder();
        stdout = new StringWriter();
        var processing = new ProcessingConfig(
                5, 0, List.of("text"), List.of("tag"), List.of(), TextSplitterConfig.Separator.defaults());
        var parts = new PipelineParts(
                new RecordMapper(processing, MetadataRules.unlimited()),
                new Chunker(processing.textSplitter(), 5, 0, embedder.tokenCounter()),
                embedder,
                false,
                vectorField,
                reuse);
        var advanced = new AdvancedConfig(batchSize, 2, 2, Duration.ofSeconds(60), 64, Duration.ofSeconds(1), false);
        var catalog = ConfiguredCatalog.parse(Messages.json(Messages.catalog(stream)));
        var out = new OutputWriter(stdout, Clock.systemUTC(), s -> s);
        new WritePipeline(catalog, parts, store, out, advanced, Clock.systemUTC(), WaitingStates.forThisJvm())
                .run(new MessageReader(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8))));
        return List.copyOf(embedder.embedded);
    }

    private static String record(int id, String text, String tag) {
        return Messages.record("docs", "{\"id\":" + id + ",\"text\":\"" + text + "\",\"tag\":\"" + tag + "\"}");
    }

    private static String input(String... records) {
        return String.join("", records) + Messages.streamState("docs", "{}");
    }

    private static final String LONG = "one two three four five six seven eight nine ten eleven twelve";

    private long states() {
        return stdout.toString().lines().filter(l -> l.contains("\"STATE\"")).count();
    }

    private String lastLog() {
        List<String> logs =
                stdout.toString().lines().filter(l -> l.contains("\"LOG\"")).toList();
        return logs.get(logs.size() - 1);
    }

    private Map<String, ChunkPoint> snapshot() {
        return new HashMap<>(store.points);
    }

    private List<ChunkPoint> chunksOf(int id) {
        String recordId = "[null,\"docs\"," + id + "]";
        return store.points.values().stream()
                .filter(p -> recordId.equals(p.metadata().get(ChunkFields.RECORD_ID)))
                .sorted(java.util.Comparator.comparingLong(
                        p -> (Long) p.metadata().get(ChunkFields.CHUNK_INDEX)))
                .toList();
    }

    @Test
    void should_write_both_hashes_on_every_chunk_the_record_hash_the_same_on_each() throws Exception {
        sync(DEDUP, input(record(1, LONG, "a"), record(2, "short", "b")));

        List<ChunkPoint> chunks = chunksOf(1);
        assertThat(chunks).hasSize(3);
        assertThat(chunks)
                .extracting(p -> p.metadata().get(ChunkFields.CHUNK_HASH))
                .doesNotHaveDuplicates()
                .allSatisfy(hash -> assertThat((String) hash).matches("[0-9a-f]{64}"));
        assertThat(chunks)
                .extracting(p -> p.metadata().get(ChunkFields.RECORD_HASH))
                .containsOnly(chunks.get(0).metadata().get(ChunkFields.RECORD_HASH));
        assertThat(chunksOf(2).get(0).metadata().get(ChunkFields.RECORD_HASH))
                .isNotEqualTo(chunks.get(0).metadata().get(ChunkFields.RECORD_HASH));
    }

    @Test
    void should_embed_and_write_nothing_for_a_second_sync_of_the_same_input() throws Exception {
        String input = input(record(1, LONG, "a"), record(2, "short", "b"), record(3, "third", "c"));
        assertThat(sync(DEDUP, input)).hasSize(5);
        Map<String, ChunkPoint> first = snapshot();
        int upserts = store.upsertCalls.get();
        int logged = store.log.size();

        assertThat(sync(DEDUP, input)).isEmpty();

        assertThat(store.upsertCalls.get()).isEqualTo(upserts);
        assertThat(store.log).hasSize(logged); // no upsert, no trim
        assertThat(store.points).isEqualTo(first);
        assertThat(states()).isEqualTo(1);
        assertThat(store.lookupCalls.get()).isEqualTo(6); // one per batch, both syncs
        assertThat(lastLog())
                .contains("0 chunks upserted")
                .contains("records 3 unchanged, 0 metadata-only, 0 changed, 0 new; chunks 0 embedded, 0 reused")
                .contains("0 tokens sent; 3 lookups and 0 vector reads");
    }

    @Test
    void should_look_up_once_per_batch_and_only_keyed_records_that_are_not_deletes() throws Exception {
        sync(DEDUP, input(record(1, "a", "a"), record(2, "b", "b")));
        store.lookedUp.clear();
        sync(
                DEDUP,
                input(
                        record(1, "a", "a"),
                        record(2, "b", "b"),
                        Messages.record("docs", "{\"id\":3,\"text\":\"gone\",\"_ab_cdc_deleted_at\":\"2026\"}")),
                16);
        assertThat(store.lookedUp).containsExactly(List.of("[null,\"docs\",1]", "[null,\"docs\",2]"));
    }

    @Test
    void should_look_nothing_up_in_an_index_that_was_empty_when_the_run_began() throws Exception {
        store.emptyWhenPrepared = true;
        String input = input(record(1, LONG, "a"), record(2, "short", "b"), record(1, LONG, "a"));

        assertThat(sync(DEDUP, input)).hasSize(3 + 1 + 3); // every version embedded, as with lookups

        assertThat(store.lookupCalls.get()).isZero();
        assertThat(chunksOf(1)).hasSize(3);
        assertThat(chunksOf(2)).hasSize(1);
    }

    @Test
    void should_write_a_record_whose_metadata_changed_with_its_stored_vectors() throws Exception {
        sync(DEDUP, input(record(1, LONG, "a")));
        List<ChunkPoint> before = chunksOf(1);

        assertThat(sync(DEDUP, input(record(1, LONG, "b")))).isEmpty();

        List<ChunkPoint> after = chunksOf(1);
        assertThat(after).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(after.get(i).vector()).isEqualTo(before.get(i).vector());
            assertThat(after.get(i).metadata().get("tag")).isEqualTo("b");
            assertThat(after.get(i).metadata().get(ChunkFields.CHUNK_HASH))
                    .isEqualTo(before.get(i).metadata().get(ChunkFields.CHUNK_HASH));
            assertThat(after.get(i).metadata().get(ChunkFields.RECORD_HASH))
                    .isNotEqualTo(before.get(i).metadata().get(ChunkFields.RECORD_HASH));
        }
        assertThat(lastLog())
                .contains("records 0 unchanged, 1 metadata-only, 0 changed, 0 new; chunks 0 embedded, 3 reused");
    }

    @Test
    void should_embed_only_the_changed_texts_and_reuse_the_others_even_when_they_moved() throws Exception {
        sync(DEDUP, input(record(1, "aa bb cc dd\\n\\nee ff gg hh ii\\n\\njj kk", "a")));
        Map<String, float[]> storedByText = new HashMap<>();
        chunksOf(1).forEach(p -> storedByText.put(p.document(), p.vector()));
        assertThat(storedByText).hasSize(3);

        // A new second chunk: the last two move one position down.
        List<String> embedded =
                sync(DEDUP, input(record(1, "aa bb cc dd\\n\\nnew new new\\n\\nee ff gg hh ii\\n\\njj kk", "a")));

        List<ChunkPoint> after = chunksOf(1);
        assertThat(after).extracting(ChunkPoint::document).hasSize(4).contains("new new new");
        assertThat(embedded).containsExactly("new new new");
        for (ChunkPoint chunk : after) {
            if (!chunk.document().equals("new new new")) {
                assertThat(chunk.vector()).isEqualTo(storedByText.get(chunk.document()));
            }
            // Every vector is what embedding its text gives.
            assertThat(chunk.vector())
                    .isEqualTo(
                            new FakeEmbedder(4).embed(List.of(chunk.document())).get(0));
        }
        assertThat(lastLog())
                .contains("records 0 unchanged, 0 metadata-only, 1 changed, 0 new; chunks 1 embedded, 3 reused");
    }

    @Test
    void should_trim_chunks_left_beyond_the_new_count_without_embedding() throws Exception {
        sync(DEDUP, input(record(1, LONG, "a")));
        // The same first two chunks, the third gone.
        List<String> embedded = sync(DEDUP, input(record(1, "one two three four five six seven eight nine", "a")));

        assertThat(embedded).isEmpty();
        assertThat(chunksOf(1)).hasSize(2);
        assertThat(store.log).contains("trim [null,\"docs\",1] from 2");
    }

    @Test
    void should_not_call_a_record_unchanged_when_a_crash_left_an_extra_chunk_of_it() throws Exception {
        sync(DEDUP, input(record(1, "short", "a")));
        ChunkPoint only = chunksOf(1).get(0);
        Map<String, Object> leftover = new HashMap<>(only.metadata());
        leftover.put(ChunkFields.CHUNK_INDEX, 1L);
        String leftoverId = PointIds.forChunk("[null,\"docs\",1]", 1);
        store.points.put(leftoverId, new ChunkPoint(leftoverId, only.vector(), "left behind", leftover));

        assertThat(sync(DEDUP, input(record(1, "short", "a")))).isEmpty();

        assertThat(chunksOf(1)).extracting(ChunkPoint::document).containsExactly("text: short");
    }

    @Test
    void should_embed_a_new_record_in_full() throws Exception {
        sync(DEDUP, input(record(1, "short", "a")));
        assertThat(sync(DEDUP, input(record(1, "short", "a"), record(2, LONG, "b"))))
                .hasSize(3);
        assertThat(lastLog())
                .contains("records 1 unchanged, 0 metadata-only, 0 changed, 1 new; chunks 3 embedded, 0 reused");
    }

    @Test
    void should_embed_a_chunk_whose_stored_vector_cannot_be_read() throws Exception {
        sync(DEDUP, input(record(1, LONG, "a")));
        store.unreadableVectors.add(chunksOf(1).get(1).id());

        List<String> embedded = sync(DEDUP, input(record(1, LONG, "b")));

        assertThat(embedded).containsExactly(chunksOf(1).get(1).document());
        assertThat(chunksOf(1).get(1).vector())
                .isEqualTo(new FakeEmbedder(4)
                        .embed(List.of(chunksOf(1).get(1).document()))
                        .get(0));
        assertThat(lastLog()).contains("0 metadata-only, 1 changed");
    }

    @Test
    void should_trust_a_write_acknowledged_earlier_in_the_sync_over_a_stale_lookup() throws Exception {
        sync(DEDUP, input(record(1, "version one", "a")));
        // From now on lookups read the store as it was before this sync: an eventually consistent store.
        store.staleSnapshot = snapshot();

        // v2 is written and acknowledged (its state released), then v1 comes back: the stale lookup shows v1's
        // hashes, exactly what the record now asks for, but the store holds v2.
        List<String> embedded = sync(
                DEDUP,
                record(1, "version two", "a")
                        + Messages.streamState("docs", "{\"n\":1}")
                        + record(1, "version one", "a")
                        + Messages.streamState("docs", "{\"n\":2}"));

        assertThat(states()).isEqualTo(2);
        assertThat(chunksOf(1)).extracting(ChunkPoint::document).containsExactly("text: version one");
        assertThat(embedded).containsExactly("text: version two", "text: version one");
    }

    @Test
    void should_trust_no_lookup_for_a_record_whose_earlier_write_is_still_in_flight() throws Exception {
        sync(DEDUP, input(record(1, "version one", "a")));
        store.holdWhen = batch -> batch.stream().anyMatch(p -> p.document().contains("two"));
        var run = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                sync(
                        DEDUP,
                        record(1, "version two", "a")
                                + record(1, "version one", "a")
                                + Messages.streamState("docs", "{}"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(store.held.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Thread.sleep(200); // the second batch is looked up and planned while the first is held
        store.release.countDown();
        run.get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(chunksOf(1)).extracting(ChunkPoint::document).containsExactly("text: version one");
    }

    @Test
    void should_keep_unchanged_records_of_an_overwrite_through_the_old_generation_cleanup() throws Exception {
        ObjectNode first = Messages.stream("docs", "overwrite", List.of("id"), 1, 1);
        sync(
                first,
                input(record(1, LONG, "a"), record(2, "short", "b"), record(3, "dropped", "c"))
                        + Messages.status("docs", "COMPLETE"));
        Map<String, ChunkPoint> before = snapshot();
        int upserts = store.upsertCalls.get();

        ObjectNode second = Messages.stream("docs", "overwrite", List.of("id"), 2, 2);
        List<String> embedded = sync(
                second, input(record(1, LONG, "a"), record(2, "short", "b")) + Messages.status("docs", "COMPLETE"));

        assertThat(embedded).isEmpty();
        assertThat(store.upsertCalls.get()).isEqualTo(upserts);
        assertThat(chunksOf(3)).isEmpty();
        assertThat(store.points.values())
                .extracting(p -> p.metadata().get(ChunkFields.GENERATION_ID))
                .containsOnly(2L);
        assertThat(store.points.values())
                .extracting(p -> p.metadata().get(ChunkFields.SYNC_ID))
                .containsOnly("102");
        for (ChunkPoint now : store.points.values()) {
            ChunkPoint was = before.get(now.id());
            assertThat(now.vector()).isEqualTo(was.vector());
            assertThat(now.document()).isEqualTo(was.document());
            Map<String, Object> expected = new HashMap<>(was.metadata());
            expected.put(ChunkFields.GENERATION_ID, 2L);
            expected.put(ChunkFields.SYNC_ID, "102");
            assertThat(now.metadata()).isEqualTo(expected);
        }
        assertThat(store.log.stream().filter(l -> l.startsWith("own fields")).count())
                .isEqualTo(4);
        assertThat(lastLog()).contains("4 moved to the new generation");
    }

    @Test
    void should_embed_everything_and_look_nothing_up_with_force_reembed() throws Exception {
        String input = input(record(1, LONG, "a"), record(2, "short", "b"));
        sync(DEDUP, input);
        int lookups = store.lookupCalls.get();
        reuse = new ReuseConfig("", true);

        assertThat(sync(DEDUP, input)).hasSize(4);
        assertThat(store.lookupCalls.get()).isEqualTo(lookups);
    }

    @Test
    void should_embed_everything_again_when_the_embedding_version_changes() throws Exception {
        String input = input(record(1, LONG, "a"), record(2, "short", "b"));
        sync(DEDUP, input);
        reuse = new ReuseConfig("provider changed the model", false);

        assertThat(sync(DEDUP, input)).hasSize(4);
        assertThat(sync(DEDUP, input)).isEmpty();
    }

    @Test
    void should_embed_keyless_records_every_time_without_looking_up() throws Exception {
        ObjectNode keyless = Messages.stream("docs", "append", List.of(), 1, 0);
        String input = input(record(1, "short", "a"));
        sync(keyless, input);
        assertThat(sync(keyless, input)).hasSize(1);
        assertThat(store.lookupCalls.get()).isZero();
        assertThat(store.points).hasSize(2);
    }

    @Test
    void should_delete_a_record_by_cdc_as_before() throws Exception {
        sync(DEDUP, input(record(1, "short", "a"), record(2, "other", "b")));
        sync(DEDUP, input(Messages.record("docs", "{\"id\":1,\"text\":\"short\",\"_ab_cdc_deleted_at\":\"2026\"}")));
        assertThat(chunksOf(1)).isEmpty();
        assertThat(chunksOf(2)).hasSize(1);
    }

    @Test
    void should_fail_the_sync_like_a_store_failure_when_the_lookup_fails() throws Exception {
        sync(DEDUP, input(record(1, "short", "a")));
        store.failLookupsWith = new TransientException("Chroma did not answer the lookup");
        int upserts = store.upsertCalls.get();

        assertThatThrownBy(() -> sync(DEDUP, input(record(1, "changed", "a"))))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("lookup");
        assertThat(states()).isZero();
        assertThat(store.upsertCalls.get()).isEqualTo(upserts);
        assertThat(embedder.embedded).isEmpty();
    }

    @Test
    void should_count_what_each_stream_did_in_the_last_log_line() throws Exception {
        sync(DEDUP, input(record(1, LONG, "a"), record(2, "short", "b"), record(3, "kept", "c")));
        sync(
                DEDUP,
                input(
                        record(1, LONG, "changed tag"),
                        record(2, "short changed", "b"),
                        record(3, "kept", "c"),
                        record(4, "new one", "d")));

        assertThat(lastLog())
                .contains("stream docs: records 1 unchanged, 1 metadata-only, 1 changed, 1 new;"
                        + " chunks 2 embedded, 3 reused, 0 moved to the new generation; 6 tokens sent;"
                        + " 4 lookups and 1 vector reads in");
    }

    @Test
    void should_write_again_only_records_whose_own_vector_changed_with_from_field() throws Exception {
        vectorField = "vec";
        String same = Messages.record("docs", "{\"id\":1,\"text\":\"short\",\"vec\":[1,0,0,0]}");
        String other = Messages.record("docs", "{\"id\":2,\"text\":\"short\",\"vec\":[0,1,0,0]}");
        sync(DEDUP, input(same, other));
        int upserts = store.upsertCalls.get();

        sync(DEDUP, input(same));
        assertThat(store.upsertCalls.get()).isEqualTo(upserts);

        // The same text with a new vector: the record hash covers the vector, so it is written again.
        sync(DEDUP, input(Messages.record("docs", "{\"id\":2,\"text\":\"short\",\"vec\":[0,0,1,0]}")));
        assertThat(store.upsertCalls.get()).isEqualTo(upserts + 1);
        assertThat(chunksOf(2).get(0).vector()).containsExactly(0f, 0f, 1f, 0f);
        assertThat(embedder.embedded).isEmpty();
    }
}
