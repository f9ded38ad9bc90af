package io.vectorsink.config;

import io.vectorsink.error.ConfigException;
import java.util.regex.Pattern;

/** The rule for a configured text key (Qdrant's payload, Pinecone's metadata): a plain name, not a connector field. */
final class TextFields {
    /** A letter or {@code _}, then letters, digits, {@code _} and {@code -}: no dots, which Qdrant reads as a path. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,127}");

    private TextFields() {}

    /** Refuses {@code textField} unless it is null (not set) or a plain name outside the connector's {@code _ab_}. */
    static void require(String textField) {
        if (textField != null && (!NAME.matcher(textField).matches() || textField.startsWith("_ab_"))) {
            throw new ConfigException("text_field must start with a letter or _ and hold only letters, digits, _ and -"
                    + " (at most 128), and not start with _ab_ (the connector's fields), got '" + textField + "'");
        }
    }
}
