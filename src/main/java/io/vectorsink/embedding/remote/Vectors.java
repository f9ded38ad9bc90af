package io.vectorsink.embedding.remote;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.error.SystemException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/** Reads one vector from a provider's JSON answer. */
public final class Vectors {
    private Vectors() {}

    /**
     * A JSON array of numbers, or a base64 string of little-endian float32 values (OpenAI's {@code
     * encoding_format: base64}, which some servers answer with whatever was asked).
     *
     * @throws SystemException when {@code node} is neither
     */
    public static float[] parse(JsonNode node, String service) {
        if (node != null && node.isArray()) {
            float[] vector = new float[node.size()];
            for (int i = 0; i < vector.length; i++) {
                JsonNode component = node.get(i);
                if (!component.isNumber()) {
                    throw new SystemException(service + " sent a malformed embeddings answer: a vector holds a value"
                            + " that is not a number");
                }
                vector[i] = component.floatValue();
            }
            return vector;
        }
        if (node != null && node.isTextual()) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(node.textValue());
            } catch (IllegalArgumentException e) {
                throw new SystemException(
                        service + " sent a malformed embeddings answer: a vector is neither a list"
                                + " of numbers nor base64",
                        e);
            }
            if (bytes.length % Float.BYTES != 0) {
                throw new SystemException(service + " sent a malformed embeddings answer: a base64 vector is not a"
                        + " whole number of float32 values");
            }
            float[] vector = new float[bytes.length / Float.BYTES];
            ByteBuffer.wrap(bytes)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(vector);
            return vector;
        }
        throw new SystemException(service + " sent a malformed embeddings answer: an embedding has no vector");
    }
}
