package io.vectorsink.store.milvus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Where a Milvus row keeps each part of a chunk: the primary key, the vector and the chunk text in fields
 * of their own, and the metadata (the connector's {@code _ab_*} fields included) either flat, each key a
 * dynamic field of the row, or nested, all keys in one JSON field. Every read and write of a metadata key
 * goes through this record ({@link #path} in filters, {@link #value} in answers, {@link #metadataOf} in
 * rows), so the layout a collection is written in is the one its lookups and deletes read.
 *
 * @param primaryKey the VarChar primary key field (the chunk id)
 * @param vector the FloatVector field
 * @param text the field of the chunk text
 * @param metadataField the JSON field that holds the metadata, or empty for flat dynamic fields
 */
record MilvusLayout(String primaryKey, String vector, String text, String metadataField) {
    /** What vectorsink writes unless told otherwise. */
    static final MilvusLayout DEFAULT = new MilvusLayout("id", "vector", "text", "");

    boolean nested() {
        return !metadataField.isEmpty();
    }

    /** The expression that names metadata key {@code key} in a filter: {@code key} or {@code metadata["key"]}. */
    String path(String key) {
        return nested() ? metadataField + "[" + MilvusFilters.literal(key) + "]" : key;
    }

    /** The value of metadata key {@code key} in a row Milvus returned (missing when the row has none). */
    JsonNode value(JsonNode row, String key) {
        return nested() ? row.path(metadataField).path(key) : row.path(key);
    }

    /** The output fields that return metadata keys {@code keys}: the keys, or the one JSON field. */
    List<String> outputFields(List<String> keys) {
        return nested() ? List.of(metadataField) : keys;
    }

    /** The object of {@code row} that holds metadata keys: the row itself, or its JSON field. */
    ObjectNode metadataOf(ObjectNode row) {
        return nested() ? row.withObject(metadataField) : row;
    }

    /** The row fields that are not metadata in the flat layout: key, vector and text. */
    List<String> ownFields() {
        return List.of(primaryKey, vector, text);
    }
}
