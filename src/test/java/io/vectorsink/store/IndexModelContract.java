package io.vectorsink.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vectorsink.embedding.EmbeddingModel;
import io.vectorsink.error.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * The model is part of the index ({@link IndexModel}), on the live backend of {@link VectorStoreContract}: an
 * index records the model it was made with, check and prepare refuse another model's vectors with a
 * config_error naming both, {@code advanced.allow_model_change} takes an index over and records the new
 * model, and an index without a record (an older vectorsink, another writer) is accepted, noted and, where
 * the store can, stamped. A store's contract test implements this interface next to its contract.
 */
public interface IndexModelContract extends VectorStoreContract {
    /** Two models of one dimension, as all-MiniLM-L6-v2 and bge-small-en-v1.5 are (384 both). */
    EmbeddingModel MINI_LM = EmbeddingModel.of("local", "all-MiniLM-L6-v2", 3);

    EmbeddingModel BGE_SMALL = EmbeddingModel.of("local", "bge-small-en-v1.5", 3);

    /** Whether the store can record a model in an index it did not create (Milvus cannot). */
    default boolean recordsModelInExistingIndex() {
        return true;
    }

    /** A store of the live backend that writes vectors of {@code model}. */
    default VectorStore storeOf(String collection, EmbeddingModel model, boolean allowChange) {
        VectorStore store = newStore(collection, "cosine");
        ((RestVectorStore) store).useIndexModel(IndexModel.of(model, allowChange));
        return store;
    }

    @Test
    default void should_refuse_another_model_of_the_same_dimension_in_check_and_prepare_naming_both() {
        String collection = newCollection();
        VectorStore writer = storeOf(collection, MINI_LM, false);
        writer.prepare(3);
        writer.upsert(VectorStoreContract.record("r1", 1, "v1"));

        assertThatThrownBy(() -> storeOf(collection, BGE_SMALL, false).check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("all-MiniLM-L6-v2")
                .hasMessageContaining("bge-small-en-v1.5")
                .hasMessageContaining("advanced.allow_model_change");
        assertThatThrownBy(() -> storeOf(collection, BGE_SMALL, false).prepare(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("all-MiniLM-L6-v2")
                .hasMessageContaining("bge-small-en-v1.5");

        VectorStore same = storeOf(collection, MINI_LM, false);
        same.check(3);
        assertThat(same.checkNotes()).noneMatch(note -> note.contains("embedding model"));
        storeOf(collection, MINI_LM, false).prepare(3);
        assertThat(readAll(collection)).hasSize(1);
    }

    @Test
    default void should_refuse_a_model_that_differs_only_in_a_parameter() {
        String collection = newCollection();
        storeOf(collection, MINI_LM, false).prepare(3);

        assertThatThrownBy(() -> storeOf(collection, MINI_LM.with("files_sha256", "ab12"), false)
                        .check(3))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("files_sha256=ab12");
    }

    @Test
    default void should_take_an_index_over_and_record_the_new_model_when_a_model_change_is_allowed() {
        String collection = newCollection();
        storeOf(collection, MINI_LM, false).prepare(3);

        VectorStore migrating = storeOf(collection, BGE_SMALL, true);
        migrating.check(3);
        assertThat(migrating.checkNotes())
                .anyMatch(note -> note.contains("all-MiniLM-L6-v2") && note.contains("advanced.allow_model_change"));
        storeOf(collection, BGE_SMALL, true).prepare(3);

        if (recordsModelInExistingIndex()) {
            storeOf(collection, BGE_SMALL, false).check(3);
            assertThatThrownBy(() -> storeOf(collection, MINI_LM, false).check(3))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("bge-small-en-v1.5");
        } else {
            // The old record stays: every write of the new model needs the option.
            assertThatThrownBy(() -> storeOf(collection, BGE_SMALL, false).check(3))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("all-MiniLM-L6-v2");
        }
    }

    @Test
    default void should_accept_an_index_without_a_recorded_model_with_a_note_and_record_it_where_it_can() {
        String collection = newCollection();
        VectorStore older = newStore(collection, "cosine"); // an index as older versions made it
        older.prepare(3);
        older.upsert(VectorStoreContract.record("r1", 1, "v1"));

        VectorStore checking = storeOf(collection, MINI_LM, false);
        checking.check(3);
        assertThat(checking.checkNotes()).anyMatch(note -> note.contains("records no embedding model"));
        storeOf(collection, MINI_LM, false).prepare(3);

        if (recordsModelInExistingIndex()) {
            assertThatThrownBy(() -> storeOf(collection, BGE_SMALL, false).check(3))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("all-MiniLM-L6-v2");
        } else {
            storeOf(collection, BGE_SMALL, false).check(3);
        }
        assertThat(readAll(collection)).hasSize(1);
    }
}
