package io.vectorsink.store.milvus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.config.IndexingConfig;
import io.vectorsink.store.StoreJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    static MilvusLayout of(IndexingConfig.MilvusFields fields) {
        return new MilvusLayout(
                fields.primaryKeyField(), fields.vectorField(), fields.textField(), fields.metadataField());
    }

    /**
     * The fields of a collection vectorsink creates: the VarChar key (64 bytes: a UUID), the vector, and the
     * JSON metadata field when nested. The text stays a dynamic field, as the flat metadata: a declared
     * VarChar would have to be nullable for chunks stored without text ({@code omit_raw_text}), which Milvus
     * 2.4 cannot declare.
     */
    ArrayNode createFields(ArrayNode fields, int dimension) {
        ObjectNode id = fields.addObject();
        id.put("fieldName", primaryKey).put("dataType", "VarChar").put("isPrimary", true);
        id.putObject("elementTypeParams").put("max_length", 64);
        ObjectNode vectorField = fields.addObject();
        vectorField.put("fieldName", vector).put("dataType", "FloatVector");
        vectorField.putObject("elementTypeParams").put("dim", dimension);
        if (nested()) {
            fields.addObject().put("fieldName", metadataField).put("dataType", "JSON");
        }
        return fields;
    }

    /**
     * Why an existing collection ({@code collections/describe}'s data) is not laid out the way this layout
     * writes, each problem naming the option that would make it fit; empty when it fits. Recognises the
     * layouts of the readers: a primary key {@code pk} (LangChain), a vector field {@code embedding}
     * (LlamaIndex), a JSON {@code metadata} field without dynamic fields (LangChain4j).
     */
    List<String> problems(String collection, JsonNode described) {
        String label = "Milvus collection '" + collection + "'";
        Map<String, String> types = new LinkedHashMap<>();
        String key = null;
        for (JsonNode field : described.path("fields")) {
            types.put(field.path("name").asText(), field.path("type").asText());
            if (field.path("primaryKey").asBoolean(false)) {
                key = field.path("name").asText();
            }
        }
        boolean dynamic = described.path("enableDynamicField").asBoolean(false);
        List<String> problems = new ArrayList<>();
        if (key == null || !types.get(key).equalsIgnoreCase("VarChar")) {
            problems.add(label + " was not made for vectorsink: it needs a VarChar primary key for the chunk ids"
                    + (key == null ? "" : ", and its primary key " + key + " is " + types.get(key))
                    + "; use another collection name");
        } else if (!key.equals(primaryKey)) {
            problems.add(label + " has the primary key " + key + ", not " + primaryKey + "; set"
                    + " indexing.primary_field to " + key + " or use another collection name");
        }
        if (!"FloatVector".equals(types.get(vector))) {
            List<String> vectors = named(types, "FloatVector");
            problems.add(label + " has no FloatVector field " + vector
                    + (vectors.size() == 1
                            ? "; its vector field is " + vectors.get(0) + ", so set indexing.vector_field to "
                                    + vectors.get(0)
                            : "; it was not made for vectorsink, so use another collection name"));
        }
        String textType = types.get(text);
        if (textType != null && !textType.equalsIgnoreCase("VarChar")) {
            problems.add(label + " defines " + text + " as " + textType + ", but the chunk text needs a VarChar"
                    + " field; set indexing.text_field to the collection's text field");
        } else if (textType == null && !dynamic) {
            List<String> texts = named(types, "VarChar");
            texts.remove(key);
            problems.add(label + " has no field " + text + " for the chunk text and dynamic fields off; set"
                    + " indexing.text_field to " + (texts.isEmpty() ? "its text field" : "one of " + texts));
        }
        List<String> jsons = named(types, "JSON");
        if (nested() && !"JSON".equals(types.get(metadataField))) {
            problems.add(label + " has no JSON field " + metadataField + " for the metadata; set"
                    + " indexing.metadata_field to "
                    + (jsons.size() == 1
                            ? jsons.get(0)
                            : dynamic ? "\"\" (metadata as dynamic fields)" : "its JSON field"));
        } else if (!nested() && !dynamic) {
            problems.add(label + " has dynamic fields off, and vectorsink stores each metadata key as a dynamic"
                    + " field; "
                    + (jsons.size() == 1
                            ? "set indexing.metadata_field to " + jsons.get(0)
                                    + " to keep the metadata in that JSON field"
                            : "set indexing.metadata_field to a JSON field of the collection, or use another"
                                    + " collection name"));
        }
        return problems;
    }

    private static List<String> named(Map<String, String> types, String type) {
        List<String> names = new ArrayList<>();
        types.forEach((name, t) -> {
            if (t.equalsIgnoreCase(type)) {
                names.add(name);
            }
        });
        return names;
    }

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

    /** The metadata of a search hit: its dynamic fields but key, vector, text and distance, or its JSON field. */
    Map<String, Object> metadata(JsonNode hit) {
        return nested()
                ? StoreJson.metadata(hit.path(metadataField), Set.of())
                : StoreJson.metadata(hit, Set.of(primaryKey, vector, text, "distance"));
    }

    /** The row fields that are not metadata in the flat layout: key, vector and text. */
    List<String> ownFields() {
        return List.of(primaryKey, vector, text);
    }
}
