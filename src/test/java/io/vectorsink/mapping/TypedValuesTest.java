package io.vectorsink.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.config.ProcessingConfig;
import io.vectorsink.config.ProcessingConfig.MetadataTypes;
import io.vectorsink.config.TextSplitterConfig;
import io.vectorsink.protocol.ConfiguredStream;
import io.vectorsink.protocol.InputMessage;
import io.vectorsink.protocol.SourceJson;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.MetadataRules;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Metadata values typed the way readers filter them: lists of strings, numbers and booleans. */
class TypedValuesTest {
    private static final ConfiguredStream STREAM = new ConfiguredStream(
            StreamId.of("docs"), ConfiguredStream.DestinationSyncMode.APPEND, List.of(), 1, 0, true, "9", true);

    private static final String RECORD = "{\"t\":\"text\",\"tags\":[\"space\",\"moon\"],\"empty\":[],\"ids\":[1,2],"
            + "\"mixed\":[\"a\",1,true],\"nested\":[[\"a\"]],\"ok\":true,\"n\":3,\"x\":1.5}";

    private static RecordMapper mapper(MetadataTypes types, MetadataRules rules) {
        return new RecordMapper(
                new ProcessingConfig(
                        256, 0, List.of("t"), List.of(), List.of(), TextSplitterConfig.Separator.defaults(), types),
                rules);
    }

    private static MappedRecord map(RecordMapper mapper, String data) throws Exception {
        return mapper.map(
                new InputMessage.Record(1, StreamId.of("docs"), (ObjectNode) SourceJson.read(data), 1, null), STREAM);
    }

    @Test
    void should_keep_string_lists_as_lists_where_the_store_filters_them_by_element_and_other_arrays_as_json()
            throws Exception {
        MappedRecord mapped =
                map(mapper(MetadataTypes.NATIVE, MetadataRules.unlimited().withStringLists()), RECORD);

        assertThat(mapped.metadata())
                .containsEntry("tags", List.of("space", "moon"))
                .containsEntry("empty", List.of())
                .containsEntry("ids", "[1,2]")
                .containsEntry("mixed", "[\"a\",1,true]")
                .containsEntry("nested", "[[\"a\"]]")
                .containsEntry("ok", true)
                .containsEntry("n", 3L)
                .containsEntry("x", 1.5);
        assertThat(mapped.changes()).isEmpty(); // JSON text is lossless, as for nested objects
    }

    @Test
    void should_write_lists_as_json_text_for_a_store_that_holds_no_lists() throws Exception {
        MappedRecord mapped = map(mapper(MetadataTypes.NATIVE, MetadataRules.unlimited()), RECORD);

        assertThat(mapped.metadata())
                .containsEntry("tags", "[\"space\",\"moon\"]")
                .containsEntry("ok", true);
    }

    @Test
    void should_write_booleans_as_strings_and_lists_as_json_for_readers_that_take_only_strings_and_numbers()
            throws Exception {
        MappedRecord mapped = map(
                mapper(
                        MetadataTypes.STRINGS_AND_NUMBERS,
                        MetadataRules.unlimited().withStringLists()),
                RECORD);

        assertThat(mapped.metadata())
                .containsEntry("ok", "true")
                .containsEntry("tags", "[\"space\",\"moon\"]")
                .containsEntry("n", 3L)
                .containsEntry("x", 1.5);
    }

    @Test
    void should_cut_list_elements_over_the_value_limit_and_record_it() throws Exception {
        MetadataRules rules = new MetadataRules(4, 1 << 20).withStringLists();
        MappedRecord mapped = map(mapper(MetadataTypes.NATIVE, rules), "{\"t\":\"x\",\"tags\":[\"abcdef\",\"ab\"]}");

        assertThat(mapped.metadata()).containsEntry("tags", List.of("abcd", "ab"));
        assertThat(mapped.changes())
                .singleElement()
                .hasToString(
                        "{\"field\":\"tags\",\"change\":\"TRUNCATED\",\"reason\":\"DESTINATION_FIELD_SIZE_LIMITATION\"}");
    }

    @Test
    void should_cut_a_list_that_does_not_fit_the_chunk_as_its_json_text_and_record_it() throws Exception {
        MetadataRules rules = new MetadataRules(4096, 2048 + 300).withStringLists();
        StringBuilder tags = new StringBuilder("[");
        for (int i = 0; i < 100; i++) {
            tags.append(i == 0 ? "" : ",").append("\"tag-").append(i).append('"');
        }
        MappedRecord mapped = map(mapper(MetadataTypes.NATIVE, rules), "{\"t\":\"x\",\"tags\":" + tags + "]}");

        assertThat(mapped.metadata().get("tags"))
                .isInstanceOf(String.class)
                .asString()
                .startsWith("[\"tag-0\",");
        assertThat(mapped.changes())
                .singleElement()
                .hasToString(
                        "{\"field\":\"tags\",\"change\":\"TRUNCATED\",\"reason\":\"DESTINATION_RECORD_SIZE_LIMITATION\"}");
    }
}
