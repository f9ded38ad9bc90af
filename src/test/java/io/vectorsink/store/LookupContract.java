package io.vectorsink.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vectorsink.protocol.StreamId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a store that skips unchanged records must do on top of {@link VectorStoreContract}: read the
 * connector's fields of stored chunks by record id without vectors ({@link VectorStore#lookup}), hand back
 * stored vectors ({@link VectorStore#storedVectors}), and move stored chunks into a new generation without
 * touching anything else ({@link VectorStore#updateOwnFields}). A store's contract test implements this
 * interface instead of {@link VectorStoreContract} once the store overrides {@code lookup}.
 */
public interface LookupContract extends VectorStoreContract {
    /** A chunk with every connector field, hashes included, and a unit vector that names its position. */
    static ChunkPoint hashed(StreamId stream, String recordId, int index, int count, long generation, String syncId) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put(ChunkFields.STREAM, stream.airbyteName());
        metadata.put(ChunkFields.NAMESPACE, stream.namespaceOrEmpty());
        metadata.put(ChunkFields.RECORD_ID, recordId);
        metadata.put(ChunkFields.CHUNK_INDEX, (long) index);
        metadata.put(ChunkFields.CHUNK_COUNT, (long) count);
        metadata.put(ChunkFields.GENERATION_ID, generation);
        metadata.put(ChunkFields.SYNC_ID, syncId);
        metadata.put(ChunkFields.CHUNK_HASH, "c-" + recordId + "-" + index);
        metadata.put(ChunkFields.RECORD_HASH, "r-" + recordId);
        metadata.put("title", "t " + recordId);
        double angle = (index + 1) * 0.3;
        float[] vector = {(float) Math.cos(angle), (float) Math.sin(angle), 0f};
        return new ChunkPoint(PointIds.forChunk(recordId, index), vector, recordId + " chunk " + index, metadata);
    }

    static List<ChunkPoint> hashedRecord(StreamId stream, String recordId, int count) {
        List<ChunkPoint> points = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            points.add(hashed(stream, recordId, i, count, 1, SYNC));
        }
        return points;
    }

    @Test
    default void should_look_up_the_connector_fields_of_stored_chunks_by_record_without_other_records() {
        VectorStore store = newStore(newCollection(), "cosine");
        store.prepare(3);
        List<ChunkPoint> points = new ArrayList<>(hashedRecord(STREAM, "r1", 3));
        points.addAll(hashedRecord(STREAM, "r2", 2));
        points.addAll(hashedRecord(STREAM, "r3", 1));
        points.add(hashed(STREAM, "r1", 7, 8, 0, "sync-0")); // left behind by an earlier, longer version
        store.upsert(points);

        Map<String, List<KnownChunk>> known = store.lookup(STREAM, List.of("r1", "r2", "missing"));

        assertThat(known).containsOnlyKeys("r1", "r2");
        List<KnownChunk> r1 = sortedByIndex(known.get("r1"));
        assertThat(r1).extracting(KnownChunk::chunkIndex).containsExactly(0, 1, 2, 7);
        assertThat(r1.get(1))
                .isEqualTo(new KnownChunk(PointIds.forChunk("r1", 1), "r1", 1, 3, "c-r1-1", "r-r1", 1L, SYNC));
        assertThat(r1.get(3).generationId()).isZero();
        assertThat(r1.get(3).syncId()).isEqualTo("sync-0");
        assertThat(r1.get(3).chunkCount()).isEqualTo(8);
    }

    @Test
    default void should_look_up_only_the_given_stream() {
        VectorStore store = newStore(newCollection(), "cosine");
        store.prepare(3);
        StreamId other = new StreamId("ns", "docs");
        store.upsert(hashedRecord(other, "shared-id", 2));

        assertThat(store.lookup(STREAM, List.of("shared-id"))).isEmpty();
        assertThat(store.lookup(other, List.of("shared-id")).get("shared-id")).hasSize(2);
    }

    @Test
    default void should_look_up_hundreds_of_records_with_odd_ids_in_one_call() {
        VectorStore store = newStore(newCollection(), "cosine");
        store.prepare(3);
        List<ChunkPoint> points = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int r = 0; r < 300; r++) {
            String id = r % 3 == 0 ? "é\"'\\ 中文 " + r : "r" + r;
            ids.add(id);
            points.addAll(hashedRecord(STREAM, id, 1 + r % 4));
        }
        store.upsert(points);

        Map<String, List<KnownChunk>> known = store.lookup(STREAM, ids);

        assertThat(known).hasSize(300);
        for (int r = 0; r < 300; r++) {
            assertThat(known.get(ids.get(r))).as(ids.get(r)).hasSize(1 + r % 4);
        }
    }

    @Test
    default void should_look_up_nothing_for_no_records() {
        VectorStore store = newStore(newCollection(), "cosine");
        store.prepare(3);
        assertThat(store.lookup(STREAM, List.of())).isEmpty();
        assertThat(store.storedVectors(STREAM, List.of())).isEmpty();
    }

    @Test
    default void should_hand_back_stored_vectors_and_nothing_for_unknown_ids() {
        VectorStore store = newStore(newCollection(), "cosine");
        store.prepare(3);
        List<ChunkPoint> points = hashedRecord(STREAM, "r1", 3);
        store.upsert(points);
        store.lookup(STREAM, List.of("r1", "nope")); // the pipeline asks for vectors of chunks a lookup found

        Map<String, float[]> vectors = store.storedVectors(
                STREAM, List.of(points.get(0).id(), points.get(2).id(), PointIds.forChunk("nope", 0)));

        assertThat(vectors).containsOnlyKeys(points.get(0).id(), points.get(2).id());
        for (ChunkPoint point : List.of(points.get(0), points.get(2))) {
            float[] stored = vectors.get(point.id());
            assertThat(stored).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(stored[i]).isCloseTo(point.vector()[i], within(1e-5f));
            }
        }
    }

    @Test
    default void should_move_chunks_to_a_new_generation_leaving_vector_text_and_metadata_alone() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        List<ChunkPoint> points = hashedRecord(STREAM, "r1", 2);
        store.upsert(points);
        store.upsert(hashedRecord(STREAM, "r2", 1));
        store.lookup(STREAM, List.of("r1")); // the pipeline updates chunks a lookup found
        Map<String, StoredChunk> before = byId(readAll(collection));

        store.updateOwnFields(
                STREAM,
                List.of(points.get(0).id(), points.get(1).id()),
                Map.of(ChunkFields.GENERATION_ID, 2L, ChunkFields.SYNC_ID, "sync-2"));
        store.deleteStale(STREAM, new StaleFilter.OlderGeneration(2));

        Map<String, StoredChunk> after = byId(readAll(collection));
        assertThat(after).containsOnlyKeys(points.get(0).id(), points.get(1).id());
        for (ChunkPoint point : points) {
            StoredChunk was = before.get(point.id());
            StoredChunk now = after.get(point.id());
            assertThat(now.document()).isEqualTo(was.document());
            Map<String, Object> expected = new LinkedHashMap<>(was.metadata());
            expected.put(ChunkFields.GENERATION_ID, 2L);
            expected.put(ChunkFields.SYNC_ID, "sync-2");
            assertThat(now.metadata()).isEqualTo(expected);
        }
        Map<String, float[]> vectors =
                store.storedVectors(STREAM, List.of(points.get(1).id()));
        assertThat(vectors.get(points.get(1).id())[1]).isCloseTo(points.get(1).vector()[1], within(1e-5f));
        assertThat(store.lookup(STREAM, List.of("r1")).get("r1"))
                .extracting(KnownChunk::generationId)
                .containsOnly(2L);
    }

    private static List<KnownChunk> sortedByIndex(List<KnownChunk> chunks) {
        return chunks.stream()
                .sorted(Comparator.comparingInt(KnownChunk::chunkIndex))
                .toList();
    }

    private static Map<String, StoredChunk> byId(List<StoredChunk> chunks) {
        Map<String, StoredChunk> byId = new LinkedHashMap<>();
        chunks.forEach(chunk -> byId.put(chunk.id(), chunk));
        return byId;
    }
}
