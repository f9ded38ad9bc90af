package io.vectorsink.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** JSON steps that several stores' request bodies share. */
public final class StoreJson {
    private StoreJson() {}

    /**
     * {@code node} as request body bytes.
     *
     * @param body what the body is, for the message of a failure, such as {@code "a Qdrant request body"}
     */
    public static byte[] write(JsonNode node, String body) {
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new SystemException("could not write " + body, e);
        }
    }

    /**
     * The metadata in a JSON object as a store returns it: strings, booleans, integers (as Long), other
     * numbers (as Double), arrays of strings (as an unmodifiable List), anything else as its JSON text; nulls
     * and the {@code skipped} keys are absent.
     */
    public static Map<String, Object> metadata(JsonNode object, Set<String> skipped) {
        Map<String, Object> values = new LinkedHashMap<>();
        object.properties().forEach(field -> {
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (skipped.contains(key) || value.isNull()) {
                return;
            }
            if (value.isTextual()) {
                values.put(key, value.textValue());
            } else if (value.isBoolean()) {
                values.put(key, value.booleanValue());
            } else if (value.isIntegralNumber() && value.canConvertToLong()) {
                values.put(key, value.longValue());
            } else if (value.isNumber()) {
                values.put(key, value.doubleValue());
            } else if (isStringArray(value)) {
                values.put(key, stringsOrNull(value));
            } else {
                values.put(key, value.toString());
            }
        });
        return values;
    }

    /** A vector as a store returns it: a JSON array of numbers. */
    public static float[] floats(JsonNode values) {
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) values.get(i).asDouble();
        }
        return vector;
    }

    /** A list of strings (a metadata value of a store that holds them) as a JSON array. */
    public static ArrayNode stringList(String key, List<?> list) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (Object element : list) {
            if (!(element instanceof String text)) {
                throw new SystemException("metadata '" + key + "' is a list that holds something else than strings");
            }
            array.add(text);
        }
        return array;
    }

    /** The strings of a JSON array of strings, or null for any other value. */
    public static List<String> stringsOrNull(JsonNode value) {
        if (!isStringArray(value)) {
            return null;
        }
        List<String> strings = new ArrayList<>();
        value.forEach(element -> strings.add(element.textValue()));
        return List.copyOf(strings);
    }

    /** Whether {@code value} is a JSON array of strings only (the empty array too). */
    private static boolean isStringArray(JsonNode value) {
        if (!value.isArray()) {
            return false;
        }
        for (JsonNode element : value) {
            if (!element.isTextual()) {
                return false;
            }
        }
        return true;
    }

    /** A text value, or null for anything else (a missing or null document). */
    public static String textOrNull(JsonNode node) {
        return node.isTextual() ? node.textValue() : null;
    }

    /**
     * A metadata value as JSON: strings, integers (as long), finite floats (as double), booleans, and
     * lists of strings (for stores whose {@link MetadataRules#stringLists()} are on) as arrays; null stays
     * null.
     *
     * @param unsupported the end of the message for any other type, after {@code "; "}
     * @throws SystemException for a non-finite float or a type the store cannot hold
     */
    public static void writeScalar(JsonGenerator gen, String key, Object value, String unsupported) throws IOException {
        if (value == null) {
            gen.writeNull();
        } else if (value instanceof String s) {
            gen.writeString(s);
        } else if (value instanceof Boolean b) {
            gen.writeBoolean(b);
        } else if (value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte) {
            gen.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw new SystemException("metadata '" + key + "' is not a finite number");
            }
            gen.writeNumber(d);
        } else if (value instanceof BigInteger big && big.bitLength() < 64) {
            gen.writeNumber(big.longValue());
        } else if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            gen.writeStartArray();
            for (Object element : list) {
                gen.writeString((String) element);
            }
            gen.writeEndArray();
        } else {
            throw new SystemException(
                    "metadata '" + key + "' has type " + value.getClass().getSimpleName() + "; " + unsupported);
        }
    }
}
