package io.vectorsink.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;

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
     * A metadata value as a JSON scalar: strings, integers (as long), finite floats (as double) and
     * booleans; null stays null.
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
        } else {
            throw new SystemException(
                    "metadata '" + key + "' has type " + value.getClass().getSimpleName() + "; " + unsupported);
        }
    }
}
