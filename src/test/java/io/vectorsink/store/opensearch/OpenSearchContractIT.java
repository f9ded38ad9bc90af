package io.vectorsink.store.opensearch;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vectorsink.config.AdvancedConfig;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.config.ProcessingConfig;
import io.vectorsink.config.TextSplitterConfig;
import io.vectorsink.error.TransientException;
import io.vectorsink.http.HttpClients;
import io.vectorsink.http.RetrySettings;
import io.vectorsink.http.RetryTiming;
import io.vectorsink.mapping.MappedRecord;
import io.vectorsink.mapping.RecordMapper;
import io.vectorsink.protocol.ConfiguredStream;
import io.vectorsink.protocol.InputMessage;
import io.vectorsink.protocol.Json;
import io.vectorsink.protocol.SourceJson;
import io.vectorsink.store.ChunkFields;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.IndexModelContract;
import io.vectorsink.store.KnownChunk;
import io.vectorsink.store.LookupContract;
import io.vectorsink.store.PointIds;
import io.vectorsink.store.StoredChunk;
import io.vectorsink.store.TypedValuesContract;
import io.vectorsink.store.VectorStore;
import io.vectorsink.store.VectorStoreContract;
import io.vectorsink.testing.FakeRetryTiming;
import io.vectorsink.testing.OpenSearchInspector;
import io.vectorsink.testing.OpenSearchNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The store contract against a real OpenSearch 2.19 node with the k-NN plugin (in-process, lucene engine),
 * and against WireMock answering as OpenSearch documents for faults and limits.
 */
class OpenSearchContractIT implements LookupContract, IndexModelContract, TypedValuesContract {
    static OpenSearchVectorStore store(String url, String index, String metric, String refresh, RetryTiming timing) {
        return store(url, index, metric, refresh, null, timing);
    }

    static OpenSearchVectorStore store(
            String url,
            String index,
            String metric,
            String refresh,
            IndexingConfig.OpenSearchAuth auth,
            RetryTiming timing) {
        return new OpenSearchVectorStore(
                new IndexingConfig.OpenSearch(url, index, metric, refresh, auth),
                AdvancedConfig.defaults(),
                HttpClients.shared(),
                timing,
                RetrySettings.forService("OpenSearch", AdvancedConfig.defaults()));
    }

    @Override
    public VectorStore newStore(String collection, String metric) {
        return store(OpenSearchNode.shared().url(), collection, metric, "wait_for", new FakeRetryTiming().timing());
    }

    @Override
    public List<StoredChunk> readAll(String collection) {
        return new OpenSearchInspector(OpenSearchNode.shared().url()).all(collection);
    }

    @Override
    public boolean collectionExists(String collection) {
        return new OpenSearchInspector(OpenSearchNode.shared().url()).exists(collection);
    }

    @Override
    public VectorStore storeAt(String baseUrl, String collection, RetryTiming timing) {
        return store(baseUrl, collection, "cosine", "wait_for", timing);
    }

    /** The inspector of the live backend, which reads as the superuser. */
    OpenSearchInspector inspector() {
        return new OpenSearchInspector(OpenSearchNode.shared().url());
    }

    /** A store on the live backend that writes with {@code refresh=false}. */
    VectorStore storeWithoutRefresh(String index) {
        return store(OpenSearchNode.shared().url(), index, "cosine", "false", new FakeRetryTiming().timing());
    }

    /**
     * An index that never refreshes on its own, so a search sees only what an explicit refresh made visible:
     * the widest stale window a {@code refresh=false} writer can leave.
     */
    VectorStore preparedWithoutRefreshes(String index) {
        VectorStore store = storeWithoutRefresh(index);
        store.prepare(3);
        HttpResponse<String> settings =
                inspector().send("PUT", "/" + index + "/_settings", "{\"index\":{\"refresh_interval\":\"-1\"}}");
        assertThat(settings.statusCode()).as(settings.body()).isEqualTo(200);
        return store;
    }

    /** Chunks of {@code recordId} as {@link LookupContract#hashed} makes them, with other hashes. */
    static List<ChunkPoint> rewritten(String recordId, int count, String version) {
        List<ChunkPoint> points = new ArrayList<>();
        for (ChunkPoint point : LookupContract.hashedRecord(STREAM, recordId, count)) {
            Map<String, Object> metadata = new LinkedHashMap<>(point.metadata());
            metadata.put(ChunkFields.CHUNK_HASH, version + "-" + metadata.get(ChunkFields.CHUNK_HASH));
            metadata.put(ChunkFields.RECORD_HASH, version + "-r-" + recordId);
            points.add(new ChunkPoint(point.id(), point.vector(), version + " " + point.document(), metadata));
        }
        return points;
    }

    @Test
    void should_never_look_up_a_hash_that_was_replaced_after_the_last_refresh() {
        String index = newCollection();
        VectorStore store = preparedWithoutRefreshes(index);
        store.upsert(LookupContract.hashedRecord(STREAM, "r1", 2));
        assertThat(store.lookup(STREAM, List.of("r1")).get("r1")) // the first lookup refreshes once
                .extracting(KnownChunk::recordHash)
                .containsOnly("r-r1");
        // Version B replaces A with refresh=false: a search still sees A, and would call a change back to A
        // (the A -> B -> A of three syncs) unchanged.
        store.upsert(rewritten("r1", 2, "B"));

        assertThat(store.lookup(STREAM, List.of("r1"))).isEmpty();

        inspector().send("POST", "/" + index + "/_refresh", null);
        assertThat(store.lookup(STREAM, List.of("r1")).get("r1"))
                .extracting(KnownChunk::chunkHash)
                .containsExactlyInAnyOrder("B-c-r1-0", "B-c-r1-1");
    }

    @Test
    void should_not_look_up_chunks_deleted_after_the_last_refresh() {
        String index = newCollection();
        VectorStore store = preparedWithoutRefreshes(index);
        store.upsert(LookupContract.hashedRecord(STREAM, "r1", 3));
        store.upsert(LookupContract.hashedRecord(STREAM, "r2", 1));
        assertThat(store.lookup(STREAM, List.of("r1", "r2"))).containsOnlyKeys("r1", "r2");
        // The deletes refresh before they run (so they see the chunks) and not after: a search still sees them.
        store.deleteChunks(
                List.of(new VectorStore.RecordTrim(STREAM, "r1", 1), new VectorStore.RecordTrim(STREAM, "r2", 0)));

        Map<String, List<KnownChunk>> known = store.lookup(STREAM, List.of("r1", "r2"));

        assertThat(known).containsOnlyKeys("r1");
        assertThat(known.get("r1")).extracting(KnownChunk::chunkIndex).containsExactly(0);
    }

    @Test
    void should_see_what_an_earlier_store_wrote_without_refresh_in_its_first_lookup() {
        String index = newCollection();
        VectorStore earlier = preparedWithoutRefreshes(index);
        earlier.upsert(LookupContract.hashedRecord(STREAM, "r1", 2));
        VectorStore next = storeWithoutRefresh(index);
        next.prepare(3);

        assertThat(next.lookup(STREAM, List.of("r1")).get("r1")).hasSize(2);
    }

    /**
     * A metadata float is any double the record held: beyond a 32-bit float's range (the engines' dynamic
     * mapping of a JSON float) it used to be refused, failing the sync, and below it indexed as 0, so a
     * filter could not find it. Read back from the node and found by range filters on the index.
     */
    @Test
    void should_store_and_index_metadata_doubles_beyond_float_range() {
        String index = newCollection();
        VectorStore store = newStore(index, "cosine");
        store.prepare(3);
        ChunkPoint base = VectorStoreContract.record("r1", 1, "v1").get(0);
        Map<String, Object> metadata = new LinkedHashMap<>(base.metadata());
        metadata.put("huge", 1e300);
        metadata.put("tiny", 1e-300);
        metadata.put("precise", 0.1 + 0.2);

        store.upsert(List.of(new ChunkPoint(base.id(), base.vector(), base.document(), metadata)));

        assertThat(readAll(index)).singleElement().satisfies(chunk -> assertThat(chunk.metadata())
                .containsEntry("huge", 1e300)
                .containsEntry("tiny", 1e-300)
                .containsEntry("precise", 0.1 + 0.2));
        assertThat(countWhere(index, "{\"range\":{\"metadata.tiny\":{\"gt\":0}}}"))
                .isEqualTo(1);
        assertThat(countWhere(index, "{\"range\":{\"metadata.huge\":{\"gt\":1e299}}}"))
                .isEqualTo(1);
        assertThat(countWhere(index, "{\"range\":{\"metadata.precise\":{\"gt\":0.3}}}"))
                .isEqualTo(1);
    }

    /**
     * Keys the engines cannot take as field paths (an empty or blank step, more steps than the depth limit,
     * a key that is also the start of another key's path) used to fail the whole write with a config_error.
     * A record with all of them, mapped for this store and written: the node holds every other key as it
     * was, and the row's {@code _airbyte_meta} names each key left out.
     */
    @Test
    void should_store_a_record_with_keys_the_engine_cannot_take_recording_each_one_left_out() throws Exception {
        String index = newCollection();
        VectorStore store = newStore(index, "cosine");
        store.prepare(3);
        String deepest = String.join(".", java.util.Collections.nCopies(OpenSearchVectorStore.MAX_KEY_STEPS, "s"));
        String data = "{\"id\":1,\"text\":\"t\",\"\":1,\" \":2,\".\":3,\".a\":4,\"a..b\":5,\"c.\":6,\"x\":\"s\","
                + "\"x.y\":7,\"" + deepest + ".s\":8,\"" + deepest + "\":9,\"$x\":10,\"a/b\":11,\"u.v\":12}";
        var mapper = new RecordMapper(
                new ProcessingConfig(
                        254, 0, List.of("text"), List.of(), List.of(), TextSplitterConfig.Separator.defaults()),
                store.metadataRules());
        MappedRecord mapped = mapper.map(
                new InputMessage.Record(3, STREAM, (ObjectNode) SourceJson.read(data), 1000, null),
                new ConfiguredStream(
                        STREAM,
                        ConfiguredStream.DestinationSyncMode.APPEND_DEDUP,
                        List.of(List.of("id")),
                        1,
                        0,
                        true,
                        "9",
                        true));
        ChunkPoint base = VectorStoreContract.record("r1", 1, "v1").get(0);
        Map<String, Object> metadata = new LinkedHashMap<>(base.metadata());
        metadata.putAll(mapped.metadata());
        metadata.put(RecordMapper.AIRBYTE_META, RecordMapper.airbyteMeta(mapped.changes()));

        store.upsert(List.of(new ChunkPoint(base.id(), base.vector(), base.document(), metadata)));

        StoredChunk chunk = readAll(index).get(0);
        assertThat(chunk.metadata())
                .containsEntry("id", 1L)
                .containsEntry("x", "s")
                .containsEntry(deepest, 9L)
                .containsEntry("$x", 10L)
                .containsEntry("a/b", 11L)
                .containsEntry("u.v", 12L)
                .doesNotContainKeys("", " ", ".", ".a", "a..b", "c.", "x.y", deepest + ".s");
        JsonNode changes = Json.MAPPER
                .readTree((String) chunk.metadata().get(RecordMapper.AIRBYTE_META))
                .path("changes");
        List<String> fields = new ArrayList<>();
        changes.forEach(change -> fields.add(change.path("field").asText()));
        assertThat(fields).containsExactlyInAnyOrder("", " ", ".", ".a", "a..b", "c.", "x.y", deepest + ".s");
    }

    /**
     * The index types a metadata field by the first value it sees. A later value it cannot hold there (a
     * word where numbers were, a word where booleans were, an object path where a word was) used to fail the
     * sync with a config_error; now that chunk is written without the value, each one left out recorded on
     * the row after the changes it already had. Read back from the node; in the same bulk as a chunk that
     * still fits, and after the chunk that typed the field.
     */
    @Test
    void should_write_a_chunk_without_a_value_its_index_typed_otherwise_recording_each_one() throws Exception {
        String index = newCollection();
        VectorStore store = newStore(index, "cosine");
        store.prepare(3);
        String upstream = "{\"changes\":[{\"field\":\"body\",\"change\":\"TRUNCATED\","
                + "\"reason\":\"SOURCE_FIELD_SIZE_LIMITATION\"}]}";
        store.upsert(List.of(withMetadata("a", Map.of("n", 5L, "flag", true, "x", "s", "keep", "a"))));

        store.upsert(List.of(
                withMetadata(
                        "b",
                        Map.of(
                                "n",
                                "five",
                                "flag",
                                "maybe",
                                "x.y",
                                1L,
                                "keep",
                                "b",
                                RecordMapper.AIRBYTE_META,
                                upstream)),
                withMetadata("c", Map.of("n", 6L, "keep", "c", "m", 1L)),
                withMetadata("d", Map.of("m", "one", "keep", "d"))));

        Map<String, StoredChunk> stored = new LinkedHashMap<>();
        readAll(index).forEach(chunk -> stored.put(chunk.recordId(), chunk));
        assertThat(stored.get("b").metadata()).containsEntry("keep", "b").doesNotContainKeys("n", "flag", "x.y");
        assertThat(changedFields(stored.get("b"))).first().isEqualTo("body");
        assertThat(changedFields(stored.get("b"))).containsExactlyInAnyOrder("body", "n", "flag", "x.y");
        assertThat(stored.get("c").metadata())
                .containsEntry("n", 6L)
                .containsEntry("m", 1L)
                .doesNotContainKey(RecordMapper.AIRBYTE_META);
        assertThat(stored.get("d").metadata()).containsEntry("keep", "d").doesNotContainKey("m");
        assertThat(changedFields(stored.get("d"))).containsExactly("m");
        assertThat(stored.get("a").metadata()).containsEntry("n", 5L).doesNotContainKey(RecordMapper.AIRBYTE_META);

        // The connector's own fields are never left out: a refusal of one still fails the write.
        assertThatThrownBy(() -> store.upsert(List.of(withMetadata("e", Map.of(ChunkFields.CHUNK_INDEX, "zero")))))
                .isInstanceOf(io.vectorsink.error.ConfigException.class)
                .hasMessageContaining("metadata." + ChunkFields.CHUNK_INDEX);
    }

    /**
     * A primary-key field's value is never left out to fit a chunk to its index (no change is ever made on a
     * key): a key typed otherwise by an earlier stream's value, or a key field the index has no room to map,
     * fails the write as before, and nothing of the chunk is stored.
     */
    @Test
    void should_fail_rather_than_leave_out_a_primary_key_value_the_index_cannot_take() {
        String index = newCollection();
        VectorStore store = newStore(index, "cosine");
        store.prepare(3);
        Map<String, Object> wide = numbered("k", 900, i -> "v" + i);
        wide.put("id", 5L);
        store.upsert(List.of(withMetadata("a", wide)));

        assertThatThrownBy(() -> store.upsert(List.of(withKey("b", Map.of("id", "five", "keep", "b"), "id"))))
                .isInstanceOf(io.vectorsink.error.ConfigException.class)
                .hasMessageContaining("metadata.id");
        Map<String, Object> beyondTheLimit = numbered("j", 200, i -> (long) i);
        beyondTheLimit.put("uuid", "u-1");
        assertThatThrownBy(() -> store.upsert(List.of(withKey("c", beyondTheLimit, "uuid"))))
                .isInstanceOf(io.vectorsink.error.ConfigException.class);

        assertThat(readAll(index)).extracting(StoredChunk::recordId).containsExactly("a");
    }

    /** Keys {@code prefix0} .. {@code prefix(count-1)}, in order, each with {@code value.apply(its number)}. */
    private static Map<String, Object> numbered(
            String prefix, int count, java.util.function.IntFunction<Object> value) {
        Map<String, Object> keys = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            keys.put(prefix + i, value.apply(i));
        }
        return keys;
    }

    /** {@link #withMetadata}, with {@code keyField} marked as holding the record's primary-key value. */
    private static ChunkPoint withKey(String recordId, Map<String, Object> extra, String keyField) {
        ChunkPoint point = withMetadata(recordId, extra);
        return new ChunkPoint(point.id(), point.vector(), point.document(), point.metadata(), Set.of(keyField));
    }

    /**
     * An index maps at most {@code index.mapping.total_fields.limit} fields (1,000 by default), for every
     * stream it holds together. A chunk whose new keys would pass it used to fail the sync with a
     * config_error; now it is written with the keys the index already maps, each other one left out and
     * recorded on the row.
     */
    @Test
    void should_write_a_chunk_beyond_the_indexs_field_limit_with_the_keys_it_maps_recording_the_others()
            throws Exception {
        String index = newCollection();
        VectorStore store = newStore(index, "cosine");
        store.prepare(3);
        store.upsert(List.of(withMetadata("a", numbered("k", 900, i -> "v" + i))));
        Map<String, Object> wider = numbered("j", 200, i -> i);
        wider.put("k7", "seven");

        store.upsert(List.of(withMetadata("b", wider)));

        Map<String, StoredChunk> stored = new LinkedHashMap<>();
        readAll(index).forEach(chunk -> stored.put(chunk.recordId(), chunk));
        assertThat(stored.get("a").metadata()).containsEntry("k899", "v899");
        assertThat(stored.get("b").metadata()).containsEntry("k7", "seven").doesNotContainKey("j0");
        assertThat(changedFields(stored.get("b"))).hasSize(200).contains("j0", "j199");
    }

    /**
     * A row's {@code _airbyte_meta} grows with its changes (hundreds of values cut or left out, or a source
     * that reports many): beyond Lucene's 32,766-byte term it used to be refused as an immense term (the
     * keyword kept doc values), failing the sync. Written and read back whole, and the index is prepared
     * again by a second store without a mapping conflict.
     */
    @Test
    void should_store_an_airbyte_meta_longer_than_a_lucene_term() throws Exception {
        String index = newCollection();
        VectorStore store = newStore(index, "cosine");
        store.prepare(3);
        List<com.fasterxml.jackson.databind.node.ObjectNode> changes = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            changes.add(io.vectorsink.store.RowChanges.nulled("field_number_" + i));
        }
        String meta = RecordMapper.airbyteMeta(changes);
        assertThat(meta.length()).isGreaterThan(32_766);

        store.upsert(List.of(withMetadata("a", Map.of(RecordMapper.AIRBYTE_META, meta))));

        assertThat(readAll(index)).singleElement().satisfies(chunk -> assertThat(chunk.metadata())
                .containsEntry(RecordMapper.AIRBYTE_META, meta));
        newStore(index, "cosine").prepare(3);
    }

    private static ChunkPoint withMetadata(String recordId, Map<String, Object> extra) {
        ChunkPoint base = VectorStoreContract.record(recordId, 1, "v1").get(0);
        Map<String, Object> metadata = new LinkedHashMap<>(base.metadata());
        metadata.putAll(extra);
        return new ChunkPoint(base.id(), base.vector(), base.document(), metadata);
    }

    private static List<String> changedFields(StoredChunk chunk) throws IOException {
        List<String> fields = new ArrayList<>();
        Json.MAPPER
                .readTree((String) chunk.metadata().get(RecordMapper.AIRBYTE_META))
                .path("changes")
                .forEach(change -> fields.add(change.path("field").asText()));
        return fields;
    }

    private int countWhere(String index, String query) {
        HttpResponse<String> answer = inspector().send("POST", "/" + index + "/_count", "{\"query\":" + query + "}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        try {
            return Json.MAPPER.readTree(answer.body()).path("count").asInt(-1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void should_fail_transiently_instead_of_recreating_a_chunk_deleted_since_the_lookup() {
        String index = newCollection();
        VectorStore store = newStore(index, "cosine");
        store.prepare(3);
        List<ChunkPoint> points = LookupContract.hashedRecord(STREAM, "r1", 2);
        store.upsert(points);
        store.deleteChunks(List.of(new VectorStore.RecordTrim(STREAM, "r1", 1)));

        assertThatThrownBy(() -> store.updateOwnFields(
                        STREAM, List.of(points.get(0).id(), points.get(1).id()), Map.of(ChunkFields.GENERATION_ID, 2L)))
                .isInstanceOf(TransientException.class)
                .hasMessageContaining("deleted since");
        assertThat(readAll(index))
                .extracting(StoredChunk::id)
                .containsExactly(points.get(0).id());
    }

    @Test
    void should_look_up_a_record_with_more_chunks_than_one_search_answers() {
        String index = newCollection();
        VectorStore store = newStore(index, "cosine");
        store.prepare(3);
        int count = OpenSearchVectorStore.LOOKUP_PAGE + 7;
        store.upsert(LookupContract.hashedRecord(STREAM, "long", count));
        store.upsert(LookupContract.hashedRecord(STREAM, "short", 2));

        Map<String, List<KnownChunk>> known = store.lookup(STREAM, List.of("long", "short"));

        assertThat(known.get("long")).hasSize(count);
        assertThat(known.get("long").stream().map(KnownChunk::chunkIndex).distinct())
                .hasSize(count);
        assertThat(known.get("short")).hasSize(2);
    }

    /**
     * One record stored three times over under other ids (an append stream that re-sent a key, then
     * switched to dedup), read in pages of 4: chunk indexes repeat across every page boundary, so pages
     * ordered by chunk index alone would skip or repeat chunks. Every copy is found, each once.
     */
    @Test
    void should_look_up_every_copy_of_a_record_whose_chunk_indexes_repeat_across_pages() throws IOException {
        String index = newCollection();
        OpenSearchVectorStore store = (OpenSearchVectorStore) newStore(index, "cosine");
        store.lookupPage(4);
        store.prepare(3);
        List<ChunkPoint> copies = new ArrayList<>();
        for (int copy = 0; copy < 3; copy++) {
            for (ChunkPoint point : LookupContract.hashedRecord(STREAM, "dup", 5)) {
                copies.add(new ChunkPoint(PointIds.random(), point.vector(), point.document(), point.metadata()));
            }
        }
        store.upsert(copies);
        store.upsert(LookupContract.hashedRecord(STREAM, "other", 2));

        Map<String, List<KnownChunk>> known = store.lookup(STREAM, List.of("dup", "other"));

        assertThat(known.get("dup"))
                .extracting(KnownChunk::id)
                .containsExactlyInAnyOrderElementsOf(
                        copies.stream().map(ChunkPoint::id).toList());
        assertThat(known.get("other")).hasSize(2);
        assertThat(openScrolls()).as("scrolls left open").isZero();
    }

    /**
     * What OpenSearchVectorStoreTest stands in with for the next page of a scroll the engine no longer holds;
     * {@link #should_answer_the_next_page_of_a_freed_scroll_with_404_search_context_missing} checks the real
     * node's answer has its status and root cause.
     */
    static final String LOST_SCROLL_ANSWER =
            "{\"error\":{\"root_cause\":[{\"type\":\"search_context_missing_exception\","
                    + "\"reason\":\"No search context found for id [1]\"}],\"type\":\"search_phase_execution_exception\","
                    + "\"reason\":\"all shards failed\",\"phase\":\"query\",\"grouped\":true},\"status\":404}";

    @Test
    void should_answer_the_next_page_of_a_freed_scroll_with_404_search_context_missing() throws IOException {
        String index = newCollection();
        VectorStore store = newStore(index, "cosine");
        store.prepare(3);
        store.upsert(LookupContract.hashedRecord(STREAM, "r1", 3));
        HttpResponse<String> first = inspector().send("POST", "/" + index + "/_search?scroll=1m", "{\"size\":1}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        String scrollId = Json.MAPPER.readTree(first.body()).path("_scroll_id").asText();
        String scroll = Json.MAPPER.writeValueAsString(Map.of("scroll_id", scrollId));
        HttpResponse<String> freed = inspector().send("DELETE", "/_search/scroll", scroll);
        assertThat(freed.statusCode()).as(freed.body()).isEqualTo(200);

        HttpResponse<String> next = inspector()
                .send(
                        "POST",
                        "/_search/scroll",
                        Json.MAPPER.writeValueAsString(Map.of("scroll", "1m", "scroll_id", scrollId)));

        JsonNode real = Json.MAPPER.readTree(next.body());
        JsonNode standIn = Json.MAPPER.readTree(LOST_SCROLL_ANSWER);
        assertThat(next.statusCode()).as(next.body()).isEqualTo(404);
        assertThat(real.path("status").asInt()).isEqualTo(standIn.path("status").asInt());
        assertThat(real.at("/error/root_cause/0/type").asText())
                .isEqualTo(standIn.at("/error/root_cause/0/type").asText());
    }

    /** The scroll contexts open on the node now ({@code _nodes/stats}). */
    long openScrolls() throws IOException {
        HttpResponse<String> stats = inspector().send("GET", "/_nodes/stats/indices/search", null);
        assertThat(stats.statusCode()).as(stats.body()).isEqualTo(200);
        long open = 0;
        for (JsonNode node : Json.MAPPER.readTree(stats.body()).path("nodes")) {
            open += node.path("indices").path("search").path("scroll_current").asLong();
        }
        return open;
    }

    /** {@code GET /{index}} of an index vectorsink created: 3 dimensions, cosinesimil. */
    static String indexDescription(String index, int dimension, String spaceType) {
        return "{\"" + index + "\":{\"aliases\":{},\"mappings\":{\"properties\":{"
                + "\"vector_field\":{\"type\":\"knn_vector\",\"dimension\":" + dimension
                + ",\"method\":{\"engine\":\"lucene\",\"space_type\":\"" + spaceType
                + "\",\"name\":\"hnsw\",\"parameters\":{}}},"
                + "\"text\":{\"type\":\"text\"},"
                + "\"metadata\":{\"properties\":{\"_ab_stream\":{\"type\":\"keyword\"}}}}},"
                + "\"settings\":{\"index\":{\"knn\":\"true\",\"number_of_shards\":\"1\"}}}}";
    }

    static final String ROOT = "{\"name\":\"node-1\",\"cluster_name\":\"c\",\"version\":{\"distribution\":"
            + "\"opensearch\",\"number\":\"2.19.1\"},\"tagline\":\"The OpenSearch Project: https://opensearch.org/\"}";

    @Override
    public void stubHealthyEmptyCollection(WireMockServer server, String collection) {
        server.stubFor(get("/").willReturn(okJson(ROOT)));
        server.stubFor(get("/" + collection).willReturn(okJson(indexDescription(collection, 3, "cosinesimil"))));
        server.stubFor(put("/" + collection + "/_mapping").willReturn(okJson("{\"acknowledged\":true}")));
        server.stubFor(upsertStub(collection).willReturn(aResponse().withTransformers(UPSERT_ANSWERS)));
        server.stubFor(post(urlPathEqualTo("/" + collection + "/_delete_by_query"))
                .willReturn(okJson("{\"took\":1,\"timed_out\":false,\"total\":0,\"deleted\":0,\"batches\":0,"
                        + "\"version_conflicts\":0,\"noops\":0,\"failures\":[]}")));
    }

    @Override
    public MappingBuilder upsertStub(String collection) {
        return post(urlPathEqualTo("/" + collection + "/_bulk"));
    }

    @Override
    public RequestPatternBuilder upsertRequests(String collection) {
        return postRequestedFor(urlPathEqualTo("/" + collection + "/_bulk"));
    }

    @Override
    public int pointsIn(LoggedRequest upsert) {
        return actionIds(upsert.getBodyAsString()).size();
    }

    @Override
    public int maxPointsPerUpsert() {
        return OpenSearchVectorStore.MAX_DOCUMENTS_PER_BULK;
    }

    @Override
    public long maxUpsertBytes() {
        return OpenSearchVectorStore.MAX_BULK_BYTES;
    }

    @Override
    public String successfulUpsertAnswer(String requestBody) {
        return bulkAnswer(actionIds(requestBody), -1);
    }

    @Override
    public Optional<String> unconfirmedUpsertAnswer(String requestBody) {
        // HTTP 200 with "errors": true and one item refused, as OpenSearch answers a mapping conflict.
        return Optional.of(bulkAnswer(actionIds(requestBody), 0));
    }

    /** The ids of the action lines of a bulk body (every other line). */
    static List<String> actionIds(String body) {
        List<String> ids = new ArrayList<>();
        String[] lines = body.split("\n");
        try {
            for (int i = 0; i < lines.length; i += 2) {
                if (!lines[i].isBlank()) {
                    ids.add(Json.MAPPER
                            .readTree(lines[i])
                            .path("index")
                            .path("_id")
                            .asText());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ids;
    }

    /** A bulk answer as OpenSearch documents it; the item at {@code failed} (if >= 0) is refused with 400. */
    static String bulkAnswer(List<String> ids, int failed) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        answer.put("took", 3);
        answer.put("errors", failed >= 0);
        ArrayNode items = answer.putArray("items");
        for (int i = 0; i < ids.size(); i++) {
            ObjectNode item = items.addObject().putObject("index");
            item.put("_index", "docs");
            item.put("_id", ids.get(i));
            if (i == failed) {
                item.put("status", 400);
                ObjectNode error = item.putObject("error");
                error.put("type", "mapper_parsing_exception");
                error.put(
                        "reason",
                        "failed to parse field [metadata.price] of type [long] in document with id '" + ids.get(i)
                                + "'. Preview of field's value: 'secret content'");
            } else {
                item.put("_version", 1);
                item.put("result", "created");
                item.put("status", 201);
                item.putObject("_shards").put("total", 2).put("successful", 1).put("failed", 0);
            }
        }
        return answer.toString();
    }

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
