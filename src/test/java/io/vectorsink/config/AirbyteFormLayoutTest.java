package io.vectorsink.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.config.AirbyteFormLayout.Card;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The spec as Airbyte's connector form lays it out ({@link AirbyteFormLayout} states the form's ordering rules
 * and where they come from): the settings a user decides first come first, and none of them hides behind an
 * "Optional fields" toggle.
 */
class AirbyteFormLayoutTest {
    private final JsonNode connection = SpecSchema.spec().get("connectionSpecification");

    @Test
    void should_show_the_cards_in_the_order_a_user_decides() {
        assertThat(AirbyteFormLayout.cards(connection))
                .extracting(Card::group)
                .containsExactly("processing", "embedding", "indexing", "advanced");
    }

    @Test
    void should_open_processing_with_chunk_size_then_the_fields_to_embed_and_keep() {
        Card processing = AirbyteFormLayout.cards(connection).get(0);

        assertThat(AirbyteFormLayout.visiblePaths(processing.sections()))
                .startsWith(
                        "processing",
                        "processing.chunk_size",
                        "processing.chunk_overlap",
                        "processing.text_fields",
                        "processing.metadata_fields",
                        "processing.text_splitter");
    }

    @Test
    void should_show_the_embedding_and_store_choices_and_their_required_fields_without_a_toggle() {
        List<Card> cards = AirbyteFormLayout.cards(connection);
        List<String> embedding = AirbyteFormLayout.visiblePaths(cards.get(1).sections());
        List<String> indexing = AirbyteFormLayout.visiblePaths(cards.get(2).sections());

        assertThat(embedding.get(0)).isEqualTo("embedding");
        assertThat(embedding)
                .contains("embedding[Local model].model", "embedding[OpenAI].openai_key", "embedding[OpenAI].model");
        assertThat(indexing.get(0)).isEqualTo("indexing");
        assertThat(indexing)
                .contains(
                        "indexing[Chroma].host",
                        "indexing[Chroma].collection",
                        "indexing[Chroma].auth",
                        "indexing[Pinecone].pinecone_key");
        connection.at("/properties/indexing/oneOf").forEach(store -> store.path("required")
                .forEach(field -> {
                    if (!field.asText().equals("mode")) {
                        assertThat(indexing)
                                .contains("indexing[" + store.path("title").asText() + "]." + field.asText());
                    }
                }));
    }

    @Test
    void should_have_one_advanced_section_with_one_toggle() {
        Card advanced = AirbyteFormLayout.cards(connection).get(3);

        assertThat(AirbyteFormLayout.visiblePaths(advanced.sections())).startsWith("omit_raw_text", "advanced");
        assertThat(AirbyteFormLayout.toggles(advanced.sections())).isEqualTo(1);
    }

    @Test
    void should_keep_every_decision_field_out_of_optional_toggles() {
        List<String> visible = new ArrayList<>();
        AirbyteFormLayout.cards(connection)
                .forEach(card -> visible.addAll(AirbyteFormLayout.visiblePaths(card.sections())));

        assertThat(visible)
                .contains(
                        "processing.chunk_size",
                        "processing.chunk_overlap",
                        "processing.text_fields",
                        "processing.metadata_fields",
                        "processing.text_splitter",
                        "embedding",
                        "indexing",
                        "omit_raw_text");
    }

    @Test
    void should_notice_a_field_that_loses_always_show() {
        // The layout really depends on the spec: without always_show, chunk_size drops behind the toggle.
        ObjectNode changed = connection.deepCopy();
        ((ObjectNode) changed.at("/properties/processing/properties/chunk_size")).remove("always_show");

        Card processing = AirbyteFormLayout.cards(changed).get(0);

        assertThat(AirbyteFormLayout.visiblePaths(processing.sections())).doesNotContain("processing.chunk_size");
        assertThat(AirbyteFormLayout.visiblePaths(processing.sections()).get(1)).isEqualTo("processing.chunk_overlap");
    }
}
