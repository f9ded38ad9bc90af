package io.vectorsink.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Airbyte's registry checks that a connector uses https only; plain http is accepted for
 * {@code http://localhost} alone. Every example and default of the spec keeps to that, so a user who copies
 * one never starts with plain http to a remote host.
 */
class SpecExamplesHttpsTest {

    @Test
    void should_use_https_or_localhost_in_every_example_and_default() {
        List<String> urls = new ArrayList<>();
        collect(SpecSchema.spec().get("connectionSpecification"), false, urls);

        assertThat(urls).contains("http://localhost:8000", "https://chroma.example.com");
        assertThat(urls).allSatisfy(url -> assertThat(url).matches("https://.*|http://localhost([:/].*)?"));
    }

    @Test
    void should_find_a_plain_http_example() {
        List<String> urls = new ArrayList<>();
        collect(
                ConfigParserTest.json("{\"examples\": [\"http://127.0.0.1:8000\"], \"default\": \"http://x\"}"),
                false,
                urls);

        assertThat(urls).containsExactly("http://127.0.0.1:8000", "http://x");
    }

    /** Every string starting with http(s):// inside an {@code examples} or {@code default} value. */
    private static void collect(JsonNode node, boolean inValue, List<String> urls) {
        if (node.isTextual() && inValue && node.asText().matches("(?i)https?://.*")) {
            urls.add(node.asText());
        }
        node.properties()
                .forEach(field -> collect(
                        field.getValue(),
                        inValue
                                || field.getKey().equals("examples")
                                || field.getKey().equals("default"),
                        urls));
        if (node.isArray()) {
            node.forEach(element -> collect(element, inValue, urls));
        }
    }
}
