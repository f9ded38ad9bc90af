package io.vectorsink.error;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The secret values of the running configuration, and the one place that scrubs them from text. The
 * output writer passes every log line and error through {@link #redact}, so a secret that slips into
 * an exception message (a URL with a key, an echoed header) still never reaches stdout.
 */
public final class Secrets {
    private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();

    private Secrets() {}

    /** Registers a secret value; blank or very short values are ignored (they would mask ordinary text). */
    public static void register(String value) {
        if (value != null && value.strip().length() >= 4) {
            VALUES.add(value);
        }
    }

    /** {@code text} with every registered secret replaced by {@code ****}. */
    public static String redact(String text) {
        if (text == null || VALUES.isEmpty()) {
            return text;
        }
        String result = text;
        for (String secret : VALUES) {
            result = result.replace(secret, "****");
        }
        return result;
    }

    /** For tests: forget every registered value. */
    public static void clear() {
        VALUES.clear();
    }
}
