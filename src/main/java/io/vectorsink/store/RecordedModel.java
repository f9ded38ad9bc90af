package io.vectorsink.store;

import io.vectorsink.embedding.EmbeddingModel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The embedding model an index says it holds vectors of, as vectorsink records it in the index (collection
 * metadata, an index mapping's {@code _meta}, a description, index tags), and the encodings of that record
 * the stores share. Two records are of the same model when their fingerprints (SHA-256 of {@link
 * EmbeddingModel#canonical()}) are equal.
 *
 * @param description the model in plain words for messages, e.g. {@code openai text-embedding-3-small (1536
 *     dims)}
 * @param canonical the model's canonical text, or null where the store holds only its fingerprint (Pinecone's
 *     tags are too short for it)
 * @param fingerprint SHA-256 (hex) of the canonical text
 */
public record RecordedModel(String description, String canonical, String fingerprint) {
    /** Key of the canonical text ({@code provider=...;model=...;dimensions=...;...}), the one compared. */
    public static final String CANONICAL_KEY = "vectorsink_embedding_model";

    /** Keys written next to it for people and tools reading the index; never compared. */
    public static final String PROVIDER_KEY = "vectorsink_embedding_provider";

    public static final String NAME_KEY = "vectorsink_embedding_name";
    public static final String DIMENSIONS_KEY = "vectorsink_embedding_dimensions";

    /** Where only a text can hold the record (a description): this prefix, then the canonical text. */
    public static final String TEXT_PREFIX = "Written by vectorsink. Embedding model: ";

    /** Pinecone tag keys: the fingerprint, and the description fitted to the characters tags allow. */
    public static final String FINGERPRINT_TAG = "vectorsink_model_sha256";

    public static final String DESCRIPTION_TAG = "vectorsink_model";

    /** Pinecone's limit on a tag value. */
    private static final int MAX_TAG_VALUE = 120;

    public RecordedModel {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    /** What vectorsink records for {@code model}. */
    public static RecordedModel of(EmbeddingModel model) {
        return new RecordedModel(model.describe(), model.canonical(), fingerprint(model.canonical()));
    }

    /** The record behind a canonical text read from an index; the description is parsed back from it. */
    public static RecordedModel fromCanonical(String canonical) {
        return new RecordedModel(describe(canonical), canonical, fingerprint(canonical));
    }

    /** Whether this record names {@code model}. */
    public boolean names(EmbeddingModel model) {
        return fingerprint.equals(fingerprint(model.canonical()));
    }

    /**
     * The record as flat metadata fields (Chroma's collection metadata, Qdrant's collection metadata, an
     * OpenSearch mapping's {@code _meta}): the canonical text, and provider, name and dimensions for readers.
     */
    public static Map<String, Object> fields(EmbeddingModel model) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(CANONICAL_KEY, model.canonical());
        fields.put(PROVIDER_KEY, model.provider());
        fields.put(NAME_KEY, model.name());
        fields.put(DIMENSIONS_KEY, model.dimensions());
        return fields;
    }

    /** The record in flat fields written by {@link #fields}; empty when there is none. */
    public static Optional<RecordedModel> fromFields(Map<String, ?> fields) {
        Object canonical = fields == null ? null : fields.get(CANONICAL_KEY);
        return canonical instanceof String text && !text.isBlank()
                ? Optional.of(fromCanonical(text))
                : Optional.empty();
    }

    /** The record as a description text (Milvus's collection description, Weaviate's class description). */
    public static String text(EmbeddingModel model) {
        return TEXT_PREFIX + model.canonical();
    }

    /** The record in a description written by {@link #text}; empty for any other description. */
    public static Optional<RecordedModel> fromText(String description) {
        if (description == null || !description.startsWith(TEXT_PREFIX)) {
            return Optional.empty();
        }
        return Optional.of(fromCanonical(description.substring(TEXT_PREFIX.length())));
    }

    /**
     * The record as Pinecone index tags: values of at most 120 characters among letters, digits and {@code
     * ;@_-.+ }, too few for the canonical text, so the fingerprint is compared and a fitted description shown.
     */
    public static Map<String, String> tags(EmbeddingModel model) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(FINGERPRINT_TAG, fingerprint(model.canonical()));
        String shown = model.provider() + " " + model.name() + " " + model.dimensions() + " dims";
        shown = shown.replaceAll("[^A-Za-z0-9;@_.+ -]", "_");
        tags.put(DESCRIPTION_TAG, shown.length() > MAX_TAG_VALUE ? shown.substring(0, MAX_TAG_VALUE) : shown);
        return tags;
    }

    /** The record in tags written by {@link #tags}; empty when there is none. */
    public static Optional<RecordedModel> fromTags(Map<String, String> tags) {
        String fingerprint = tags.get(FINGERPRINT_TAG);
        if (fingerprint == null || fingerprint.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(
                new RecordedModel(tags.getOrDefault(DESCRIPTION_TAG, "an unnamed model"), null, fingerprint));
    }

    /** SHA-256 (hex) of a canonical text. */
    static String fingerprint(String canonical) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * {@link EmbeddingModel#describe()} of a canonical text ({@code provider=p;model=m;dimensions=d;...}, with
     * {@code \;} {@code \=} {@code \\} escapes); the text itself when it is not one.
     */
    static String describe(String canonical) {
        Map<String, String> parts = new TreeMap<>();
        for (String part : split(canonical, ';', false)) {
            List<String> pair = split(part, '=', true);
            if (pair.size() != 2) {
                return canonical;
            }
            parts.put(pair.get(0), pair.get(1));
        }
        String provider = parts.get("provider");
        String name = parts.get("model");
        String dimensions = parts.get("dimensions");
        if (provider == null || name == null || dimensions == null || !dimensions.matches("[0-9]{1,9}")) {
            return canonical;
        }
        return EmbeddingModel.of(provider, name, Integer.parseInt(dimensions)).describe();
    }

    /** {@code text} split at unescaped {@code separator}; each part unescaped when {@code unescape}. */
    private static List<String> split(String text, char separator, boolean unescape) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean escaped = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (escaped) {
                part.append(c);
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
                if (!unescape) {
                    part.append(c);
                }
            } else if (c == separator) {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }
}
