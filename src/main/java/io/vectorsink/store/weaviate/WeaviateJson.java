package io.vectorsink.store.weaviate;

import static io.vectorsink.store.ChunkFields.CHUNK_COUNT;
import static io.vectorsink.store.ChunkFields.CHUNK_INDEX;
import static io.vectorsink.store.ChunkFields.EXTRACTED_AT;
import static io.vectorsink.store.ChunkFields.GENERATION_ID;
import static io.vectorsink.store.ChunkFields.NAMESPACE;
import static io.vectorsink.store.ChunkFields.RECORD_ID;
import static io.vectorsink.store.ChunkFields.STREAM;
import static io.vectorsink.store.ChunkFields.SYNC_ID;
import static io.vectorsink.store.ChunkFields.TEXT;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.Json;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.StaleFilter;
import io.vectorsink.store.StoreJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Weaviate request bodies, {@code where} filters and the GraphQL search, after Weaviate's REST reference
 * ({@code /v1/schema}, {@code /v1/batch/objects}, {@code /v1/graphql}) and its filter reference
 * ({@code operator}, {@code path}, {@code valueText} / {@code valueInt} / {@code valueTextArray}).
 */
final class WeaviateJson {
    /** The property of the row's changes. */
    static final String AIRBYTE_META = io.vectorsink.store.RowChanges.AIRBYTE_META;

    /** The text properties the store filters on: exact-match ({@code field} tokenization) and filterable. */
    static final List<String> FILTER_TEXT = List.of(STREAM, NAMESPACE, RECORD_ID, SYNC_ID);

    /** The integer properties the connector writes; the first two are filtered on. */
    static final List<String> CONNECTOR_INTS = List.of(CHUNK_INDEX, GENERATION_ID, CHUNK_COUNT, EXTRACTED_AT);

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private WeaviateJson() {}

    // ---- schema -------------------------------------------------------------------------------------

    /**
     * {@code POST /v1/schema}: vectorizer {@code none} (vectorsink sends the vectors), the HNSW distance,
     * {@code indexPropertyLength} (the filter for "no namespace" is {@code len(_ab_namespace) = 0}, since
     * Weaviate does not index an empty text) and every connector property declared, so auto-schema never
     * guesses their types.
     */
    /** The description of a class written without a known embedding model. */
    static final String DESCRIPTION = "Chunks written by vectorsink";

    static byte[] createClass(String className, String distance) {
        return createClass(className, distance, DESCRIPTION, TEXT);
    }

    /**
     * The create-class body with {@code description} (the record of the embedding model, see RecordedModel)
     * and the chunk text in property {@code textProperty}.
     */
    static byte[] createClass(String className, String distance, String description, String textProperty) {
        ObjectNode body = NODES.objectNode();
        body.put("class", className);
        body.put("description", description);
        body.put("vectorizer", "none");
        body.putObject("vectorIndexConfig").put("distance", distance);
        body.putObject("invertedIndexConfig").put("indexPropertyLength", true);
        ArrayNode properties = body.putArray("properties");
        connectorProperties(textProperty).values().forEach(properties::add);
        return write(body);
    }

    /** The connector's properties by name, as {@code createClass} declares them, the text in {@code textProperty}. */
    static Map<String, ObjectNode> connectorProperties(String textProperty) {
        Map<String, ObjectNode> properties = new LinkedHashMap<>();
        properties.put(textProperty, property(textProperty, "text", "word", false, true));
        for (String name : FILTER_TEXT) {
            properties.put(name, property(name, "text", "field", true, false));
        }
        for (String name : CONNECTOR_INTS) {
            properties.put(name, property(name, "int", null, true, false));
        }
        properties.put(AIRBYTE_META, property(AIRBYTE_META, "text", "field", false, false));
        return properties;
    }

    /** A property definition; user text metadata use {@code field} tokenization, so Equal means equal. */
    static ObjectNode property(
            String name, String dataType, String tokenization, boolean filterable, boolean searchable) {
        ObjectNode property = NODES.objectNode();
        property.put("name", name);
        property.putArray("dataType").add(dataType);
        if (tokenization != null) {
            property.put("tokenization", tokenization);
        }
        property.put("indexFilterable", filterable);
        property.put("indexSearchable", searchable);
        return property;
    }

    /** The definition of a user metadata property whose first value is {@code value}. */
    static ObjectNode userProperty(String name, Object value) {
        String type = typeOf(value);
        return type.equals("text") || type.equals(TEXT_ARRAY)
                ? property(name, type, "field", true, false)
                : property(name, type, null, true, false);
    }

    /** Weaviate's type of a list of strings; a filter's {@code ContainsAny} or {@code Equal} matches an element. */
    static final String TEXT_ARRAY = "text[]";

    /** The Weaviate type a first value fixes: text, int, number, boolean or text[] (a list of strings). */
    static String typeOf(Object value) {
        if (value instanceof List<?>) {
            return TEXT_ARRAY;
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return "int";
        }
        if (value instanceof Number) {
            return "number";
        }
        return "text";
    }

    // ---- values ---------------------------------------------------------------------------------------

    private static final double EXACT_DOUBLE_LIMIT = 9_007_199_254_740_992d; // 2^53

    /**
     * {@code value} in the form a property of Weaviate type {@code type} accepts, or empty when it has none
     * (the caller records the field as NULLED). A value written as text is kept whole (its JSON text); an
     * integral double fits an int property and an integer within 2^53 a number property; a string fits a
     * date or uuid property when it parses as one.
     */
    static Optional<Object> fit(String type, Object value) {
        switch (type) {
            case "text" -> {
                // A list in a text property (an older vectorsink wrote lists as JSON text): its JSON text.
                return Optional.of(
                        value instanceof String s
                                ? s
                                : value instanceof List<?> list
                                        ? StoreJson.stringList("", list).toString()
                                        : String.valueOf(value));
            }
            case TEXT_ARRAY -> {
                return value instanceof List<?> ? Optional.of(value) : Optional.empty();
            }
            case "int" -> {
                if (value instanceof Long || value instanceof Integer) {
                    return Optional.of(((Number) value).longValue());
                }
                if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9.2e18) {
                    return Optional.of(d.longValue());
                }
                return Optional.empty();
            }
            case "number" -> {
                if (value instanceof Double || value instanceof Float) {
                    return Optional.of(((Number) value).doubleValue());
                }
                if ((value instanceof Long || value instanceof Integer)
                        && Math.abs(((Number) value).doubleValue()) <= EXACT_DOUBLE_LIMIT) {
                    return Optional.of(((Number) value).longValue());
                }
                return Optional.empty();
            }
            case "boolean" -> {
                return value instanceof Boolean ? Optional.of(value) : Optional.empty();
            }
            case "date" -> {
                return value instanceof String s && isDate(s) ? Optional.of(s) : Optional.empty();
            }
            case "uuid" -> {
                return value instanceof String s && isUuid(s) ? Optional.of(s) : Optional.empty();
            }
            default -> {
                return Optional.empty(); // arrays, geo coordinates, phone numbers, blobs, references
            }
        }
    }

    private static boolean isDate(String text) {
        try {
            OffsetDateTime.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean isUuid(String text) {
        try {
            UUID.fromString(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** One object of a batch, already fitted: {@code {"class", "id", "vector", "properties"}}. */
    static byte[] object(String className, String id, float[] vector, Map<String, Object> properties) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField("class", className);
            gen.writeStringField("id", id);
            gen.writeArrayFieldStart("vector");
            for (float value : vector) {
                if (!Float.isFinite(value)) {
                    throw new SystemException(
                            "the vector of chunk " + id + " holds a value that is not a finite number");
                }
                gen.writeNumber(value);
            }
            gen.writeEndArray();
            gen.writeObjectFieldStart("properties");
            for (Map.Entry<String, Object> entry : properties.entrySet()) {
                gen.writeFieldName(entry.getKey());
                StoreJson.writeScalar(
                        gen,
                        entry.getKey(),
                        entry.getValue(),
                        "only strings, integers, floats and booleans are stored");
            }
            gen.writeEndObject();
            gen.writeEndObject();
        } catch (IOException e) {
            throw new SystemException("could not write a Weaviate object", e);
        }
        return out.toByteArray();
    }

    /** {@code {"objects": [...]}} of objects written by {@link #object}. */
    static byte[] batch(List<byte[]> objects) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"objects\":[".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (int i = 0; i < objects.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(objects.get(i));
        }
        out.writeBytes("]}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** The bytes {@link #batch} adds around its objects. */
    static final int BATCH_OVERHEAD = 14;

    // ---- filters ----------------------------------------------------------------------------------------

    static ObjectNode equalText(String property, String value) {
        ObjectNode condition = NODES.objectNode();
        condition.putArray("path").add(property);
        condition.put("operator", "Equal");
        condition.put("valueText", value);
        return condition;
    }

    static ObjectNode compareInt(String path, String operator, long value) {
        ObjectNode condition = NODES.objectNode();
        condition.putArray("path").add(path);
        condition.put("operator", operator);
        condition.put("valueInt", value);
        return condition;
    }

    static ObjectNode and(List<ObjectNode> operands) {
        if (operands.size() == 1) {
            return operands.get(0);
        }
        ObjectNode and = NODES.objectNode();
        and.put("operator", "And");
        ArrayNode array = and.putArray("operands");
        operands.forEach(array::add);
        return and;
    }

    /**
     * The chunks of {@code stream}: {@code _ab_stream} is the Airbyte name ({@code namespace_name}), so the
     * namespace is compared too; an empty namespace is matched by its length, 0.
     */
    static List<ObjectNode> streamConditions(StreamId stream) {
        ObjectNode namespace = stream.namespace() == null
                ? compareInt("len(" + NAMESPACE + ")", "Equal", 0)
                : equalText(NAMESPACE, stream.namespaceOrEmpty()); // as stored: well-formed
        return new java.util.ArrayList<>(List.of(equalText(STREAM, stream.airbyteName()), namespace));
    }

    /** The chunks of {@code stream} that {@code filter} calls stale. */
    static ObjectNode staleWhere(StreamId stream, StaleFilter filter) {
        List<ObjectNode> operands = streamConditions(stream);
        if (filter instanceof StaleFilter.OlderGeneration older) {
            operands.add(compareInt(GENERATION_ID, "LessThan", older.minimumGenerationId()));
        } else if (filter instanceof StaleFilter.OtherSync other) {
            // NotEqual is the complement of Equal, so it also matches objects without the property.
            ObjectNode condition = NODES.objectNode();
            condition.putArray("path").add(SYNC_ID);
            condition.put("operator", "NotEqual");
            condition.put("valueText", other.syncId());
            operands.add(condition);
        } else {
            throw new SystemException(
                    "unknown stale filter " + filter.getClass().getName());
        }
        return and(operands);
    }

    /** The chunks of these records from {@code fromChunkIndex} on. */
    static ObjectNode trimWhere(List<String> recordIds, int fromChunkIndex) {
        ObjectNode records = recordIn(recordIds);
        if (fromChunkIndex == 0) {
            return records;
        }
        return and(List.of(records, compareInt(CHUNK_INDEX, "GreaterThanEqual", fromChunkIndex)));
    }

    /** The objects whose record id is one of {@code recordIds}. */
    private static ObjectNode recordIn(List<String> recordIds) {
        ObjectNode records = NODES.objectNode();
        records.putArray("path").add(RECORD_ID);
        records.put("operator", "ContainsAny");
        ArrayNode values = records.putArray("valueTextArray");
        recordIds.forEach(values::add);
        return records;
    }

    /** {@code DELETE /v1/batch/objects}: the objects of {@code className} that {@code where} matches. */
    static byte[] batchDelete(String className, ObjectNode where) {
        ObjectNode body = NODES.objectNode();
        ObjectNode match = body.putObject("match");
        match.put("class", className);
        match.set("where", where);
        body.put("output", "minimal");
        body.put("dryRun", false);
        return write(body);
    }

    // ---- GraphQL ------------------------------------------------------------------------------------------

    /**
     * {@code POST /v1/graphql}: a {@code Get} with {@code nearVector}, {@code limit} and an optional
     * {@code where}, selecting {@code properties} and {@code _additional { id distance }}.
     */
    static byte[] search(String className, float[] vector, int limit, ObjectNode where, List<String> properties) {
        StringBuilder query = new StringBuilder("{ Get { ").append(className).append("(nearVector: {vector: [");
        for (int i = 0; i < vector.length; i++) {
            if (!Float.isFinite(vector[i])) {
                throw new SystemException("the query vector holds a value that is not a finite number");
            }
            query.append(i == 0 ? "" : ", ").append(vector[i]);
        }
        query.append("]}, limit: ").append(limit);
        if (where != null) {
            query.append(", where: ");
            graphQl(where, query);
        }
        query.append(") { ");
        properties.forEach(p -> query.append(p).append(' '));
        query.append("_additional { id distance } } } }");
        ObjectNode body = NODES.objectNode();
        body.put("query", query.toString());
        return write(body);
    }

    /**
     * {@code POST /v1/graphql}: a {@code Get} of the objects {@code where} matches, without a vector search,
     * a page of {@code limit} from {@code offset}, read at {@code consistencyLevel}, selecting
     * {@code properties} and {@code _additional { id }} (and the vector when {@code withVector}).
     */
    static byte[] read(
            String className,
            ObjectNode where,
            int limit,
            int offset,
            String consistencyLevel,
            List<String> properties,
            boolean withVector) {
        StringBuilder query = new StringBuilder("{ Get { ").append(className).append("(where: ");
        graphQl(where, query);
        query.append(", limit: ").append(limit);
        if (offset > 0) {
            query.append(", offset: ").append(offset);
        }
        query.append(", consistencyLevel: ").append(consistencyLevel).append(") { ");
        properties.forEach(p -> query.append(p).append(' '));
        query.append(withVector ? "_additional { id vector } } } }" : "_additional { id } } } }");
        ObjectNode body = NODES.objectNode();
        body.put("query", query.toString());
        return write(body);
    }

    /** The objects of these record ids. */
    static ObjectNode recordsWhere(StreamId stream, List<String> recordIds) {
        List<ObjectNode> operands = streamConditions(stream);
        operands.add(recordIn(recordIds));
        return and(operands);
    }

    /** The objects of these ids: {@code Or} of {@code Equal} on the {@code id} path, which every version reads. */
    static ObjectNode idsWhere(List<String> ids) {
        List<ObjectNode> operands = ids.stream().map(id -> equalText("id", id)).toList();
        if (operands.size() == 1) {
            return operands.get(0);
        }
        ObjectNode or = NODES.objectNode();
        or.put("operator", "Or");
        ArrayNode array = or.putArray("operands");
        operands.forEach(array::add);
        return or;
    }

    /**
     * {@code PATCH /v1/objects/{class}/{id}}: a merge of {@code properties} into the object, with
     * {@code vector} when not null (Weaviate then stores that vector and runs no vectorizer module).
     */
    static byte[] merge(String className, String id, Map<String, Object> properties, float[] vector) {
        ObjectNode body = NODES.objectNode();
        body.put("class", className);
        body.put("id", id);
        ObjectNode values = body.putObject("properties");
        properties.forEach((key, value) -> values.set(key, Json.MAPPER.valueToTree(value)));
        if (vector != null) {
            ArrayNode array = body.putArray("vector");
            for (float value : vector) {
                if (!Float.isFinite(value)) {
                    throw new SystemException(
                            "the stored vector of object " + id + " holds a value that is not a finite number");
                }
                array.add(value);
            }
        }
        return write(body);
    }

    /** A filter as a GraphQL input value: keys bare, {@code operator} an enum, strings JSON-escaped. */
    static void graphQl(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                out.append(first ? "" : ", ").append(field.getKey()).append(": ");
                if (field.getKey().equals("operator")) {
                    out.append(field.getValue().textValue());
                } else {
                    graphQl(field.getValue(), out);
                }
                first = false;
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                out.append(i == 0 ? "" : ", ");
                graphQl(node.get(i), out);
            }
            out.append(']');
        } else {
            out.append(node.toString()); // a JSON string literal is a valid GraphQL string literal
        }
    }

    static byte[] write(JsonNode node) {
        return StoreJson.write(node, "a Weaviate request body");
    }
}
