package io.vectorsink.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.error.ConfigException;
import io.vectorsink.protocol.Json;
import io.vectorsink.protocol.SourceJson;
import io.vectorsink.protocol.StreamId;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordIdsTest {
    private static ObjectNode data(String json) throws Exception {
        return (ObjectNode) SourceJson.read(json); // as MessageReader reads it: numbers keep their literals
    }

    @Test
    void should_never_collide_across_stream_and_key_boundaries() throws Exception {
        String one = RecordIds.of(StreamId.of("a_b"), List.of(List.of("k")), data("{\"k\":\"c\"}"), 1);
        String two = RecordIds.of(StreamId.of("a"), List.of(List.of("k")), data("{\"k\":\"b_c\"}"), 1);
        String three = RecordIds.of(new StreamId("a", "b"), List.of(List.of("k")), data("{\"k\":\"c\"}"), 1);
        assertThat(List.of(one, two, three)).doesNotHaveDuplicates();
    }

    @Test
    void should_tell_numbers_from_strings_and_support_composite_and_nested_keys() throws Exception {
        var key = List.of(List.of("id"));
        assertThat(RecordIds.of(StreamId.of("s"), key, data("{\"id\":1}"), 1))
                .isNotEqualTo(RecordIds.of(StreamId.of("s"), key, data("{\"id\":\"1\"}"), 1));
        String composite = RecordIds.of(
                StreamId.of("s"), List.of(List.of("a"), List.of("b", "c")), data("{\"a\":1,\"b\":{\"c\":true}}"), 1);
        assertThat(composite).isEqualTo("[null,\"s\",1,true]");
    }

    @Test
    void should_keep_keys_with_unpaired_surrogates_exact_and_distinct() throws Exception {
        var key = List.of(List.of("id"));
        String high = RecordIds.of(StreamId.of("s"), key, data("{\"id\":\"k\\ud800\"}"), 1);
        String low = RecordIds.of(StreamId.of("s"), key, data("{\"id\":\"k\\udc00\"}"), 1);
        assertThat(high).isEqualTo("[null,\"s\",\"k\\ud800\"]");
        assertThat(low).isNotEqualTo(high);
        assertThat(Json.MAPPER.readTree(high).get(2).asText()).isEqualTo("k\uD800");
    }

    @Test
    void should_fail_with_the_line_and_field_when_a_key_is_missing_or_null() throws Exception {
        assertThatThrownBy(() -> RecordIds.of(
                        StreamId.of("s"), List.of(List.of("id")), data("{\"id\":null,\"x\":\"private\"}"), 12))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 12")
                .hasMessageContaining("'id'")
                .hasMessageNotContaining("private");
    }

    @Test
    void should_identify_numeric_keys_by_value_however_the_source_spells_them() throws Exception {
        var key = List.of(List.of("id"));
        java.util.function.Function<String, String> id = literal -> {
            try {
                return RecordIds.of(StreamId.of("s"), key, data("{\"id\":" + literal + "}"), 1);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        assertThat(List.of("100", "100.0", "1E2", "1.00e+2", "100.000"))
                .allSatisfy(literal -> assertThat(id.apply(literal)).isEqualTo("[null,\"s\",100]"));
        assertThat(List.of("1", "1.0", "1.00", "10e-1"))
                .allSatisfy(literal -> assertThat(id.apply(literal)).isEqualTo("[null,\"s\",1]"));
        assertThat(List.of("0", "-0", "0.0", "-0.0", "0e5"))
                .allSatisfy(literal -> assertThat(id.apply(literal)).isEqualTo("[null,\"s\",0]"));
        assertThat(id.apply("1.50")).isEqualTo(id.apply("1.5")).isEqualTo("[null,\"s\",1.5]");
        assertThat(id.apply("1e400")).isEqualTo(id.apply("10E399")).isEqualTo("[null,\"s\",1E+400]");
        assertThat(id.apply("123456789012345678901234567890")).isEqualTo("[null,\"s\",123456789012345678901234567890]");
        assertThat(id.apply("{\"a\":[1.0,2E1]}")).isEqualTo("[null,\"s\",{\"a\":[1,20]}]");
        assertThat(id.apply("100")).isNotEqualTo(id.apply("\"100\"")).isNotEqualTo(id.apply("101"));
    }
}
