package io.vectorsink.store.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.store.StoreJson;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where a point's payload keeps the chunk text, the metadata and with them the connector's {@code _ab_*}
 * fields. Every filter, payload index, lookup and payload update asks this one place, so the layout option and
 * the lookup always agree on where the connector's fields live.
 *
 * <ul>
 *   <li><b>flat</b> ({@code metadataKey == null}): the metadata at the top of the payload and the text under
 *       {@code textKey} beside them: Airbyte's Qdrant destination, LlamaIndex and LangChain4j read it so;
 *   <li><b>nested</b>: the text under {@code textKey} and the metadata, connector fields included, in the
 *       object under {@code metadataKey}: LangChain's layout ({@code page_content} and {@code metadata}).
 * </ul>
 *
 * @param textKey the payload key of the chunk text
 * @param metadataKey the payload key of the metadata object, or null for the flat layout
 */
record QdrantLayout(String textKey, String metadataKey) {
    /** The payload key of LangChain's metadata object. */
    static final String LANGCHAIN_METADATA = "metadata";

    /** The text key of the flat layout when none is configured (Airbyte's and LlamaIndex's). */
    static final String FLAT_TEXT = "text";

    /** The text key of the nested layout when none is configured (LangChain's). */
    static final String NESTED_TEXT = "page_content";

    static final QdrantLayout FLAT = new QdrantLayout(FLAT_TEXT, null);

    QdrantLayout {
        Objects.requireNonNull(textKey, "textKey");
    }

    /** The layout named by the config: {@code flat} or {@code nested}, with its text key (empty: the default). */
    static QdrantLayout of(String layout, String textKey) {
        boolean nested = "nested".equals(layout);
        String text = textKey == null || textKey.isEmpty() ? (nested ? NESTED_TEXT : FLAT_TEXT) : textKey;
        return new QdrantLayout(text, nested ? LANGCHAIN_METADATA : null);
    }

    boolean nested() {
        return metadataKey != null;
    }

    /** The config name of this layout. */
    String name() {
        return nested() ? "nested" : "flat";
    }

    /** The payload path (Qdrant's dotted key) of the metadata field {@code field}, a connector field or not. */
    String path(String field) {
        return nested() ? metadataKey + "." + field : field;
    }

    /** The object that holds the metadata in {@code payload} (missing when the payload has none). */
    JsonNode metadataOf(JsonNode payload) {
        return nested() ? payload.path(metadataKey) : payload;
    }

    /** The metadata of {@code payload} as the store hands them out: integers as Long, without the chunk text. */
    Map<String, Object> metadata(JsonNode payload) {
        return StoreJson.metadata(metadataOf(payload), nested() ? Set.of() : Set.of(textKey));
    }

    /** The chunk text of {@code payload}, or null. */
    String text(JsonNode payload) {
        return StoreJson.textOrNull(payload.path(textKey));
    }
}
