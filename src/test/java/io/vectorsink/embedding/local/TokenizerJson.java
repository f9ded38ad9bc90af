package io.vectorsink.embedding.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * For tests: rewrites a HuggingFace {@code tokenizer.json} so that it truncates only at a given length (the
 * connector's embedder before it ran ONNX Runtime itself, kept as the reference its vectors are compared with). The file LangChain4j ships for all-MiniLM-L6-v2 sets {@code truncation.max_length = 128}
 * (and fixed padding to 128), and LangChain4j never lifts it, so the stock model embeds only the first
 * 126 tokens of any text. The bge-small file has no truncation at all.
 */
final class TokenizerJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TokenizerJson() {}

    /**
     * {@code tokenizerJson} with truncation at {@code maxLength} tokens (special tokens included) and no
     * padding; everything else (vocabulary, normaliser, post-processor) untouched.
     */
    static byte[] withTruncation(byte[] tokenizerJson, int maxLength) throws IOException {
        JsonNode root = MAPPER.readTree(tokenizerJson);
        if (!(root instanceof ObjectNode object) || !root.path("model").isObject()) {
            throw new IOException("not a HuggingFace tokenizer.json: no top-level model object");
        }
        ObjectNode truncation = MAPPER.createObjectNode();
        truncation.put("direction", "Right");
        truncation.put("max_length", maxLength);
        truncation.put("strategy", "LongestFirst");
        truncation.put("stride", 0);
        object.set("truncation", truncation);
        // Padding would only add [PAD] positions; the encoder embeds one text at a time.
        object.putNull("padding");
        return MAPPER.writeValueAsBytes(object);
    }
}
