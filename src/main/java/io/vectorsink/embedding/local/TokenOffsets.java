package io.vectorsink.embedding.local;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.protocol.Json;
import java.io.IOException;

/** Where a Hugging Face tokenizer's tokens start in Java's terms, and whether its tokens stay within words. */
final class TokenOffsets {
    private TokenOffsets() {}

    /**
     * Whether the tokenizer described by {@code tokenizerJson} (a {@code tokenizer.json}) cuts text into words at
     * whitespace before its vocabulary sees it, so that no token spans a space, tab, CR or LF: BERT's
     * pre-tokenizer behind BERT's normaliser (which turns those characters into spaces and joins nothing), as
     * both local models have. Anything else is not assumed to.
     */
    static boolean splitsAtWhitespace(byte[] tokenizerJson) {
        try {
            JsonNode tokenizer = Json.MAPPER.readTree(tokenizerJson);
            JsonNode normalizer = tokenizer.path("normalizer");
            boolean bertNormalizer = normalizer.isNull()
                    || normalizer.isMissingNode()
                    || "BertNormalizer".equals(normalizer.path("type").asText());
            return bertNormalizer
                    && "BertPreTokenizer"
                            .equals(tokenizer.path("pre_tokenizer").path("type").asText());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The UTF-16 offset in {@code text} where each token of {@code encoding} (of {@code text}, without special
     * tokens) starts; null if a token has no offset or the text holds a lone surrogate (which the tokenizer
     * does not see as the one character Java counts).
     */
    static int[] starts(Encoding encoding, String text) {
        CharSpan[] spans = encoding.getCharTokenSpans();
        int[] starts = new int[spans.length];
        boolean surrogates = hasSurrogates(text);
        if (surrogates && !wellFormed(text)) {
            return null;
        }
        int codePoint = 0;
        int index = 0;
        for (int i = 0; i < spans.length; i++) {
            if (spans[i] == null) {
                return null;
            }
            // The tokenizer's offsets count code points; Java's count UTF-16 units.
            int start = spans[i].getStart();
            if (surrogates) {
                if (start < codePoint) {
                    codePoint = 0;
                    index = 0;
                }
                try {
                    index = text.offsetByCodePoints(index, start - codePoint);
                } catch (IndexOutOfBoundsException e) {
                    return null; // an offset past the text: not the text Java holds
                }
                codePoint = start;
                starts[i] = index;
            } else {
                starts[i] = start;
            }
        }
        return starts;
    }

    private static boolean hasSurrogates(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
