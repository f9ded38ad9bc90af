package io.vectorsink.store.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.error.ConfigException;
import io.vectorsink.store.StoreJson;
import java.util.ArrayList;
import java.util.List;
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

    /** Text keys readers use, looked for in a sampled point whose text key is not the configured one. */
    static final List<String> KNOWN_TEXT_KEYS = List.of(FLAT_TEXT, NESTED_TEXT, "content", "text_segment");

    /**
     * The layout to write with into {@code collection}: the configured one where the collection shows nothing
     * else, the collection's where the configuration leaves it open, refused (naming the option to set) where
     * they differ.
     *
     * @param layout the configured {@code payload_layout}, or null
     * @param textKey the configured {@code text_field}, or null
     * @param schema the collection's {@code payload_schema} (its payload indexes)
     * @param sample the payload of one point of the collection, or null when it holds none
     */
    static QdrantLayout recognise(String collection, String layout, String textKey, JsonNode schema, JsonNode sample) {
        Boolean nested = null; // what the collection shows
        if (schema.has(LANGCHAIN_METADATA + "." + io.vectorsink.store.ChunkFields.RECORD_ID)) {
            nested = true;
        } else if (schema.has(io.vectorsink.store.ChunkFields.RECORD_ID)) {
            nested = false;
        } else if (sample != null) {
            nested = sample.path(LANGCHAIN_METADATA).isObject();
        }
        String existingText = sample == null ? null : textKeyOf(sample, Boolean.TRUE.equals(nested), textKey);
        List<String> problems = new ArrayList<>();
        if (nested != null && layout != null && nested != layout.equals("nested")) {
            String shown = nested ? "nested" : "flat";
            problems.add("Qdrant collection '" + collection + "' holds its chunks in the " + shown + " payload layout,"
                    + " but payload_layout is " + layout + "; set payload_layout to " + shown
                    + " (or leave it empty) or use another collection name");
        }
        if (existingText != null && textKey != null && !existingText.equals(textKey)) {
            problems.add("Qdrant collection '" + collection + "' keeps the chunk text under '" + existingText
                    + "', but text_field is " + textKey + "; set text_field to " + existingText
                    + " (or leave it empty) or use another collection name");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems, null);
        }
        String chosen = nested == null ? layout : (nested ? "nested" : "flat");
        return of(chosen == null ? "nested" : chosen, textKey != null ? textKey : existingText);
    }

    /**
     * The text key of a sampled payload: in the nested layout its one top-level text value beside the metadata
     * object; in the flat layout the configured key or a key readers use, when the point holds one (a chunk
     * written with {@code omit_raw_text} holds none).
     */
    private static String textKeyOf(JsonNode payload, boolean nested, String configured) {
        if (nested) {
            for (var field : payload.properties()) {
                if (!field.getKey().equals(LANGCHAIN_METADATA)
                        && field.getValue().isTextual()) {
                    return field.getKey();
                }
            }
            return null;
        }
        if (configured != null && payload.path(configured).isTextual()) {
            return configured;
        }
        return KNOWN_TEXT_KEYS.stream()
                .filter(key -> payload.path(key).isTextual())
                .findFirst()
                .orElse(null);
    }
}
