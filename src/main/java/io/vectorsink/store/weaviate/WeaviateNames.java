package io.vectorsink.store.weaviate;

import io.vectorsink.config.IndexingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.StreamId;
import io.vectorsink.store.ChunkFields;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Weaviate's names for streams and metadata keys.
 *
 * <p>Class names must match {@code ^[A-Z][_0-9A-Za-z]*$} (Weaviate's schema reference, "class"); with one
 * class per stream a stream's class is the prefix, then the namespace and {@code _} when there is one, then
 * the name, each character outside {@code _0-9A-Za-z} replaced by {@code _} and the first letter made
 * uppercase. The mapping is not one-to-one ({@code a-b} and {@code a_b} meet), so the store refuses two
 * streams that meet in one class instead of mixing them.
 *
 * <p>Property names must match {@code [_A-Za-z][_0-9A-Za-z]{0,230}}, and Weaviate lowercases their first
 * letter; {@code id}, {@code _id} and {@code _additional} are Weaviate's own, and {@code text} holds the
 * chunk text here. A metadata key that is already a valid, lowercase-first, unreserved name is kept as is.
 * Any other key gets a name that is stable across records and cannot meet another key's: the key with
 * each invalid character replaced by {@code _}, its first letter lowercased, {@code _} in front of a
 * leading digit, cut to 200 characters, then {@code _} and the first 8 hex digits of the SHA-256 of the
 * key ({@code author.name} becomes {@code author_name_} + 8 hex digits).
 */
final class WeaviateNames {
    /** Weaviate's longest property name. */
    static final int MAX_PROPERTY_NAME = 231;

    private static final Pattern KEPT = Pattern.compile("[_a-z][_0-9A-Za-z]{0," + (MAX_PROPERTY_NAME - 1) + "}");
    private static final Pattern INVALID = Pattern.compile("[^_0-9A-Za-z]");
    private static final Set<String> RESERVED = Set.of("id", "_id", "_additional", ChunkFields.TEXT);

    private WeaviateNames() {}

    /**
     * The class that holds {@code stream} in the class-per-stream layout.
     *
     * @throws ConfigException when the stream maps to no valid class name
     */
    static String classFor(IndexingConfig.WeaviateLayout.ClassPerStream layout, StreamId stream) {
        String body = (stream.namespace() == null ? "" : sanitize(stream.namespace()) + "_") + sanitize(stream.name());
        String name = layout.classPrefix() + body;
        if (!name.isEmpty()) {
            name = name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
        }
        if (!IndexingConfig.Weaviate.CLASS_NAME.matcher(name).matches()) {
            throw new ConfigException("Stream " + stream + " maps to the Weaviate class name '" + name + "', which"
                    + " does not start with a letter A-Z as Weaviate requires; set indexing.layout.class_prefix to a"
                    + " prefix that starts with one");
        }
        return name;
    }

    /** The property that holds metadata key {@code key}; see the class comment. */
    static String property(String key) {
        return property(key, ChunkFields.TEXT);
    }

    /**
     * The property that holds metadata key {@code key} in a class whose chunk text is in {@code textProperty}
     * ({@code indexing.text_field}): that name is reserved for the text as {@code text} is.
     */
    static String property(String key, String textProperty) {
        if (KEPT.matcher(key).matches() && !RESERVED.contains(key) && !key.equals(textProperty)) {
            return key;
        }
        return distinct(key);
    }

    /**
     * The name of {@code key}'s own that no other key gets (see the class comment): for a key whose name as is
     * cannot be used, or meets another property of the class that differs from it only in case.
     */
    static String distinct(String key) {
        String name = sanitize(key);
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            name = "_" + name;
        }
        name = name.substring(0, 1).toLowerCase(Locale.ROOT) + name.substring(1);
        if (name.length() > 200) {
            name = name.substring(0, 200);
        }
        return name + "_" + hash(key);
    }

    private static String sanitize(String text) {
        return INVALID.matcher(text).replaceAll("_");
    }

    private static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new SystemException("every JVM has SHA-256", e);
        }
    }
}
