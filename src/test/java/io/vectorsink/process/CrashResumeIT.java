package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.stream;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.process.ResumingSync.Attempt;
import io.vectorsink.process.Workload.Chunk;
import io.vectorsink.process.Workload.Line;
import io.vectorsink.store.StoredChunk;
import io.vectorsink.testing.Messages;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash and resume (docs/architecture.md, invariants 1 and 4; behaviour.md "What at-least-once delivery means
 * here"): a sync into a real store ({@link StoreUnderTest}: Chroma, and OpenSearch and Elasticsearch for the
 * keyed runs) is
 * SIGKILLed again and again at seeded random points and resumed as Airbyte resumes it, from the last state
 * the connector emitted. Dedup and keyed overwrite must end with exactly the expected chunks; append may hold
 * extra copies, but only of what came after an attempt's last emitted state.
 *
 * <p>Between kills, every key that no attempt touched after the last emitted state must already be
 * exactly as the input up to that state says: what a state covers is durable, whatever came after.
 */
class CrashResumeIT extends ProcessTestSupport {
    /** Fixed, so a failure replays; {@code -Dvectorsink.crash.seed=N} explores other kill points. */
    private static final long SEED = Long.getLong("vectorsink.crash.seed", 20_251_122L);

    private static final StoreUnderTest CHROMA = StoreUnderTest.chroma();

    private static String config(StoreUnderTest store, String target) {
        return """
                {"processing": {"chunk_size": 10, "chunk_overlap": 0, "text_fields": ["text"],
                                "metadata_fields": ["id", "seq"]},
                 "embedding": {"mode": "fake", "dimensions": 8},
                 "indexing": %s,
                 "advanced": {"batch_size": 16}}
                """
                .formatted(store.indexing(store.url(), target));
    }

    /**
     * The keyed runs, on every store with a real server here. OpenSearch gets fewer kills (its attempts
     * start slower and it shares the machine), 22 in all across the two runs; Elasticsearch, which shares
     * the connector's code with OpenSearch, fewer still (7), to keep the suite within CI's time.
     */
    static Stream<Arguments> dedupRuns() {
        return Stream.of(
                Arguments.of(CHROMA, 24),
                Arguments.of(StoreUnderTest.openSearch(), 12),
                Arguments.of(StoreUnderTest.elasticsearch(), 4));
    }

    static Stream<Arguments> overwriteRuns() {
        return Stream.of(
                Arguments.of(CHROMA, 20),
                Arguments.of(StoreUnderTest.openSearch(), 10),
                Arguments.of(StoreUnderTest.elasticsearch(), 3));
    }

    static void assertExactly(Set<Chunk> expected, List<Chunk> stored, String when) {
        assertThat(Workload.difference(expected, stored)).as(when).isEmpty();
        assertThat(stored).as(when).hasSize(expected.size());
    }

    @ParameterizedTest(name = "{0}, {1} kills")
    @MethodSource("dedupRuns")
    void should_end_with_exactly_the_last_version_of_every_key_when_a_dedup_sync_is_killed_again_and_again(
            StoreUnderTest store, int kills) throws Exception {
        String collection = store.freshTarget("crash-dedup");
        Workload workload = Workload.keyed(SEED, "docs", 1, 400, 0, 60, 0.06);
        String config = config(store, collection);
        String catalog = catalog(stream("docs", "append_dedup", List.of("id"), 1, 0));
        ResumingSync sync = new ResumingSync(workload, () -> startWrite(config, catalog), SEED);
        long started = System.nanoTime();
        for (int kill = 1; kill <= kills; kill++) {
            sync.killedAttempt();
            assertDurableBeforeResumePoint(workload, sync, store, collection, "after kill " + kill);
        }
        sync.finalAttempt();
        assertExactly(workload.expectedAt(workload.size()), store.chunks(collection), "after the final attempt");
        if (store == CHROMA) {
            // Resumed attempts skip what killed ones wrote: every hash must still describe what is stored.
            SkipUnchangedIT.assertHashesDescribeStoredContent(collection, 8);
        }
        report(store.name() + " dedup", sync, started);
    }

    @ParameterizedTest(name = "{0}, {1} kills")
    @MethodSource("overwriteRuns")
    void should_keep_the_old_generation_until_a_killed_overwrite_completes_then_hold_only_the_new_one(
            StoreUnderTest store, int kills) throws Exception {
        String collection = store.freshTarget("crash-overwrite");
        String config = config(store, collection);
        Workload first = Workload.keyed(SEED + 1, "docs", 1, 200, 0, 60, 0.0);
        var clean =
                write(config, catalog(stream("docs", "overwrite", List.of("id"), 1, 1)), first.text(0, first.size()));
        assertThat(clean.exitCode()).as(clean.stderr()).isZero();
        Set<Chunk> firstGeneration = first.expectedAt(first.size());
        assertExactly(firstGeneration, store.chunks(collection), "after generation 1");

        // Generation 2 shares keys 30-59 with generation 1; keys 0-29 exist only in generation 1.
        Workload second = Workload.keyed(SEED + 2, "docs", 2, 300, 30, 60, 0.05);
        String catalog = catalog(stream("docs", "overwrite", List.of("id"), 2, 2));
        ResumingSync sync = new ResumingSync(second, () -> startWrite(config, catalog), SEED + 2);
        long started = System.nanoTime();
        for (int kill = 1; kill <= kills; kill++) {
            sync.killedAttempt();
            Set<Integer> touched = second.keysIn(0, sync.maxSent());
            Set<String> touchedIds = touched.stream().map(second::recordId).collect(Collectors.toSet());
            List<Chunk> now = store.chunks(collection);
            Set<Chunk> oldUntouched = firstGeneration.stream()
                    .filter(c -> !touchedIds.contains(c.recordId()))
                    .collect(Collectors.toSet());
            assertExactly(
                    oldUntouched,
                    now.stream().filter(c -> !touchedIds.contains(c.recordId())).toList(),
                    "generation 1 records that generation 2 has not sent yet, after kill " + kill);
            assertNeverMissing(first.lastVersions(first.size()), second, 0, sync.maxSent(), now, "after kill " + kill);
        }
        sync.finalAttempt();
        assertExactly(second.expectedAt(second.size()), store.chunks(collection), "after generation 2 completed");
        if (store == CHROMA) {
            SkipUnchangedIT.assertHashesDescribeStoredContent(collection, 8);
        }
        report(store.name() + " overwrite", sync, started);
    }

    @Test
    void should_duplicate_append_records_only_after_the_last_emitted_state_of_a_killed_attempt() throws Exception {
        String collection = freshCollection("crash-append");
        Workload workload = Workload.unkeyed(SEED + 3, "logs", 1, 200);
        String config = config(CHROMA, collection);
        String catalog = catalog(stream("logs", "append", List.of(), 1, 0));
        ResumingSync sync = new ResumingSync(workload, () -> startWrite(config, catalog), SEED + 3);
        long started = System.nanoTime();
        for (int kill = 1; kill <= 10; kill++) {
            sync.killedAttempt();
        }
        sync.finalAttempt();
        assertDuplicatesBounded(workload, sync, CHROMA, collection, "append");
        report("append", sync, started);
    }

    /**
     * How a platform identifies a sync, in every combination of the catalog's {@code generation_id},
     * {@code minimum_generation_id} and {@code sync_id} and the job id in the environment: the catalog
     * entry and environment of sync number {@code n}, and whether a completed sync removes what earlier
     * syncs wrote.
     */
    record Identity(String name, long generation, long minimum, Long syncId, String jobId, boolean removesEarlier) {
        ObjectNode stream(String name, List<String> key, int n) {
            ObjectNode stream = Messages.stream(name, "overwrite", key, -1, 0);
            if (generation >= 0) {
                stream.put("generation_id", generation * n);
            }
            if (minimum >= 0) {
                stream.put("minimum_generation_id", minimum * n);
            }
            if (syncId != null) {
                stream.put("sync_id", syncId + n);
            }
            return stream;
        }

        /** Whether every attempt of a sync writes the same {@code _ab_sync_id}. */
        boolean shared() {
            return syncId != null || jobId != null;
        }

        Map<String, String> environment(int n) {
            return jobId == null ? Map.of() : Map.of("WORKER_JOB_ID", jobId + n);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Identity> identities() {
        return Stream.of(
                new Identity("no generation ids, no sync_id, no job id", -1, -1, null, null, false),
                new Identity("only the platform's job id (WORKER_JOB_ID)", -1, -1, null, "70", true),
                new Identity("only sync_id", -1, -1, 500L, null, true),
                new Identity("generation ids without sync_id", 1, 1, null, null, true),
                new Identity("generation ids and sync_id", 1, 1, 500L, null, true),
                new Identity("generation_id without minimum_generation_id", 1, -1, 500L, null, false),
                new Identity("minimum_generation_id 0", 1, 0, 500L, "70", false));
    }

    static Stream<Identity> killedIdentities() {
        return identities()
                .filter(i -> i.name().startsWith("no generation")
                        || i.name().startsWith("only the")
                        || i.name().equals("generation ids and sync_id"));
    }

    /**
     * Regression (issue 12, item 1): an overwrite whose catalog has no generation ids and no sync_id drew a
     * random sync id in every attempt, and the attempt that completed removed "the other syncs' chunks":
     * the records of the first attempt that its emitted states covered, which Airbyte never sends again.
     * The first attempt reads records 0-59, emits the states after 24 and 49 and fails on a bad line; the
     * second is sent 50-99 and ends cleanly. Every record must be there, in every combination of ids; what
     * an earlier sync wrote goes only where the platform identifies the sync across attempts.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("identities")
    void should_keep_every_record_an_emitted_state_covers_when_a_failed_overwrite_is_resumed(Identity identity) {
        String collection = freshCollection("resume-overwrite");
        String config = config(CHROMA, collection);
        String earlier = catalog(identity.stream("logs", List.of(), 1));
        String now = catalog(identity.stream("logs", List.of(), 2));
        StringBuilder old = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            old.append(Messages.record("logs", "{\"text\":\"earlier sync " + i + "\"}"));
        }
        old.append(Messages.streamState("logs", "{\"cursor\":0}"));
        var first = write(config, earlier, old.toString(), identity.environment(1));
        assertThat(first.exitCode()).as(first.stderr()).isZero();

        var failed =
                write(config, now, logs(0, 60, 25) + "{\"type\":\"RECORD\",\"record\":\n", identity.environment(2));
        assertThat(failed.exitCode()).as(failed.stderr()).isEqualTo(1);
        assertThat(failed.states())
                .extracting(state -> state.at("/stream/stream_state/cursor").asInt())
                .containsExactly(25, 50);
        var resumed = write(config, now, logs(50, 100, 25), identity.environment(2));
        assertThat(resumed.exitCode()).as(resumed.stderr()).isZero();

        Map<String, Long> copies = CHROMA.all(collection).stream()
                .collect(Collectors.groupingBy(StoredChunk::document, Collectors.counting()));
        for (int i = 0; i < 100; i++) {
            assertThat(copies.getOrDefault("text: record " + i, 0L))
                    .as("copies of record %d (%s)", i, identity)
                    .isEqualTo(1L);
        }
        long earlierLeft =
                copies.keySet().stream().filter(d -> d.contains("earlier sync")).count();
        assertThat(earlierLeft)
                .as("chunks of the earlier sync left (%s)", identity)
                .isEqualTo(identity.removesEarlier() ? 0 : 10);
    }

    /** Records {@code [from, to)} of stream logs, with a state (cursor = records so far) after every {@code every}. */
    private static String logs(int from, int to, int every) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < to; i++) {
            text.append(Messages.record("logs", "{\"text\":\"record " + i + "\"}"));
            if ((i + 1) % every == 0) {
                text.append(Messages.streamState("logs", "{\"cursor\":" + (i + 1) + "}"));
            }
        }
        return text.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("killedIdentities")
    void should_keep_copies_of_unconfirmed_records_of_a_killed_overwrite_without_key_and_drop_the_old_generation(
            Identity identity) throws Exception {
        String collection = freshCollection("crash-overwrite-unkeyed");
        String config = config(CHROMA, collection);
        Workload first = Workload.unkeyed(SEED + 4, "logs", 1, 60);
        var clean = write(
                config,
                catalog(identity.stream("logs", List.of(), 1)),
                first.text(0, first.size()),
                identity.environment(1));
        assertThat(clean.exitCode()).as(clean.stderr()).isZero();

        Workload second = Workload.unkeyed(SEED + 5, "logs", 2, 150);
        String catalog = catalog(identity.stream("logs", List.of(), 2));
        ResumingSync sync = new ResumingSync(
                second, () -> startWrite(config, catalog, identity.environment(2), List.of("-Xmx512m")), SEED + 5);
        long started = System.nanoTime();
        Set<String> firstDocuments =
                first.expectedAt(first.size()).stream().map(Chunk::document).collect(Collectors.toSet());
        for (int kill = 1; kill <= 6; kill++) {
            sync.killedAttempt();
            assertThat(CHROMA.chunks(collection).stream().map(Chunk::document).filter(firstDocuments::contains))
                    .as("generation 1 after kill %d", kill)
                    .containsExactlyInAnyOrderElementsOf(firstDocuments);
        }
        sync.finalAttempt();
        // The documents of both generations differ: the first is gone, or kept whole where nothing tells
        // an earlier attempt from an earlier sync; the second is there with bounded copies.
        assertThat(CHROMA.chunks(collection).stream().map(Chunk::document).filter(firstDocuments::contains))
                .as("generation 1 after the final attempt (%s)", identity)
                .hasSize(identity.removesEarlier() ? 0 : firstDocuments.size());
        assertDuplicatesBounded(
                second,
                sync,
                CHROMA,
                collection,
                "overwrite without key, " + identity,
                firstDocuments,
                identity.shared());
        report("overwrite without key, " + identity, sync, started);
    }

    /**
     * The documented bound for streams without a key: every chunk of the input is stored at least once,
     * and at most once more for each failed attempt that was sent its record but ended before echoing a
     * state after it; nothing else is stored.
     */
    private static void assertDuplicatesBounded(
            Workload workload, ResumingSync sync, StoreUnderTest store, String collection, String name) {
        assertDuplicatesBounded(workload, sync, store, collection, name, Set.of(), true);
    }

    /**
     * As above, for the chunks other than those with one of the {@code earlier} documents. Where attempts
     * share no sync id ({@code sharedSyncId} false), each attempt's copies carry its own {@code _ab_sync_id}.
     */
    private static void assertDuplicatesBounded(
            Workload workload,
            ResumingSync sync,
            StoreUnderTest store,
            String collection,
            String name,
            Set<String> earlier,
            boolean sharedSyncId) {
        List<StoredChunk> points = store.all(collection).stream()
                .filter(point -> !earlier.contains(point.document()))
                .toList();
        Map<String, Long> copies =
                points.stream().collect(Collectors.groupingBy(StoredChunk::document, Collectors.counting()));
        Map<String, Set<Map<String, Object>>> metadata = points.stream()
                .collect(Collectors.groupingBy(
                        StoredChunk::document,
                        Collectors.mapping(
                                point -> withoutSyncIdUnless(sharedSyncId, point.metadata()), Collectors.toSet())));
        assertThat(metadata.values())
                .as("the copies of a chunk are identical in metadata")
                .allSatisfy(variants -> assertThat(variants).hasSize(1));
        List<Attempt> failed =
                sync.attempts().stream().filter(a -> a.exitCode() != 0).toList();
        long expectedChunks = 0;
        long allowedExtra = 0;
        Set<String> documents = new HashSet<>();
        for (int position = 0; position < workload.size(); position++) {
            Line line = workload.lines().get(position);
            if (line.kind() != Workload.Kind.RECORD) {
                continue;
            }
            int unconfirmed = 0;
            for (Attempt attempt : failed) {
                int checkpoint = workload.positionAfterState(attempt.cursorAfter());
                if (attempt.from() <= position && position < attempt.to() && position >= checkpoint) {
                    unconfirmed++;
                }
            }
            for (String document : workload.documents(line)) {
                documents.add(document);
                expectedChunks++;
                allowedExtra += unconfirmed;
                assertThat(copies.getOrDefault(document, 0L))
                        .as("copies of a chunk of record seq %d (sent unconfirmed %d times)", line.seq(), unconfirmed)
                        .isBetween(1L, 1L + unconfirmed);
            }
        }
        assertThat(copies.keySet()).as("only the input's chunks").isEqualTo(documents);
        long total = copies.values().stream().mapToLong(Long::longValue).sum();
        assertThat(total).isBetween(expectedChunks, expectedChunks + allowedExtra);
        System.out.printf(
                "[crash %s] %d chunks expected, %d stored (%d extra copies; documented bound %d)%n",
                name, expectedChunks, total, total - expectedChunks, allowedExtra);
    }

    private static Map<String, Object> withoutSyncIdUnless(boolean keep, Map<String, Object> metadata) {
        Map<String, Object> copy = new java.util.HashMap<>(metadata);
        if (!keep) {
            copy.remove("_ab_sync_id");
        }
        return copy;
    }

    /**
     * Every key that no attempt touched after the last emitted state holds exactly its version as of
     * that state; every other key still live at the state, and not deleted later, still has chunk 0.
     */
    private static void assertDurableBeforeResumePoint(
            Workload workload, ResumingSync sync, StoreUnderTest store, String collection, String when) {
        int resume = sync.resumePosition();
        Set<Integer> touched = workload.keysIn(resume, sync.maxSent());
        Set<String> touchedIds = touched.stream().map(workload::recordId).collect(Collectors.toSet());
        Map<Integer, Line> atResume = workload.lastVersions(resume);
        List<Chunk> now = store.chunks(collection);
        Set<Chunk> expected = workload.expectedFor(atResume.entrySet().stream()
                .filter(e -> !touched.contains(e.getKey()))
                .map(Map.Entry::getValue)
                .toList());
        assertExactly(
                expected,
                now.stream().filter(c -> !touchedIds.contains(c.recordId())).toList(),
                "keys untouched since the last emitted state (cursor " + sync.cursor() + "), " + when);
        assertNeverMissing(atResume, workload, resume, sync.maxSent(), now, when);
    }

    /** Upsert-then-trim: a key live in {@code before} that {@code later} does not delete is never missing. */
    private static void assertNeverMissing(
            Map<Integer, Line> before, Workload later, int from, int to, List<Chunk> now, String when) {
        Set<String> ids = now.stream().map(Chunk::id).collect(Collectors.toSet());
        Function<Integer, String> firstChunk = key -> Workload.chunkId(later.recordId(key), 0);
        List<Integer> missing = before.values().stream()
                .filter(l -> l.kind() == Workload.Kind.RECORD)
                .map(Line::key)
                .filter(key -> later.noDeleteOf(key, from, to))
                .filter(key -> !ids.contains(firstChunk.apply(key)))
                .toList();
        assertThat(missing).as("live keys with no chunk, " + when).isEmpty();
    }

    private static void report(String name, ResumingSync sync, long started) {
        List<Attempt> attempts = sync.attempts();
        long kills = attempts.stream()
                .filter(a -> a.exitCode() == ResumingSync.SIGKILL_EXIT)
                .count();
        long progressed = attempts.stream()
                .filter(a -> a.exitCode() != 0 && a.states() > 0)
                .count();
        System.out.printf(
                "[crash %s] %d kill/resume cycles (%d with states echoed before the kill) and a final attempt in %.1f s;"
                        + " final attempt from input position %d%n",
                name,
                kills,
                progressed,
                (System.nanoTime() - started) / 1e9,
                attempts.get(attempts.size() - 1).from());
        attempts.forEach(a -> System.out.printf(
                "  [%d, %d) -> cursor %d, %d states, exit %d, %d ms, killed %s%n",
                a.from(), a.to(), a.cursorAfter(), a.states(), a.exitCode(), a.millis(), a.killPoint()));
    }
}
