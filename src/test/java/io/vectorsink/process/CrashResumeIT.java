package io.vectorsink.process;

import static io.vectorsink.testing.Messages.catalog;
import static io.vectorsink.testing.Messages.stream;
import static org.assertj.core.api.Assertions.assertThat;

import io.vectorsink.process.ResumingSync.Attempt;
import io.vectorsink.process.Workload.Chunk;
import io.vectorsink.process.Workload.Line;
import io.vectorsink.store.StoredChunk;
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
 * here"): a sync into a real store ({@link StoreUnderTest}: Chroma, and OpenSearch for the keyed runs) is
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
     * start slower and it shares the machine), 22 in all across the two runs.
     */
    static Stream<Arguments> dedupRuns() {
        return Stream.of(Arguments.of(CHROMA, 24), Arguments.of(StoreUnderTest.openSearch(), 12));
    }

    static Stream<Arguments> overwriteRuns() {
        return Stream.of(Arguments.of(CHROMA, 20), Arguments.of(StoreUnderTest.openSearch(), 10));
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

    @Test
    void should_keep_copies_of_unconfirmed_records_of_a_killed_overwrite_without_key_and_drop_the_old_generation()
            throws Exception {
        String collection = freshCollection("crash-overwrite-unkeyed");
        String config = config(CHROMA, collection);
        Workload first = Workload.unkeyed(SEED + 4, "logs", 1, 60);
        var clean = write(config, catalog(stream("logs", "overwrite", List.of(), 1, 1)), first.text(0, first.size()));
        assertThat(clean.exitCode()).as(clean.stderr()).isZero();

        Workload second = Workload.unkeyed(SEED + 5, "logs", 2, 150);
        String catalog = catalog(stream("logs", "overwrite", List.of(), 2, 2));
        ResumingSync sync = new ResumingSync(second, () -> startWrite(config, catalog), SEED + 5);
        long started = System.nanoTime();
        Set<String> firstDocuments =
                first.expectedAt(first.size()).stream().map(Chunk::document).collect(Collectors.toSet());
        for (int kill = 1; kill <= 6; kill++) {
            sync.killedAttempt();
            assertThat(CHROMA.chunks(collection).stream()
                            .filter(c -> c.generation() == 1)
                            .map(Chunk::document))
                    .as("generation 1 after kill %d", kill)
                    .containsExactlyInAnyOrderElementsOf(firstDocuments);
        }
        sync.finalAttempt();
        // Only generation 2 is left (the documents of both generations differ), with bounded copies.
        assertDuplicatesBounded(second, sync, CHROMA, collection, "overwrite without key");
        report("overwrite without key", sync, started);
    }

    /**
     * The documented bound for streams without a key: every chunk of the input is stored at least once,
     * and at most once more for each failed attempt that was sent its record but ended before echoing a
     * state after it; nothing else is stored.
     */
    private static void assertDuplicatesBounded(
            Workload workload, ResumingSync sync, StoreUnderTest store, String collection, String name) {
        List<StoredChunk> points = store.all(collection);
        Map<String, Long> copies =
                points.stream().collect(Collectors.groupingBy(StoredChunk::document, Collectors.counting()));
        Map<String, Set<Map<String, Object>>> metadata = points.stream()
                .collect(Collectors.groupingBy(
                        StoredChunk::document, Collectors.mapping(StoredChunk::metadata, Collectors.toSet())));
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
