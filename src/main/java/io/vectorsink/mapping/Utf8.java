package io.vectorsink.mapping;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** UTF-8 sizes and cuts that never split a code point. */
public final class Utf8 {
    private Utf8() {}

    /** Length of {@code text} in UTF-8 bytes, without encoding it. */
    public static long length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3; // includes a lone surrogate, which an encoder writes as a 3-byte replacement
            }
        }
        return bytes;
    }

    /** The longest prefix of {@code text} whose UTF-8 form has at most {@code maxBytes} bytes. */
    public static String truncate(String text, long maxBytes) {
        if (length(text) <= maxBytes) {
            return text;
        }
        long bytes = 0;
        int i = 0;
        while (i < text.length()) {
            int codePoint = text.codePointAt(i);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + size > maxBytes) {
                break;
            }
            bytes += size;
            i += Character.charCount(codePoint);
        }
        return text.substring(0, i);
    }

    /**
     * {@code text} with every unpaired UTF-16 surrogate replaced by U+FFFD, as every UTF-8 encoder does.
     * A JSON string may carry one (the escape <code>&#92;ud800</code>), but it is not a character: it cannot be encoded in
     * UTF-8, and stores reject it (Chroma answers HTTP 400 for the whole batch).
     */
    public static String wellFormed(String text) {
        return replaceLoneSurrogates(text, false);
    }

    /**
     * JSON {@code json} with every unpaired surrogate written as its escape <code>&#92;uXXXX</code>. Lossless: an
     * unpaired surrogate can only occur inside a JSON string, where the escape means the same code unit.
     */
    public static String escapeLoneSurrogates(String json) {
        return replaceLoneSurrogates(json, true);
    }

    private static String replaceLoneSurrogates(String text, boolean escape) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isSurrogate(c)) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i); // the common case allocates nothing
            }
            if (escape) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append('\uFFFD');
            }
        }
        return out == null ? text : out.toString();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
