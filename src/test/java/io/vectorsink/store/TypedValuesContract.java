package io.vectorsink.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Metadata values keep the types readers filter by, on the live backend of {@link VectorStoreContract}: a list
 * of strings comes back as a list where the store's {@link MetadataRules#stringLists()} say it holds one (the
 * record mapper writes its JSON text otherwise), integers, floats and booleans as themselves. A store's
 * contract test implements this interface next to its contract.
 */
public interface TypedValuesContract extends VectorStoreContract {
    /** Whether the store holds lists of strings that its filters match by element. */
    default boolean holdsStringLists() {
        return true;
    }

    @Test
    default void should_declare_whether_it_holds_lists_of_strings() {
        assertThat(newStore(newCollection(), "cosine").metadataRules().stringLists())
                .isEqualTo(holdsStringLists());
    }

    @Test
    default void should_store_lists_of_strings_numbers_and_booleans_with_their_types() {
        String collection = newCollection();
        VectorStore store = newStore(collection, "cosine");
        store.prepare(3);
        Object tags = store.metadataRules().stringLists() ? List.of("space", "moon") : "[\"space\",\"moon\"]";
        ChunkPoint base = VectorStoreContract.record("r1", 1, "v1").get(0);
        Map<String, Object> metadata = new LinkedHashMap<>(base.metadata());
        metadata.put("tags", tags);
        metadata.put("empty", store.metadataRules().stringLists() ? List.of() : "[]");
        metadata.put("published", true);
        metadata.put("draft", false);
        metadata.put("pages", 42L);
        metadata.put("score", 0.75);

        store.upsert(List.of(new ChunkPoint(base.id(), base.vector(), base.document(), metadata)));

        assertThat(readAll(collection)).singleElement().satisfies(chunk -> assertThat(chunk.metadata())
                .containsEntry("tags", tags)
                .containsEntry("published", true)
                .containsEntry("draft", false)
                .containsEntry("pages", 42L)
                .containsEntry("score", 0.75));
    }
}
