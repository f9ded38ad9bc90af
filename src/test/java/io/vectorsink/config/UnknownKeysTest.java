package io.vectorsink.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Keys the spec does not know are found wherever they are, with the nearest known key as a suggestion. */
class UnknownKeysTest {

    @Test
    void should_name_a_misspelt_key_and_suggest_the_known_one() {
        var config = ConfigParserTest.json(
                """
                {"processing": {"chunk_size": 256, "metdata_fields": ["id"]},
                 "embedding": {"mode": "local"},
                 "indexing": {"mode": "chroma", "host": "http://localhost:8000", "collection": "docs"}}
                """);

        assertThat(UnknownKeys.in(config)).containsExactly("processing.metdata_fields (did you mean metadata_fields?)");
        assertThat(ConfigParser.parse(config).processing().metadataFields())
                .as("validation alone lets it through")
                .isEmpty();
    }

    @Test
    void should_look_into_the_chosen_branch_lists_and_the_top_level() {
        var config = ConfigParserTest.json(
                """
                {"embedding": {"mode": "fake", "dimensions": 8, "model": "x"},
                 "indexing": {"mode": "chroma", "host": "http://localhost:8000", "collection": "docs",
                              "auth": {"mode": "token", "token": "abcd", "heder": "authorization"}},
                 "processing": {"field_name_mappings": [{"from_field": "a", "to_field": "b", "note": "x"}]},
                 "omit_raw_txt": true}
                """);

        assertThat(UnknownKeys.in(config))
                .containsExactlyInAnyOrder(
                        "embedding.model",
                        "indexing.auth.heder (did you mean header?)",
                        "processing.field_name_mappings[0].note",
                        "omit_raw_txt (did you mean omit_raw_text?)");
    }

    @Test
    void should_find_nothing_in_a_config_of_known_keys_or_under_an_unknown_mode() {
        assertThat(
                        UnknownKeys.in(
                                ConfigParserTest.json(
                                        """
                        {"processing": {"chunk_size": 256, "chunk_overlap": 0},
                         "embedding": {"mode": "local", "model": "bge-small-en-v1.5-q"},
                         "indexing": {"mode": "chroma", "host": "http://localhost:8000", "collection": "docs"},
                         "omit_raw_text": false, "advanced": {"batch_size": 8}}
                        """)))
                .isEmpty();
        assertThat(UnknownKeys.in(ConfigParserTest.json("{\"indexing\": {\"mode\": \"nope\", \"x\": 1}}")))
                .isEmpty();
    }
}
