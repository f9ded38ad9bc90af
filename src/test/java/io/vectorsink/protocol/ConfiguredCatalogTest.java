package io.vectorsink.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.error.ConfigException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfiguredCatalogTest {
    /** One stream whose source defines the key {@code sid}, with {@code configuredKey} as JSON ("" = absent). */
    private static ConfiguredStream parse(String mode, String configuredKey) throws Exception {
        String key = configuredKey.isEmpty() ? "" : ",\"primary_key\":" + configuredKey;
        ConfiguredCatalog catalog = ConfiguredCatalog.parse(Json.MAPPER.readTree(
                "{\"streams\":[{\"stream\":{\"name\":\"s\",\"source_defined_primary_key\":[[\"sid\"]]},"
                        + "\"destination_sync_mode\":\"" + mode + "\"" + key + "}]}"));
        return catalog.stream(StreamId.of("s")).orElseThrow();
    }

    @ParameterizedTest(name = "{0} with primary_key {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                // the configured key wins
                "overwrite|[[\"id\"]]|id",
                "append_dedup|[[\"id\"]]|id",
                // absent or null: the source's key (the protocol's rule)
                "overwrite|''|sid",
                "overwrite|null|sid",
                "append_dedup|''|sid",
                // empty: the user chose no key; only append_dedup, which needs one, falls back
                "overwrite|[]|''",
                "append|[]|''",
                "append_dedup|[]|sid",
            })
    void should_take_the_configured_key_and_the_source_key_only_where_documented(
            String mode, String configuredKey, String expected) throws Exception {
        ConfiguredStream stream = parse(mode, configuredKey);
        assertThat(stream.primaryKey()).isEqualTo(expected.isEmpty() ? List.of() : List.of(List.of(expected)));
        assertThat(stream.isKeyed()).isEqualTo(!expected.isEmpty() && !mode.equals("append"));
    }

    @org.junit.jupiter.api.Test
    void should_refuse_append_dedup_without_any_key() {
        assertThatThrownBy(() -> ConfiguredCatalog.parse(Json.MAPPER.readTree(
                        "{\"streams\":[{\"stream\":{\"name\":\"s\"},\"destination_sync_mode\":\"append_dedup\","
                                + "\"primary_key\":[]}]}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("append_dedup but has no primary key");
    }

    @org.junit.jupiter.api.Test
    void should_store_names_with_unpaired_surrogates_well_formed_and_refuse_two_streams_that_would_meet() {
        StreamId odd = new StreamId("n\udc00", "s\ud800");
        // Stores refuse an unpaired surrogate in a metadata value (Chroma: HTTP 400 for the whole batch).
        assertThat(odd.airbyteName()).isEqualTo("n\ufffd_s\ufffd");
        assertThat(odd.namespaceOrEmpty()).isEqualTo("n\ufffd");
        assertThatThrownBy(() -> ConfiguredCatalog.parse(Json.MAPPER.readTree(
                        "{\"streams\":[{\"stream\":{\"name\":\"s\\ud800\"}},{\"stream\":{\"name\":\"s\\udc00\"}}]}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("catalog streams #1 and #2 are stored under the same name");
    }
}
