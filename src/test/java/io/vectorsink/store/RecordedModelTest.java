package io.vectorsink.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.embedding.EmbeddingModel;
import io.vectorsink.error.ConfigException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordedModelTest {
    private static final EmbeddingModel COHERE = EmbeddingModel.of("cohere", "embed-v4.0", 256)
            .with("input_type", "search_document")
            .with("output_dimension", "256");

    @Test
    void should_read_back_the_model_it_wrote_in_fields_text_and_tags() {
        assertThat(RecordedModel.fromFields(RecordedModel.fields(COHERE)))
                .hasValueSatisfying(r -> assertThat(r.names(COHERE)).isTrue())
                .hasValueSatisfying(r -> assertThat(r.description()).isEqualTo("cohere embed-v4.0 (256 dims)"));
        assertThat(RecordedModel.fromText(RecordedModel.text(COHERE)))
                .hasValueSatisfying(r -> assertThat(r.names(COHERE)).isTrue());
        assertThat(RecordedModel.fromTags(RecordedModel.tags(COHERE)))
                .hasValueSatisfying(r -> assertThat(r.names(COHERE)).isTrue());
        assertThat(RecordedModel.fromTags(RecordedModel.tags(COHERE))
                        .orElseThrow()
                        .names(COHERE.with("truncate", "END")))
                .isFalse();
    }

    @Test
    void should_describe_a_canonical_text_with_escaped_separators() {
        EmbeddingModel tricky = EmbeddingModel.of("openai_compatible", "org/m;x=1", 768);
        assertThat(RecordedModel.fromCanonical(tricky.canonical()).description())
                .isEqualTo(tricky.describe());
        assertThat(RecordedModel.fromCanonical("not a canonical text").description())
                .isEqualTo("not a canonical text");
    }

    @Test
    void should_fit_pinecone_tags_to_the_characters_and_length_pinecone_allows() {
        EmbeddingModel local =
                EmbeddingModel.of("local", "sentence-transformers/all-MiniLM-L6-v2:" + "x".repeat(200), 384);
        Map<String, String> tags = RecordedModel.tags(local);
        assertThat(tags.keySet()).allMatch(key -> key.matches("[A-Za-z0-9_-]{1,80}"));
        assertThat(tags.values()).allMatch(value -> value.matches("[A-Za-z0-9;@_.+ -]{1,120}"));
    }

    @Test
    void should_find_no_record_in_foreign_metadata_or_descriptions() {
        assertThat(RecordedModel.fromFields(Map.of("hnsw:space", "cosine"))).isEmpty();
        assertThat(RecordedModel.fromText("Chunks written by vectorsink")).isEmpty();
        assertThat(RecordedModel.fromTags(Map.of("team", "search"))).isEmpty();
    }

    @Test
    void should_judge_nothing_without_a_configured_model() {
        Optional<RecordedModel> other = Optional.of(RecordedModel.of(COHERE));
        assertThat(IndexModel.none().judge(other, "index 'x'", true)).isFalse();
        assertThat(IndexModel.none().notes()).isEmpty();
    }

    @Test
    void should_refuse_another_model_naming_both_and_allow_it_only_with_the_option() {
        EmbeddingModel openAi = EmbeddingModel.of("openai", "text-embedding-3-small", 256);
        Optional<RecordedModel> stored = Optional.of(RecordedModel.of(COHERE));

        assertThatThrownBy(() -> IndexModel.of(openAi, false).judge(stored, "Qdrant collection 'docs'", true))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Qdrant collection 'docs' holds vectors of cohere embed-v4.0 (256 dims)")
                .hasMessageContaining("configured for openai text-embedding-3-small (256 dims)")
                .hasMessageContaining("advanced.allow_model_change");
        IndexModel migrating = IndexModel.of(openAi, true);
        assertThat(migrating.judge(stored, "Qdrant collection 'docs'", true)).isTrue();
        assertThat(migrating.notes()).singleElement().asString().contains("cohere embed-v4.0");
        assertThat(IndexModel.of(COHERE, false).judge(stored, "Qdrant collection 'docs'", true))
                .isFalse();
    }

    @Test
    void should_accept_an_index_without_a_record_and_stamp_it_only_where_the_store_can() {
        assertThat(IndexModel.of(COHERE, false).judge(Optional.empty(), "Milvus collection 'c'", false))
                .isFalse();
        IndexModel stamping = IndexModel.of(COHERE, false);
        assertThat(stamping.judge(Optional.empty(), "Chroma collection 'c'", true))
                .isTrue();
        assertThat(stamping.notes()).singleElement().asString().contains("records no embedding model");
    }
}
