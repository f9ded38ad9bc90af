package io.vectorsink.store.weaviate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.config.IndexingConfig.WeaviateLayout;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.Secrets;
import io.vectorsink.error.TransientException;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkPoint;
import io.vectorsink.store.PointIds;
import io.vectorsink.store.QueryHit;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.StoredChunk;
import io.vectorsink.store.VectorStore;
import io.vectorsink.store.VectorStore.RecordTrim;
import io.vectorsink.store.VectorStoreContract;
import io.vectorsink.testing.FakeRetryTiming;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What only Weaviate does: classes per stream, consistency levels, headers, per-object errors, capped deletes. */
class WeaviateVectorStoreTest {
    private static final StreamId DOCS = StreamId.of("docs");
    private static final StreamId USERS = new StreamId("public", "users");

    @AfterEach
    void forgetSecrets() {
        Secrets.clear();
    }

    @AfterEach
    void exchangesMatchWeaviatesApiDefinition() {
        WeaviateContractTest.API.assertAllValid();
    }

    @AfterAll
    static void countExchanges() {
        System.out.println(WeaviateContractTest.API.summary());
    }

    /** Runs {@code test} against a fresh {@link WeaviateFake} behind WireMock. */
    private static void withFake(
            String apiKey, int queryMaximumResults, BiConsumer<WeaviateFake, WireMockServer> test) {
        WeaviateFake fake = new WeaviateFake(apiKey, queryMaximumResults);
        WireMockServer server = new WireMockServer(
                wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(fake, WeaviateContractTest.API));
        server.start();
        try {
            server.stubFor(any(anyUrl()).willReturn(aResponse()));
            test.accept(fake, server);
        } finally {
            server.stop();
        }
    }

    private static WeaviateVectorStore store(
            String url,
            WeaviateLayout layout,
            String level,
            IndexingConfig.WeaviateAuth auth,
            Map<String, String> headers) {
        return WeaviateContractTest.store(
                new IndexingConfig.Weaviate(url, layout, "cosine", level, auth, headers),
                new FakeRetryTiming().timing());
    }

    private static WeaviateVectorStore single(String url, String className) {
        return store(url, new WeaviateLayout.SingleClass(className), null, null, null);
    }

    private static ChunkPoint chunk(StreamId stream, String record, int index, String sync, float... vector) {
        return VectorStoreContract.chunk(stream, record, index, 1, sync, vector);
    }

    private static ChunkPoint withMetadata(ChunkPoint base, Map<String, Object> extra) {
        Map<String, Object> metadata = new LinkedHashMap<>(base.metadata());
        metadata.putAll(extra);
        return new ChunkPoint(base.id(), base.vector(), base.document(), metadata);
    }

    @Test
    void should_create_the_class_with_vectorizer_none_its_distance_and_exact_match_properties() {
        withFake(null, 10_000, (fake, server) -> {
            VectorStore store = store(server.baseUrl(), new WeaviateLayout.SingleClass("Docs"), null, null, null);
            store.check(3);
            assertThat(fake.exists("Docs")).as("check creates nothing").isFalse();

            store.prepare(3);

            assertThat(fake.property("Docs", "_ab_record_id").toString())
                    .contains("\"dataType\":[\"text\"]", "\"tokenization\":\"field\"", "\"indexFilterable\":true");
            assertThat(fake.property("Docs", "_ab_chunk_index")
                            .path("dataType")
                            .path(0)
                            .asText())
                    .isEqualTo("int");
            List<LoggedRequest> creates = server.findAll(postRequestedFor(urlPathEqualTo("/v1/schema")));
            assertThat(creates).singleElement().satisfies(r -> assertThat(r.getBodyAsString())
                    .contains("\"vectorizer\":\"none\"", "\"distance\":\"cosine\"", "\"indexPropertyLength\":true"));
        });
    }

    @Test
    void should_declare_the_connectors_properties_on_the_first_write_when_a_delete_met_the_class_first() {
        withFake(null, 10_000, (fake, server) -> {
            fake.partialVectorsinkClass("Vs_docs", "_ab_stream", "_ab_namespace");
            VectorStore store = store(server.baseUrl(), new WeaviateLayout.ClassPerStream("Vs_"), null, null, null);
            store.prepare(3);
            store.deleteChunks(List.of(new RecordTrim(DOCS, "d1", 0))); // reads the class, declares nothing

            store.upsert(List.of(chunk(DOCS, "d1", 0, "s", 0, 1, 0)));

            assertThat(fake.property("Vs_docs", "_ab_record_id").toString())
                    .contains("\"tokenization\":\"field\"", "\"indexFilterable\":true");
            assertThat(fake.property("Vs_docs", "text")).isNotNull();
            assertThat(fake.property("Vs_docs", "_ab_chunk_index")
                            .path("dataType")
                            .path(0)
                            .asText())
                    .isEqualTo("int");
            assertThat(fake.objects("Vs_docs"))
                    .extracting(StoredChunk::recordId)
                    .containsExactly("d1");
        });
    }

    @Test
    void should_put_each_stream_in_its_own_class_and_delete_and_query_there() {
        withFake(null, 10_000, (fake, server) -> {
            VectorStore store = store(server.baseUrl(), new WeaviateLayout.ClassPerStream("Vs_"), null, null, null);
            store.prepare(3);
            store.upsert(List.of(
                    chunk(DOCS, "d1", 0, "old", 1, 0, 0),
                    chunk(DOCS, "d2", 0, "new", 0, 1, 0),
                    chunk(USERS, "u1", 0, "old", 0, 0, 1),
                    chunk(USERS, "u1", 1, "old", 0, 1, 1)));

            store.deleteStale(DOCS, new StaleFilter.OtherSync("new"));
            store.deleteChunks(List.of(new RecordTrim(USERS, "u1", 1)));

            assertThat(fake.classNames()).containsExactlyInAnyOrder("Vs_docs", "Vs_public_users");
            assertThat(fake.objects("Vs_docs"))
                    .extracting(StoredChunk::recordId)
                    .containsExactly("d2");
            assertThat(fake.objects("Vs_public_users"))
                    .extracting(StoredChunk::chunkIndex)
                    .containsExactly(0L);
            assertThat(store.query(new float[] {0, 0, 1}, 5, USERS))
                    .extracting(QueryHit::id)
                    .containsExactly(PointIds.forChunk("u1", 0));
            assertThat(store.query(new float[] {0, 0.1f, 1}, 5, null))
                    .extracting(QueryHit::id)
                    .containsExactly(PointIds.forChunk("u1", 0), PointIds.forChunk("d2", 0));
        });
    }

    @Test
    void should_query_every_vectorsink_class_of_the_layout_when_no_stream_is_given() {
        withFake(null, 10_000, (fake, server) -> {
            VectorStore writer = store(server.baseUrl(), new WeaviateLayout.ClassPerStream("Vs_"), null, null, null);
            writer.prepare(3);
            writer.upsert(List.of(chunk(DOCS, "d1", 0, "s", 1, 0, 0), chunk(USERS, "u1", 0, "s", 0, 1, 0)));
            VectorStore elsewhere = single(server.baseUrl(), "Other");
            elsewhere.prepare(3);
            elsewhere.upsert(List.of(chunk(DOCS, "o1", 0, "s", 1, 0, 0)));
            fake.userClass("Vs_notes", "title"); // has the prefix, but is not vectorsink's

            // A store of another process: it has written nothing, so it knows the classes only from Weaviate.
            VectorStore reader = store(server.baseUrl(), new WeaviateLayout.ClassPerStream("Vs_"), null, null, null);
            reader.prepare(3);

            assertThat(reader.query(new float[] {0.9f, 0.1f, 0}, 5, null))
                    .extracting(QueryHit::id)
                    .containsExactly(PointIds.forChunk("d1", 0), PointIds.forChunk("u1", 0));
            assertThat(server.findAll(postRequestedFor(urlPathEqualTo("/v1/graphql"))))
                    .extracting(LoggedRequest::getBodyAsString)
                    .noneMatch(body -> body.contains("Vs_notes") || body.contains("Other"));
            assertThat(server.findAll(getRequestedFor(urlPathEqualTo("/v1/schema"))))
                    .isNotEmpty();
        });
    }

    @Test
    void should_delete_nothing_for_a_stream_whose_class_does_not_exist() {
        withFake(null, 10_000, (fake, server) -> {
            VectorStore store = store(server.baseUrl(), new WeaviateLayout.ClassPerStream(""), null, null, null);
            store.prepare(3);

            store.deleteStale(DOCS, new StaleFilter.OlderGeneration(3));
            store.deleteChunks(List.of(new RecordTrim(DOCS, "d1", 0)));

            assertThat(fake.classNames()).isEmpty();
            server.verify(0, deleteRequestedFor(anyUrl()));
        });
    }

    @Test
    void should_refuse_two_streams_that_map_to_one_class_naming_both() {
        withFake(null, 10_000, (fake, server) -> {
            VectorStore store = store(server.baseUrl(), new WeaviateLayout.ClassPerStream("Vs_"), null, null, null);
            store.prepare(3);
            store.upsert(List.of(chunk(StreamId.of("a-b"), "r1", 0, "s", 1, 0, 0)));

            assertThatThrownBy(() -> store.upsert(List.of(chunk(StreamId.of("a_b"), "r2", 0, "s", 1, 0, 0))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("a-b")
                    .hasMessageContaining("a_b")
                    .hasMessageContaining("Vs_a_b");
        });
    }

    @Test
    void should_map_stream_names_to_weaviate_class_names() {
        WeaviateLayout.ClassPerStream none = new WeaviateLayout.ClassPerStream("");
        WeaviateLayout.ClassPerStream prefixed = new WeaviateLayout.ClassPerStream("Airbyte_");

        assertThat(WeaviateNames.classFor(none, StreamId.of("users"))).isEqualTo("Users");
        assertThat(WeaviateNames.classFor(prefixed, USERS)).isEqualTo("Airbyte_public_users");
        assertThat(WeaviateNames.classFor(prefixed, StreamId.of("order-items.v2")))
                .isEqualTo("Airbyte_order_items_v2");
        assertThat(WeaviateNames.classFor(prefixed, StreamId.of("1st"))).isEqualTo("Airbyte_1st");
        assertThatThrownBy(() -> WeaviateNames.classFor(none, StreamId.of("1st")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("1st")
                .hasMessageContaining("class_prefix");
    }

    @Test
    void should_name_metadata_properties_as_weaviate_accepts_them_without_collisions() {
        assertThat(WeaviateNames.property("author")).isEqualTo("author");
        assertThat(WeaviateNames.property("_ab_record_id")).isEqualTo("_ab_record_id");
        assertThat(WeaviateNames.property("author.name")).matches("author_name_[0-9a-f]{8}");
        assertThat(WeaviateNames.property("Title")).matches("title_[0-9a-f]{8}");
        assertThat(WeaviateNames.property("text")).matches("text_[0-9a-f]{8}");
        assertThat(WeaviateNames.property("id")).matches("id_[0-9a-f]{8}");
        assertThat(WeaviateNames.property("9lives")).matches("_9lives_[0-9a-f]{8}");
        assertThat(WeaviateNames.property("a-b")).isNotEqualTo(WeaviateNames.property("a.b"));
        assertThat(WeaviateNames.property("x".repeat(300))).hasSizeLessThanOrEqualTo(WeaviateNames.MAX_PROPERTY_NAME);
    }

    @Test
    void should_store_renamed_properties_and_record_values_of_another_type_as_nulled() {
        withFake(null, 10_000, (fake, server) -> {
            VectorStore store = single(server.baseUrl(), "Docs");
            store.prepare(3);
            store.upsert(List.of(withMetadata(
                    chunk(DOCS, "r1", 0, "s", 1, 0, 0),
                    Map.of("count", 5L, "label", "x", "author.name", "ann", "text", "whole record"))));

            store.upsert(List.of(withMetadata(
                    chunk(DOCS, "r2", 0, "s", 0, 1, 0), Map.of("count", "many", "label", 7L, "ratio", 2.0))));

            Map<String, StoredChunk> byRecord = new LinkedHashMap<>();
            fake.objects("Docs").forEach(c -> byRecord.put(c.recordId(), c));
            assertThat(byRecord.get("r1").document()).isEqualTo("r1 chunk 0");
            assertThat(byRecord.get("r1").metadata())
                    .containsEntry("count", 5L)
                    .containsEntry(WeaviateNames.property("author.name"), "ann")
                    .containsEntry(WeaviateNames.property("text"), "whole record")
                    .doesNotContainKey("_airbyte_meta");
            Map<String, Object> second = byRecord.get("r2").metadata();
            assertThat(second)
                    .doesNotContainKey("count")
                    .containsEntry("label", "7")
                    .containsEntry("ratio", 2.0);
            assertThat(second.get("_airbyte_meta").toString())
                    .isEqualTo("{\"changes\":[{\"field\":\"count\",\"change\":\"NULLED\","
                            + "\"reason\":\"DESTINATION_SERIALIZATION_ERROR\"}]}");
            assertThat(fake.property("Docs", "count").path("dataType").path(0).asText())
                    .isEqualTo("int");
        });
    }

    /**
     * Weaviate compares property names without case and refuses a second name that differs from one the
     * class has only in case. Keys that are valid names as they are ({@code fieldName}, {@code fieldname},
     * {@code _AB_stream} beside the connector's {@code _ab_stream}, {@code tExt} beside the text property)
     * used to fail the sync; the first keeps its name, the others get a name of their own, in one batch and
     * across batches, and every value is stored.
     */
    @Test
    void should_store_keys_that_differ_only_in_case_under_names_weaviate_tells_apart() {
        withFake(null, 10_000, (fake, server) -> {
            VectorStore store = single(server.baseUrl(), "Docs");
            store.prepare(3);
            Map<String, Object> first = new LinkedHashMap<>();
            first.put("fieldName", "A");
            first.put("fieldname", "B");
            first.put("_AB_stream", "C");
            first.put("tExt", "D");
            store.upsert(List.of(withMetadata(chunk(DOCS, "r1", 0, "s", 1, 0, 0), first)));
            store.upsert(List.of(
                    withMetadata(chunk(DOCS, "r2", 0, "s", 0, 1, 0), Map.of("FIELDNAME", "E", "fieldname", "F"))));

            Map<String, StoredChunk> byRecord = new LinkedHashMap<>();
            fake.objects("Docs").forEach(c -> byRecord.put(c.recordId(), c));
            assertThat(byRecord.get("r1").metadata())
                    .containsEntry("fieldName", "A")
                    .containsEntry("_ab_stream", "docs")
                    .doesNotContainKey("_airbyte_meta");
            assertThat(byRecord.get("r1").metadata().values()).contains("A", "B", "C", "D");
            assertThat(byRecord.get("r1").document()).isEqualTo("r1 chunk 0");
            assertThat(byRecord.get("r2").metadata().values()).contains("E", "F");
            assertThat(byRecord.get("r2").metadata()).doesNotContainKey("_airbyte_meta");
            assertThat(fake.propertyNames("Docs").stream().map(name -> name.toLowerCase(java.util.Locale.ROOT)))
                    .doesNotHaveDuplicates();
        });
    }

    @Test
    void should_declare_a_list_of_strings_as_text_array_and_fit_later_values_to_the_declared_types() {
        withFake(null, 10_000, (fake, server) -> {
            VectorStore store = single(server.baseUrl(), "Docs");
            store.prepare(3);
            store.upsert(List.of(withMetadata(
                    chunk(DOCS, "r1", 0, "s", 1, 0, 0), Map.of("tags", List.of("space", "moon"), "legacy", "[]"))));

            store.upsert(List.of(withMetadata(
                    chunk(DOCS, "r2", 0, "s", 0, 1, 0), Map.of("tags", "space", "legacy", List.of("a", "b")))));

            assertThat(fake.property("Docs", "tags").path("dataType").path(0).asText())
                    .isEqualTo("text[]");
            assertThat(fake.property("Docs", "tags").path("tokenization").asText())
                    .isEqualTo("field");
            Map<String, StoredChunk> byRecord = new LinkedHashMap<>();
            fake.objects("Docs").forEach(c -> byRecord.put(c.recordId(), c));
            assertThat(byRecord.get("r1").metadata()).containsEntry("tags", List.of("space", "moon"));
            // A list where an older version declared text: its JSON text, lossless. A string where a list is
            // declared: left out, and recorded.
            Map<String, Object> second = byRecord.get("r2").metadata();
            assertThat(second).doesNotContainKey("tags").containsEntry("legacy", "[\"a\",\"b\"]");
            assertThat(second.get("_airbyte_meta").toString())
                    .isEqualTo("{\"changes\":[{\"field\":\"tags\",\"change\":\"NULLED\","
                            + "\"reason\":\"DESTINATION_SERIALIZATION_ERROR\"}]}");
        });
    }

    /** A primary-key value that its property cannot hold is never left out: the write fails naming the field. */
    @Test
    void should_fail_rather_than_leave_out_a_primary_key_value_its_property_cannot_hold() {
        withFake(null, 10_000, (fake, server) -> {
            VectorStore store = single(server.baseUrl(), "Docs");
            store.prepare(3);
            store.upsert(List.of(withMetadata(chunk(DOCS, "r1", 0, "s", 1, 0, 0), Map.of("tags", List.of("a")))));
            ChunkPoint keyed = withMetadata(chunk(DOCS, "r2", 0, "s", 0, 1, 0), Map.of("tags", "a"));
            ChunkPoint point = new ChunkPoint(
                    keyed.id(), keyed.vector(), keyed.document(), keyed.metadata(), java.util.Set.of("tags"));

            assertThatThrownBy(() -> store.upsert(List.of(point)))
                    .isInstanceOf(io.vectorsink.error.ConfigException.class)
                    .hasMessageContaining("primary key field 'tags'")
                    .hasMessageContaining("text[]");
            assertThat(fake.objects("Docs")).extracting(StoredChunk::recordId).containsExactly("r1");
        });
    }

    @Test
    void should_send_the_consistency_level_on_every_write_and_delete() {
        withFake(null, 10_000, (fake, server) -> {
            VectorStore store = store(server.baseUrl(), new WeaviateLayout.SingleClass("Docs"), "ONE", null, null);
            store.prepare(3);

            store.upsert(List.of(chunk(DOCS, "r1", 0, "s", 1, 0, 0)));
            store.deleteChunks(List.of(new RecordTrim(DOCS, "r1", 0)));
            store.deleteStale(DOCS, new StaleFilter.OlderGeneration(2));

            List<LoggedRequest> writes = new ArrayList<>();
            writes.addAll(server.findAll(postRequestedFor(urlPathEqualTo("/v1/batch/objects"))));
            writes.addAll(server.findAll(deleteRequestedFor(urlPathEqualTo("/v1/batch/objects"))));
            assertThat(writes).hasSize(3).allSatisfy(r -> assertThat(
                            r.queryParameter("consistency_level").firstValue())
                    .isEqualTo("ONE"));
        });
    }

    @Test
    void should_send_auth_and_extra_headers_on_every_request_and_never_show_their_values() {
        withFake("wv-key-1", 10_000, (fake, server) -> {
            Map<String, String> headers = Map.of("X-OpenAI-Api-Key", "sk-openai-secret");
            VectorStore store = store(
                    server.baseUrl(),
                    new WeaviateLayout.SingleClass("Docs"),
                    null,
                    new IndexingConfig.WeaviateAuth.ApiKey("wv-key-1"),
                    headers);
            store.check(3);
            store.prepare(3);
            store.upsert(List.of(chunk(DOCS, "r1", 0, "s", 1, 0, 0)));
            store.query(new float[] {1, 0, 0}, 1, DOCS);

            assertThat(server.findAll(anyRequestedFor(anyUrl()))).allSatisfy(r -> {
                assertThat(r.getHeader("Authorization")).isEqualTo("Bearer wv-key-1");
                assertThat(r.getHeader("X-OpenAI-Api-Key")).isEqualTo("sk-openai-secret");
            });
            VectorStore refused = store(
                    server.baseUrl(),
                    new WeaviateLayout.SingleClass("Docs"),
                    null,
                    new IndexingConfig.WeaviateAuth.ApiKey("wrong-key"),
                    headers);
            assertThatThrownBy(() -> refused.check(3))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("401")
                    .satisfies(e -> assertThat(e.getMessage())
                            .doesNotContain("sk-openai-secret")
                            .doesNotContain("wrong-key"));
            assertThat(Secrets.redact("header sk-openai-secret")).doesNotContain("sk-openai-secret");
        });
    }

    @Test
    void should_not_acknowledge_a_batch_when_one_object_reports_errors() {
        withFake(null, 10_000, (fake, server) -> {
            VectorStore store = single(server.baseUrl(), "Docs");
            store.prepare(3);
            ChunkPoint failing = chunk(DOCS, "r2", 0, "s", 0, 1, 0);
            fake.failObject(failing.id(), "store is read-only");

            assertThatThrownBy(() -> store.upsert(List.of(chunk(DOCS, "r1", 0, "s", 1, 0, 0), failing)))
                    .isInstanceOf(TransientException.class)
                    .hasMessageContaining("not acknowledged");
        });
    }

    @Test
    void should_send_again_only_the_objects_that_failed_transiently() {
        withFake(null, 10_000, (fake, server) -> {
            FakeRetryTiming clock = new FakeRetryTiming();
            VectorStore store = WeaviateContractTest.store(
                    new IndexingConfig.Weaviate(
                            server.baseUrl(), new WeaviateLayout.SingleClass("Docs"), null, null, null, null),
                    clock.timing());
            store.prepare(3);
            ChunkPoint flaky = chunk(DOCS, "r2", 0, "s", 0, 1, 0);
            fake.failObject(flaky.id(), "store is read-only", 1);

            store.upsert(List.of(chunk(DOCS, "r1", 0, "s", 1, 0, 0), flaky));

            assertThat(fake.objects("Docs")).hasSize(2);
            List<LoggedRequest> batches = server.findAll(postRequestedFor(urlPathEqualTo("/v1/batch/objects")));
            assertThat(batches).hasSize(2);
            assertThat(batches.get(1).getBodyAsString())
                    .contains(flaky.id())
                    .doesNotContain(PointIds.forChunk("r1", 0));
            assertThat(clock.sleeps()).hasSize(1);
        });
    }

    @Test
    void should_fail_with_a_config_error_naming_the_property_but_not_the_value_on_a_schema_error() {
        withFake(null, 10_000, (fake, server) -> {
            VectorStore store = single(server.baseUrl(), "Docs");
            store.prepare(3);
            ChunkPoint point = chunk(DOCS, "r1", 0, "s", 1, 0, 0);
            fake.failObject(
                    point.id(),
                    "invalid text property 'title' on class 'Docs': not a string, but float64 'secret content'");

            assertThatThrownBy(() -> store.upsert(List.of(point)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("title")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret content"));
        });
    }

    @Test
    void should_retry_a_shard_failure_that_names_its_class_and_fail_on_a_schema_error_of_a_later_object() {
        withFake(null, 10_000, (fake, server) -> {
            FakeRetryTiming clock = new FakeRetryTiming();
            VectorStore store = WeaviateContractTest.store(
                    new IndexingConfig.Weaviate(
                            server.baseUrl(), new WeaviateLayout.SingleClass("Docs"), null, null, null, null),
                    clock.timing());
            store.prepare(3);
            ChunkPoint busy = chunk(DOCS, "r1", 0, "s", 1, 0, 0);
            fake.failObject(
                    busy.id(), "put object: shard Docs_x1 of class Docs is not ready: replication timed out", 1);

            store.upsert(List.of(busy));
            assertThat(fake.objects("Docs")).hasSize(1);
            assertThat(clock.sleeps()).hasSize(1);

            ChunkPoint fine = chunk(DOCS, "r2", 0, "s", 1, 0, 0);
            ChunkPoint mistyped = chunk(DOCS, "r3", 0, "s", 1, 0, 0);
            fake.failObject(fine.id(), "put object: shard Docs_x1 of class Docs is not ready", 1);
            fake.failObject(mistyped.id(), "no such prop with name 'colour' found in class 'Docs'");
            assertThatThrownBy(() -> store.upsert(List.of(fine, mistyped)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("colour");
        });
    }

    @Test
    void should_fail_with_a_config_error_when_objects_have_another_dimension() {
        withFake(null, 10_000, (fake, server) -> {
            VectorStore writer = single(server.baseUrl(), "Docs");
            writer.prepare(3);
            writer.upsert(List.of(chunk(DOCS, "r1", 0, "s", 1, 0, 0)));
            // A second writer that skipped check: its vectors are refused object by object.
            VectorStore other = single(server.baseUrl(), "Docs");
            other.prepare(3);

            assertThatThrownBy(() -> other.upsert(List.of(chunk(DOCS, "r2", 0, "s", 1, 0, 0, 0))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("dimension");
        });
    }

    @Test
    void should_repeat_a_delete_until_fewer_objects_than_the_server_cap_match() {
        withFake(null, 3, (fake, server) -> {
            VectorStore store = single(server.baseUrl(), "Docs");
            store.prepare(3);
            List<ChunkPoint> points = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                points.add(chunk(DOCS, "r" + i, 0, "old", 1, i, 0));
            }
            points.add(chunk(DOCS, "kept", 0, "new", 0, 0, 1));
            store.upsert(points);

            store.deleteStale(DOCS, new StaleFilter.OtherSync("new"));

            assertThat(fake.objects("Docs")).extracting(StoredChunk::recordId).containsExactly("kept");
            // 3 + 3 + 3 + 1: the last call matched fewer than the cap.
            server.verify(4, deleteRequestedFor(urlPathEqualTo("/v1/batch/objects")));
        });
    }

    @Test
    void should_fail_a_delete_that_reports_failed_objects() {
        withFake(null, 10_000, (fake, server) -> {
            VectorStore store = single(server.baseUrl(), "Docs");
            store.prepare(3);
            store.upsert(List.of(chunk(DOCS, "r1", 0, "old", 1, 0, 0)));
            fake.failDeletes(true);

            assertThatThrownBy(() -> store.deleteStale(DOCS, new StaleFilter.OtherSync("new")))
                    .isInstanceOf(TransientException.class)
                    .hasMessageContaining("1 of 1");
        });
    }

    @Test
    void should_tell_apart_a_stream_without_namespace_from_a_namespaced_one_in_one_class() {
        withFake(null, 10_000, (fake, server) -> {
            VectorStore store = single(server.baseUrl(), "Docs");
            store.prepare(3);
            StreamId plain = StreamId.of("users");
            StreamId namespaced = new StreamId("public", "users");
            store.upsert(List.of(chunk(plain, "p", 0, "old", 1, 0, 0), chunk(namespaced, "n", 0, "old", 0, 1, 0)));

            store.deleteStale(plain, new StaleFilter.OtherSync("new"));

            assertThat(fake.objects("Docs")).extracting(StoredChunk::recordId).containsExactly("n");
            assertThat(store.query(new float[] {0, 1, 0}, 5, plain)).isEmpty();
        });
    }

    @Test
    void should_report_the_weaviate_distance_in_chromas_units() {
        withFake(null, 10_000, (fake, server) -> {
            VectorStore store = WeaviateContractTest.store(
                    new IndexingConfig.Weaviate(
                            server.baseUrl(), new WeaviateLayout.SingleClass("Dots"), "ip", null, null, null),
                    new FakeRetryTiming().timing());
            store.prepare(3);
            store.upsert(List.of(chunk(DOCS, "r1", 0, "s", 0.5f, 0, 0)));

            // dot = 0.5: Weaviate's dot distance is -0.5, Chroma's ip distance 1 - 0.5.
            assertThat(store.query(new float[] {1, 0, 0}, 1, DOCS))
                    .singleElement()
                    .satisfies(hit -> assertThat(hit.distance()).isEqualTo(0.5));
        });
    }

    @Test
    void should_fail_check_on_a_weaviate_older_than_1_21() {
        withFake(null, 10_000, (fake, server) -> {
            fake.version("1.20.5");

            assertThatThrownBy(() -> single(server.baseUrl(), "Docs").check(3))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("1.20.5")
                    .hasMessageContaining("1.21");
        });
    }

    @Test
    void should_fail_check_on_a_class_whose_filter_properties_are_not_exact_match() {
        WireMockServer server = new WireMockServer(
                wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(WeaviateContractTest.API));
        server.start();
        try {
            String definition = WeaviateContractTest.classDefinition("Docs", "cosine")
                    .replace("\"tokenization\":\"field\"", "\"tokenization\":\"word\"");
            server.stubFor(get("/v1/meta").willReturn(okJson(WeaviateContractTest.META)));
            server.stubFor(get("/v1/schema/Docs").willReturn(okJson(definition)));
            server.stubFor(get(urlPathEqualTo("/v1/objects")).willReturn(okJson("{\"objects\":[]}")));

            assertThatThrownBy(() -> single(server.baseUrl(), "Docs").check(3))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("_ab_record_id")
                    .hasMessageContaining("field tokenization");
        } finally {
            server.stop();
        }
    }

    @Test
    void should_fail_check_on_a_class_with_multi_tenancy_or_without_property_lengths() {
        WireMockServer server = new WireMockServer(
                wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(WeaviateContractTest.API));
        server.start();
        try {
            String definition = WeaviateContractTest.classDefinition("Docs", "cosine")
                    .replace("\"indexPropertyLength\":true", "\"indexPropertyLength\":false")
                    .replaceFirst("\\{", "{\"multiTenancyConfig\":{\"enabled\":true},");
            server.stubFor(get("/v1/meta").willReturn(okJson(WeaviateContractTest.META)));
            server.stubFor(get("/v1/schema/Docs").willReturn(okJson(definition)));
            server.stubFor(get(urlPathEqualTo("/v1/objects")).willReturn(okJson("{\"objects\":[]}")));

            assertThatThrownBy(() -> single(server.baseUrl(), "Docs").check(3))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("multi-tenancy")
                    .hasMessageContaining("indexPropertyLength");
        } finally {
            server.stop();
        }
    }

    @Test
    void should_check_the_existing_classes_of_a_per_stream_layout() {
        withFake(null, 10_000, (fake, server) -> {
            VectorStore l2 = WeaviateContractTest.store(
                    new IndexingConfig.Weaviate(
                            server.baseUrl(), new WeaviateLayout.ClassPerStream("Vs_"), "l2", null, null, null),
                    new FakeRetryTiming().timing());
            l2.prepare(3);
            l2.upsert(List.of(chunk(DOCS, "r1", 0, "s", 1, 0, 0)));

            VectorStore cosine = store(server.baseUrl(), new WeaviateLayout.ClassPerStream("Vs_"), null, null, null);
            assertThatThrownBy(() -> cosine.check(3))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("Vs_docs")
                    .hasMessageContaining("distance_metric");
            assertThatThrownBy(() -> l2.check(4))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("3 dimensions")
                    .hasMessageContaining("4");
        });
    }
}
