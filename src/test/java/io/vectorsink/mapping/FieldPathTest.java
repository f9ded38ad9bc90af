package io.vectorsink.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.vectorsink.protocol.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldPathTest {
    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    private static List<String> paths(String path, JsonNode root) {
        return FieldPath.of(path).select(root).stream()
                .map(FieldPath.Match::path)
                .toList();
    }

    @Test
    void should_select_nested_values_by_dot_path() throws Exception {
        var matches = FieldPath.of("author.name").select(json("{\"author\":{\"name\":\"Ada\"}}"));
        assertThat(matches).singleElement().satisfies(m -> {
            assertThat(m.path()).isEqualTo("author.name");
            assertThat(m.value().asText()).isEqualTo("Ada");
        });
    }

    @Test
    void should_expand_wildcards_over_objects_and_arrays() throws Exception {
        JsonNode root = json("{\"tags\":[{\"n\":\"a\"},{\"n\":\"b\"}],\"o\":{\"x\":1,\"y\":2}}");
        assertThat(paths("tags.*.n", root)).containsExactly("tags.0.n", "tags.1.n");
        assertThat(paths("o.*", root)).containsExactly("o.x", "o.y");
    }

    @Test
    void should_match_field_names_that_contain_dots() throws Exception {
        JsonNode root = json("{\"Foo.Bar\":\"literal\",\"Foo\":{\"Baz\":\"nested\"}}");
        assertThat(FieldPath.of("Foo.Bar").select(root).get(0).value().asText()).isEqualTo("literal");
        assertThat(FieldPath.of("Foo.Baz").select(root).get(0).value().asText()).isEqualTo("nested");
    }

    @Test
    void should_select_nothing_for_missing_paths_and_index_arrays() throws Exception {
        JsonNode root = json("{\"a\":[10,20]}");
        assertThat(paths("b.c", root)).isEmpty();
        assertThat(paths("a.5", root)).isEmpty();
        assertThat(FieldPath.of("a.1").select(root).get(0).value().asInt()).isEqualTo(20);
    }

    @Test
    void should_remove_a_nested_value_and_leave_its_siblings() throws Exception {
        ObjectNode root = (ObjectNode) json("{\"author\":{\"name\":\"Ada\",\"born\":1815},\"Foo.Bar\":1}");
        assertThat(FieldPath.of("author.name").remove(root).asText()).isEqualTo("Ada");
        assertThat(FieldPath.of("Foo.Bar").remove(root).asInt()).isEqualTo(1);
        assertThat(root).hasToString("{\"author\":{\"born\":1815}}");
    }

    @Test
    void should_remove_the_objects_a_removal_leaves_empty() throws Exception {
        ObjectNode root = (ObjectNode) json("{\"a\":{\"b\":{\"c\":1}},\"keep\":{}}");
        assertThat(FieldPath.of("a.b.c").remove(root).asInt()).isEqualTo(1);
        assertThat(root).hasToString("{\"keep\":{}}");
    }

    @Test
    void should_remove_nothing_through_a_missing_step_or_a_value_that_is_not_an_object() throws Exception {
        ObjectNode root = (ObjectNode) json("{\"author\":\"Ada\",\"tags\":[{\"n\":1}]}");
        assertThat(FieldPath.of("author.name").remove(root)).isNull();
        assertThat(FieldPath.of("tags.0.n").remove(root)).isNull();
        assertThat(FieldPath.of("missing.x").remove(root)).isNull();
        assertThat(root).hasToString("{\"author\":\"Ada\",\"tags\":[{\"n\":1}]}");
    }

    @Test
    void should_put_a_value_creating_the_missing_objects_on_the_way() throws Exception {
        ObjectNode root = (ObjectNode) json("{\"a\":{\"keep\":1},\"x.y\":{\"old\":true}}");
        assertThat(FieldPath.of("a.b.c").put(root, TextNode.valueOf("v"))).isTrue();
        assertThat(FieldPath.of("x.y").put(root, TextNode.valueOf("replaced"))).isTrue();
        assertThat(FieldPath.of("top").put(root, TextNode.valueOf("t"))).isTrue();
        assertThat(root).hasToString("{\"a\":{\"keep\":1,\"b\":{\"c\":\"v\"}},\"x.y\":\"replaced\",\"top\":\"t\"}");
    }

    @Test
    void should_put_through_a_null_as_through_a_missing_object() throws Exception {
        ObjectNode root = (ObjectNode) json("{\"address\":null}");
        assertThat(FieldPath.of("address.city").put(root, TextNode.valueOf("Oslo")))
                .isTrue();
        assertThat(root).hasToString("{\"address\":{\"city\":\"Oslo\"}}");
    }

    @Test
    void should_refuse_to_put_through_a_value_that_is_not_an_object_and_change_nothing() throws Exception {
        ObjectNode root = (ObjectNode) json("{\"a\":{\"b\":\"text\"}}");
        assertThat(FieldPath.of("a.b.c").put(root, TextNode.valueOf("v"))).isFalse();
        assertThat(root).hasToString("{\"a\":{\"b\":\"text\"}}");
    }
}
