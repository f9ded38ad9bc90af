package io.vectorsink.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.config.ProcessingConfig;
import io.vectorsink.config.TextSplitterConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.protocol.ConfiguredStream;
import io.vectorsink.protocol.InputMessage;
import io.vectorsink.protocol.Json;
import io.vectorsink.protocol.SourceJson;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.MetadataRules;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordMapperTest {
    private static final ConfiguredStream STREAM = new ConfiguredStream(
            StreamId.of("docs"),
            ConfiguredStream.DestinationSyncMode.APPEND_DEDUP,
            List.of(List.of("id")),
            1,
            0,
            true,
            "9",
            true);

    private static ProcessingConfig processing(
            List<String> text, List<String> metadata, List<ProcessingConfig.FieldMapping> renames) {
        return new ProcessingConfig(256, 0, text, metadata, renames, TextSplitterConfig.Separator.defaults());
    }

    private static InputMessage.Record record(String data) throws Exception {
        // As MessageReader reads it: numbers keep their literals.
        return new InputMessage.Record(4, StreamId.of("docs"), (ObjectNode) SourceJson.read(data), 1000, null);
    }

    @Test
    void should_render_text_fields_as_path_value_lines_and_keep_metadata_types() throws Exception {
        var mapper = new RecordMapper(
                processing(List.of("title", "body"), List.of("id", "author.name", "score", "ok"), List.of()),
                MetadataRules.unlimited());
        MappedRecord mapped = mapper.map(
                record(
                        "{\"id\":7,\"title\":\"Hello\",\"body\":\"World\",\"author\":{\"name\":\"Ada\"},\"score\":1.5,\"ok\":true}"),
                STREAM);
        assertThat(mapped.text()).isEqualTo("title: Hello\nbody: World");
        assertThat(mapped.metadata())
                .containsExactly(
                        java.util.Map.entry("id", 7L),
                        java.util.Map.entry("author.name", "Ada"),
                        java.util.Map.entry("score", 1.5),
                        java.util.Map.entry("ok", true));
        assertThat(mapped.changes()).isEmpty();
    }

    @Test
    void should_use_all_fields_when_lists_are_empty_and_encode_nested_values_as_json() throws Exception {
        var mapper = new RecordMapper(processing(List.of(), List.of(), List.of()), MetadataRules.unlimited());
        MappedRecord mapped = mapper.map(record("{\"id\":1,\"tags\":[\"a\",\"b\"],\"n\":null}"), STREAM);
        assertThat(mapped.text()).isEqualTo("id: 1\ntags: [\"a\",\"b\"]");
        assertThat(mapped.metadata()).containsEntry("tags", "[\"a\",\"b\"]").doesNotContainKey("n");
    }

    @Test
    void should_fail_naming_stream_and_fields_but_not_content_when_no_text_field_is_present() throws Exception {
        var mapper = new RecordMapper(processing(List.of("body"), List.of(), List.of()), MetadataRules.unlimited());
        assertThatThrownBy(() -> mapper.map(record("{\"id\":1,\"title\":\"confidential\"}"), STREAM))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("docs")
                .hasMessageContaining("[body]")
                .hasMessageContaining("line 4")
                .hasMessageNotContaining("confidential");
    }

    @Test
    void should_truncate_oversized_values_on_a_code_point_and_record_the_change() throws Exception {
        var mapper = new RecordMapper(
                processing(List.of("t"), List.of("t", "id"), List.of()), new MetadataRules(5, 1 << 20));
        MappedRecord mapped = mapper.map(record("{\"id\":1,\"t\":\"abcd\uD83D\uDE00\"}"), STREAM);
        assertThat(mapped.metadata()).containsEntry("t", "abcd");
        assertThat(mapped.changes()).singleElement().satisfies(change -> {
            assertThat(change.get("field").asText()).isEqualTo("t");
            assertThat(change.get("change").asText()).isEqualTo("TRUNCATED");
            assertThat(change.get("reason").asText()).isEqualTo("DESTINATION_FIELD_SIZE_LIMITATION");
        });
    }

    @Test
    void should_never_truncate_a_primary_key_value_under_its_new_name_either() throws Exception {
        var mapper = new RecordMapper(
                processing(List.of("t"), List.of("key"), List.of(new ProcessingConfig.FieldMapping("id", "key"))),
                new MetadataRules(3, 1 << 20));
        assertThatThrownBy(() -> mapper.map(record("{\"id\":\"longer-key\",\"t\":\"x\"}"), STREAM))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("primary key");
    }

    @Test
    void should_never_truncate_a_primary_key_inside_a_renamed_object() throws Exception {
        ConfiguredStream nested = keyedBy(List.of(List.of("author", "id")));
        var mapper = new RecordMapper(
                processing(
                        List.of("t"),
                        List.of("writer.id"),
                        List.of(new ProcessingConfig.FieldMapping("author", "writer"))),
                new MetadataRules(3, 1 << 20));
        assertThatThrownBy(() -> mapper.map(record("{\"author\":{\"id\":\"longer-key\"},\"t\":\"x\"}"), nested))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("primary key");
    }

    /** Stores must know which values are keys, to never leave one out when fitting a chunk to their index. */
    @Test
    void should_name_the_metadata_keys_that_hold_primary_key_values_under_their_new_names() throws Exception {
        ConfiguredStream nested = keyedBy(List.of(List.of("author", "id"), List.of("n")));
        var mapper = new RecordMapper(
                processing(
                        List.of("t"),
                        List.of("writer.id", "t"),
                        List.of(new ProcessingConfig.FieldMapping("author", "writer"))),
                new MetadataRules(100, 1 << 20));

        MappedRecord mapped = mapper.map(record("{\"author\":{\"id\":7},\"n\":1,\"t\":\"x\"}"), nested);

        assertThat(mapped.metadata()).containsKeys("writer.id", "t").doesNotContainKey("n");
        assertThat(mapped.keyFields()).containsExactly("writer.id"); // n is a key, but not in the metadata
    }

    /** {@code STREAM} with other primary-key paths. */
    private static ConfiguredStream keyedBy(List<List<String>> primaryKey) {
        return new ConfiguredStream(
                STREAM.id(),
                STREAM.syncMode(),
                primaryKey,
                STREAM.generationId(),
                STREAM.minimumGenerationId(),
                STREAM.generationIdsPresent(),
                STREAM.syncId(),
                STREAM.syncIdSharedByAttempts());
    }

    @Test
    void should_never_truncate_a_primary_key_value() throws Exception {
        var mapper =
                new RecordMapper(processing(List.of("t"), List.of("id"), List.of()), new MetadataRules(3, 1 << 20));
        assertThatThrownBy(() -> mapper.map(record("{\"id\":\"longer-key\",\"t\":\"x\"}"), STREAM))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("primary key");
    }

    @Test
    void should_keep_upstream_changes_first_and_null_reserved_names() throws Exception {
        var mapper = new RecordMapper(processing(List.of("t"), List.of(), List.of()), MetadataRules.unlimited());
        var data = (ObjectNode) Json.MAPPER.readTree("{\"t\":\"x\",\"_ab_stream\":\"spoof\"}");
        var meta = Json.MAPPER.readTree(
                "{\"changes\":[{\"field\":\"u\",\"change\":\"NULLED\",\"reason\":\"SOURCE_SERIALIZATION_ERROR\"}]}");
        MappedRecord mapped = mapper.map(new InputMessage.Record(1, StreamId.of("docs"), data, 1, meta), STREAM);
        assertThat(mapped.metadata()).doesNotContainKey("_ab_stream");
        assertThat(mapped.changes()).extracting(c -> c.get("field").asText()).containsExactly("u", "_ab_stream");
        assertThat(RecordMapper.airbyteMeta(mapped.changes())).startsWith("{\"changes\":[{\"field\":\"u\"");
    }

    @Test
    void should_apply_field_name_mappings_before_selecting_fields() throws Exception {
        var mapper = new RecordMapper(
                processing(
                        List.of("content"),
                        List.of("id"),
                        List.of(new ProcessingConfig.FieldMapping("body", "content"))),
                MetadataRules.unlimited());
        assertThat(mapper.map(record("{\"id\":1,\"body\":\"text\"}"), STREAM).text())
                .isEqualTo("content: text");
    }

    @Test
    void should_rename_nested_fields_by_dot_path() throws Exception {
        var mapper = new RecordMapper(
                processing(
                        List.of(),
                        List.of(),
                        List.of(
                                new ProcessingConfig.FieldMapping("author.name", "author_name"),
                                new ProcessingConfig.FieldMapping("body", "content.text"))),
                MetadataRules.unlimited());
        MappedRecord mapped =
                mapper.map(record("{\"author\":{\"name\":\"Ada\",\"born\":1815},\"body\":\"hi\"}"), STREAM);
        assertThat(mapped.text()).isEqualTo("author: {\"born\":1815}\nauthor_name: Ada\ncontent: {\"text\":\"hi\"}");
        assertThat(mapper.map(record("{\"author\":{\"name\":\"Ada\"},\"body\":\"hi\"}"), STREAM)
                        .text())
                .isEqualTo("author_name: Ada\ncontent: {\"text\":\"hi\"}");
        assertThat(mapped.metadata()).containsEntry("author_name", "Ada").doesNotContainKey("body");
    }

    @Test
    void should_fail_naming_the_line_and_stream_when_a_rename_target_passes_through_a_value() throws Exception {
        var mapper = new RecordMapper(
                processing(List.of(), List.of(), List.of(new ProcessingConfig.FieldMapping("body", "title.text"))),
                MetadataRules.unlimited());
        assertThatThrownBy(() -> mapper.map(record("{\"title\":\"T\",\"body\":\"b\"}"), STREAM))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 4")
                .hasMessageContaining("docs")
                .hasMessageContaining("title.text");
    }

    @Test
    void should_keep_numbers_beyond_long_and_double_as_exact_text() throws Exception {
        var mapper = new RecordMapper(
                processing(List.of("t"), List.of("big", "huge"), List.of()), MetadataRules.unlimited());
        MappedRecord mapped =
                mapper.map(record("{\"t\":\"x\",\"big\":123456789012345678901234567890,\"huge\":1e400}"), STREAM);
        assertThat(mapped.metadata()).containsEntry("big", "123456789012345678901234567890");
        assertThat(mapped.metadata().get("huge")).isEqualTo("1e400");
    }

    @Test
    void should_render_numbers_in_text_and_json_text_as_the_source_wrote_them() throws Exception {
        var mapper = new RecordMapper(
                processing(List.of("n", "t", "z", "e", "o"), List.of(), List.of()), MetadataRules.unlimited());
        MappedRecord mapped = mapper.map(
                record("{\"n\":100.0,\"t\":1700000000.000,\"z\":-0.0,\"e\":1E2,\"o\":{\"x\":1.50,\"y\":[-0,2e-3]}}"),
                STREAM);
        assertThat(mapped.text())
                .isEqualTo("n: 100.0\nt: 1700000000.000\nz: -0.0\ne: 1E2\no: {\"x\":1.50,\"y\":[-0,2e-3]}");
        assertThat(mapped.metadata())
                .containsEntry("n", 100.0)
                .containsEntry("t", 1.7E9)
                .containsEntry("o", "{\"x\":1.50,\"y\":[-0,2e-3]}");
    }

    @Test
    void should_keep_a_decimal_as_text_when_a_double_would_round_it() throws Exception {
        var mapper = new RecordMapper(processing(List.of("t"), List.of(), List.of()), MetadataRules.unlimited());
        MappedRecord mapped = mapper.map(
                record("{\"t\":\"x\",\"precise\":0.1000000000000000000000001,\"plain\":0.1,\"e\":1e2,\"tiny\":1e-400}"),
                STREAM);
        assertThat(mapped.metadata())
                .containsEntry("precise", "0.1000000000000000000000001")
                .containsEntry("plain", 0.1)
                .containsEntry("e", 100.0)
                .containsEntry("tiny", "1e-400");
        assertThat(mapped.changes()).isEmpty();
    }

    @Test
    void should_replace_unpaired_surrogates_in_text_and_values_and_escape_them_in_json_text() throws Exception {
        var mapper = new RecordMapper(processing(List.of("t"), List.of(), List.of()), MetadataRules.unlimited());
        MappedRecord mapped =
                mapper.map(record("{\"t\":\"a\\ud800b\",\"m\":\"\\udc00\",\"o\":{\"k\":\"\\ud800\"}}"), STREAM);
        assertThat(mapped.text()).isEqualTo("t: a\uFFFDb");
        assertThat(mapped.metadata()).containsEntry("m", "\uFFFD").containsEntry("o", "{\"k\":\"\\ud800\"}");
    }

    @Test
    void should_name_line_and_stream_when_a_record_cannot_be_fitted() throws Exception {
        var tight = new RecordMapper(processing(List.of("t"), List.of("id"), List.of()), new MetadataRules(3, 1 << 20));
        assertThatThrownBy(() -> tight.map(record("{\"id\":\"private-key\",\"t\":\"x\"}"), STREAM))
                .hasMessageContaining("line 4")
                .hasMessageContaining("stream docs")
                .hasMessageNotContaining("private");
        var small = new RecordMapper(processing(List.of("t"), List.of(), List.of()), new MetadataRules(1 << 20, 2100));
        assertThatThrownBy(() -> small.map(record("{\"id\":1,\"t\":\"private\",\"n\":1}"), STREAM))
                .hasMessageContaining("line 4")
                .hasMessageContaining("stream docs")
                .hasMessageNotContaining("private");
    }

    @Test
    void should_cut_the_largest_value_only_as_much_as_the_limit_needs_counting_the_change_that_records_it()
            throws Exception {
        // Budget: the limit less 2048 bytes kept for the connector's own fields.
        var mapper =
                new RecordMapper(processing(List.of("t"), List.of(), List.of()), new MetadataRules(4096, 2048 + 900));
        MappedRecord mapped = mapper.map(
                record("{\"t\":\"x\",\"big\":\"" + "b".repeat(1000) + "\",\"mid\":\"" + "m".repeat(300) + "\"}"),
                STREAM);
        assertThat(mapped.metadata()).containsEntry("mid", "m".repeat(300)).containsEntry("t", "x");
        assertThat((String) mapped.metadata().get("big")).hasSizeBetween(300, 600);
        assertThat(mapped.changes())
                .extracting(c -> c.get("field").asText() + " " + c.get("reason").asText())
                .containsExactly("big DESTINATION_RECORD_SIZE_LIMITATION");
        assertThat(estimatedSize(mapped)).isLessThanOrEqualTo(900);
    }

    /**
     * Regression (issue 12, item 3): fitting scanned every field for every value it cut, so a record of
     * 100,000 string fields took minutes of CPU on the main thread (no flush, no state meanwhile). Here
     * about 80,000 of its values must be emptied: linear work takes well under a second.
     */
    @Test
    void should_fit_a_record_of_100000_fields_in_linear_time() throws Exception {
        StringBuilder data = new StringBuilder("{\"t\":\"x\"");
        for (int i = 0; i < 100_000; i++) {
            data.append(",\"f")
                    .append(String.format("%06d", i))
                    .append("\":\"")
                    .append("v".repeat(200))
                    .append('"');
        }
        InputMessage.Record wide = record(data.append('}').toString());
        int limit = 12_000_000;
        var mapper = new RecordMapper(processing(List.of("t"), List.of(), List.of()), new MetadataRules(32_766, limit));
        MappedRecord mapped = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> mapper.map(wide, STREAM));
        assertThat(estimatedSize(mapped)).isLessThanOrEqualTo(limit - 2048);
        assertThat(mapped.changes()).hasSizeGreaterThan(70_000);
        // The largest values go first, ties in field order: the first fields are emptied, the last kept.
        assertThat(mapped.metadata()).containsEntry("f000000", "").containsEntry("f099999", "v".repeat(200));
    }

    /** The metadata's size as the fitting counts it: JSON text of keys and values, with _airbyte_meta. */
    private static long estimatedSize(MappedRecord mapped) {
        java.util.Map<String, Object> all = new java.util.LinkedHashMap<>(mapped.metadata());
        if (!mapped.changes().isEmpty()) {
            all.put(RecordMapper.AIRBYTE_META, RecordMapper.airbyteMeta(mapped.changes()));
        }
        long bytes = 2;
        for (var entry : all.entrySet()) {
            bytes += Utf8.length(entry.getKey()) + 6;
            bytes += entry.getValue() instanceof String text ? Utf8.length(text) : 24;
        }
        return bytes;
    }

    @Test
    void should_refuse_a_key_over_the_limit_whichever_metadata_fields_are_selected() throws Exception {
        var rules = new MetadataRules(64, 1 << 20);
        String longKey = "{\"id\":\"" + "k".repeat(60) + "\",\"t\":\"x\"}";
        for (List<String> metadata : List.of(List.<String>of(), List.of("t"))) {
            var mapper = new RecordMapper(processing(List.of("t"), metadata, List.of()), rules);
            assertThatThrownBy(() -> mapper.recordId(record(longKey), STREAM))
                    .as("metadata_fields " + metadata)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("field 'id' on input line 4 of stream docs")
                    .hasMessageContaining("64 bytes")
                    .hasMessageNotContaining("kkkk");
        }
        var mapper = new RecordMapper(processing(List.of("t"), List.of("t"), List.of()), rules);
        assertThat(mapper.recordId(record("{\"id\":\"short\",\"t\":\"x\"}"), STREAM))
                .isEqualTo("[null,\"docs\",\"short\"]");
    }

    @Test
    void should_give_no_record_id_to_a_record_without_a_key_value_unless_the_mode_deduplicates() throws Exception {
        var mapper = new RecordMapper(processing(List.of("t"), List.of(), List.of()), new MetadataRules(4096, 1 << 20));
        for (var mode :
                List.of(ConfiguredStream.DestinationSyncMode.APPEND, ConfiguredStream.DestinationSyncMode.OVERWRITE)) {
            var stream = new ConfiguredStream(StreamId.of("docs"), mode, List.of(List.of("id")), 1, 0, true, "9", true);
            assertThat(mapper.recordId(record("{\"t\":\"x\"}"), stream))
                    .as(mode.name())
                    .isNull();
            assertThat(mapper.recordId(record("{\"id\":null,\"t\":\"x\"}"), stream))
                    .as(mode.name())
                    .isNull();
            assertThat(mapper.recordId(record("{\"id\":1.0,\"t\":\"x\"}"), stream))
                    .isEqualTo("[null,\"docs\",1]");
        }
        assertThatThrownBy(() -> mapper.recordId(record("{\"id\":null,\"t\":\"x\"}"), STREAM))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no value for primary key field 'id'");
    }

    /** The row's changes as "field change reason". */
    private static List<String> changes(MappedRecord mapped) {
        return mapped.changes().stream()
                .map(c -> c.get("field").asText() + " " + c.get("change").asText() + " "
                        + c.get("reason").asText())
                .toList();
    }

    @Test
    void should_record_fields_under_a_prefix_the_store_reserves_and_keep_their_neighbours() throws Exception {
        var chroma = new MetadataRules(4096, 1 << 20, 4096, java.util.Set.of(), List.of("chroma:"));
        var mapper = new RecordMapper(processing(List.of("t"), List.of(), List.of()), chroma);
        MappedRecord mapped = mapper.map(
                record("{\"t\":\"x\",\"chroma:foo\":1,\"chroma:document\":\"d\",\"chroma:id\":\"i\","
                        + "\"Chroma:x\":2,\"chroma\":3,\"chromax\":4,\"#document\":5}"),
                STREAM);
        assertThat(mapped.metadata())
                .doesNotContainKeys("chroma:foo", "chroma:document", "chroma:id")
                .containsEntry("Chroma:x", 2L)
                .containsEntry("chroma", 3L)
                .containsEntry("chromax", 4L)
                .containsEntry("#document", 5L);
        assertThat(changes(mapped))
                .containsExactly(
                        "chroma:foo NULLED DESTINATION_SERIALIZATION_ERROR",
                        "chroma:document NULLED DESTINATION_SERIALIZATION_ERROR",
                        "chroma:id NULLED DESTINATION_SERIALIZATION_ERROR");
    }

    @Test
    void should_record_a_field_named_like_the_stores_text_key_unless_no_text_is_stored() throws Exception {
        var qdrant = new MetadataRules(1 << 20, 1 << 20, Integer.MAX_VALUE, java.util.Set.of("text"), List.of());
        var record = record("{\"body\":\"chunk me\",\"text\":\"a field called text\"}");
        MappedRecord stored =
                new RecordMapper(processing(List.of("body"), List.of(), List.of()), qdrant).map(record, STREAM);
        assertThat(stored.metadata()).doesNotContainKey("text");
        assertThat(changes(stored)).containsExactly("text NULLED DESTINATION_SERIALIZATION_ERROR");
        MappedRecord omitted = new RecordMapper(
                        processing(List.of("body"), List.of(), List.of()), qdrant.freeing("text"))
                .map(record, STREAM);
        assertThat(omitted.metadata()).containsEntry("text", "a field called text");
        assertThat(omitted.changes()).isEmpty();
    }

    @Test
    void should_record_two_selected_paths_that_land_on_one_key_and_keep_the_first() throws Exception {
        var mapper = new RecordMapper(
                processing(List.of("t"), List.of("t", "a.*", "a.b", "t"), List.of()), MetadataRules.unlimited());
        MappedRecord mapped = mapper.map(record("{\"t\":\"x\",\"a.b\":\"top\",\"a\":{\"b\":\"nested\"}}"), STREAM);
        assertThat(mapped.metadata()).containsEntry("a.b", "nested").containsEntry("t", "x");
        // "t" selected twice is one value, nothing lost: no change.
        assertThat(changes(mapped)).containsExactly("a.b NULLED DESTINATION_SERIALIZATION_ERROR");
    }

    @Test
    void should_refuse_a_record_with_more_keys_than_the_store_holds_naming_the_limit() throws Exception {
        int connector = RecordMapper.CONNECTOR_KEYS;
        var rules = new MetadataRules(1 << 20, 1 << 20, connector + 3, java.util.Set.of(), List.of());
        var mapper = new RecordMapper(processing(List.of("t"), List.of(), List.of()), rules);
        assertThat(mapper.map(record("{\"t\":\"x\",\"a\":1,\"b\":2}"), STREAM).metadata())
                .hasSize(3);
        assertThatThrownBy(() -> mapper.map(record("{\"t\":\"x\",\"a\":1,\"b\":2,\"c\":\"private\"}"), STREAM))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 4 of stream docs")
                .hasMessageContaining("4 metadata fields")
                .hasMessageContaining("more than the " + (connector + 3) + " the store holds per chunk")
                .hasMessageNotContaining("private");
    }

    @Test
    void should_record_a_value_that_a_rename_replaces() throws Exception {
        var mapper = new RecordMapper(
                processing(List.of("t"), List.of(), List.of(new ProcessingConfig.FieldMapping("x", "a.b"))),
                MetadataRules.unlimited());
        MappedRecord mapped = mapper.map(record("{\"t\":\"x\",\"a.b\":\"top\",\"x\":\"moved\"}"), STREAM);
        assertThat(mapped.metadata()).containsEntry("a.b", "moved").doesNotContainKey("x");
        assertThat(changes(mapped)).containsExactly("a.b NULLED DESTINATION_SERIALIZATION_ERROR");
        // Nothing there, or a null: nothing lost, no change.
        assertThat(mapper.map(record("{\"t\":\"x\",\"a.b\":null,\"x\":\"moved\"}"), STREAM)
                        .changes())
                .isEmpty();
    }

    /**
     * OpenSearch and Elasticsearch read a key's dots as steps into objects and refuse the whole write of a
     * key with an empty or blank step, with more steps than their depth limit, or that is both a value and
     * the start of another key's path: such keys are recorded as NULLED on the row instead of failing the
     * sync. Any other key, odd or not, is kept, and a store whose keys are plain names keeps them all.
     */
    /** A primary-key field is never left out for its name: the record fails, naming the field. */
    @Test
    void should_refuse_rather_than_null_a_primary_key_field_whose_name_the_store_cannot_take() throws Exception {
        var paths = new RecordMapper(
                processing(List.of("text"), List.of(), List.of()), new MetadataRules(100, 10_000).withKeyPaths(19));

        assertThatThrownBy(() -> paths.map(
                        record("{\"meta.source\":\"s\",\"meta\":\"k1\",\"text\":\"t\"}"),
                        keyedBy(List.of(List.of("meta")))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("primary key field 'meta'");
        assertThatThrownBy(
                        () -> paths.map(record("{\"a..b\":\"k1\",\"text\":\"t\"}"), keyedBy(List.of(List.of("a..b")))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("primary key field 'a..b'");
    }

    @Test
    void should_null_keys_a_store_that_reads_dots_as_paths_cannot_take() throws Exception {
        String deepest = String.join(".", java.util.Collections.nCopies(19, "s"));
        String tooDeep = deepest + ".s";
        String data = "{\"id\":1,\"text\":\"t\",\"\":1,\" \":2,\".\":3,\".a\":4,\"a..b\":5,\"c.\":6,\"d. .e\":7,"
                + "\"x\":\"s\",\"x.y\":8,\"p.q\":9,\"p\":10,\"" + tooDeep + "\":11,\"" + deepest + "\":12,"
                + "\"$x\":13,\"a/b\":14,\"_u\":15,\"f.g\":16,\"f.h\":17}";
        var paths = new RecordMapper(
                processing(List.of("text"), List.of(), List.of()), new MetadataRules(100, 10_000).withKeyPaths(19));

        MappedRecord mapped = paths.map(record(data), STREAM);

        assertThat(mapped.metadata())
                .containsOnlyKeys("id", "text", "x", "p.q", deepest, "$x", "a/b", "_u", "f.g", "f.h");
        assertThat(mapped.changes())
                .extracting(change -> change.get("field").asText())
                .containsExactlyInAnyOrder("", " ", ".", ".a", "a..b", "c.", "d. .e", tooDeep, "x.y", "p");
        assertThat(mapped.changes()).allSatisfy(change -> assertThat(change.toString())
                .contains("\"change\":\"NULLED\",\"reason\":\"DESTINATION_SERIALIZATION_ERROR\""));

        var names = new RecordMapper(processing(List.of("text"), List.of(), List.of()), new MetadataRules(100, 10_000));
        MappedRecord plain = names.map(record(data), STREAM);
        assertThat(plain.metadata()).hasSize(20);
        assertThat(plain.changes()).isEmpty();
    }
}
