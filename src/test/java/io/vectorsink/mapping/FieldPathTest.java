package io.vectorsink.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
}
