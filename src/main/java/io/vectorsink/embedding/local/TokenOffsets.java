package io.vectorsink.embedding.local;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
        // Streamed, and only up to the two settings: they come before the vocabulary, which is most of the file.
        String normalizer = null;
        String preTokenizer = null;
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(tokenizerJson)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME && (normalizer == null || preTokenizer == null)) {
                String field = parser.currentName();
                parser.nextToken();
                if (field.equals("normalizer") || field.equals("pre_tokenizer")) {
                    String type = typeOf(parser);
                    if (field.equals("normalizer")) {
                        normalizer = type;
                    } else {
                        preTokenizer = type;
                    }
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            return false;
        }
        boolean bertNormalizer = normalizer == null || normalizer.isEmpty() || normalizer.equals("BertNormalizer");
        return bertNormalizer && "BertPreTokenizer".equals(preTokenizer);
    }

    /** The {@code type} of the object the parser is at ("" for null, "?" without one); leaves it at its end. */
    private static String typeOf(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return parser.currentToken() == JsonToken.VALUE_NULL ? "" : "?";
        }
        String type = "?";
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            if (name.equals("type") && parser.currentToken() == JsonToken.VALUE_STRING) {
                type = parser.getText();
            } else {
                parser.skipChildren();
            }
        }
        return type;
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
