package io.vectorsink.embedding;

import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What makes a vector what it is: the provider, the model, the vector length and every parameter that
 * changes the vectors a text gets (Cohere's input type, a requested output dimension, the digest of a
 * local model's files). Two embedders with equal models give the same vector for the same text; an index
 * keeps vectors of one model only, and a stored vector may be reused only for an equal model.
 *
 * @param provider the provider's config name, e.g. {@code openai}, {@code cohere}, {@code local}
 * @param name the model's name as the provider knows it (an Azure deployment, a record field for
 *     {@code from_field})
 * @param dimensions the vector length
 * @param parameters the other settings that change vectors, sorted by name; never secrets or URLs
 */
public record EmbeddingModel(String provider, String name, int dimensions, SortedMap<String, String> parameters) {
    public EmbeddingModel {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(name, "name");
        parameters = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(parameters));
    }

    /** A model without further parameters. */
    public static EmbeddingModel of(String provider, String name, int dimensions) {
        return new EmbeddingModel(provider, name, dimensions, new TreeMap<>());
    }

    /** This model with one more parameter. */
    public EmbeddingModel with(String parameter, String value) {
        SortedMap<String, String> more = new TreeMap<>(parameters);
        more.put(Objects.requireNonNull(parameter, "parameter"), Objects.requireNonNull(value, "value"));
        return new EmbeddingModel(provider, name, dimensions, more);
    }

    /**
     * One line that names everything above in a fixed order, so that equal models give equal text (the
     * basis of the embedding fingerprint and of the model recorded in an index):
     * {@code provider=openai;model=text-embedding-3-small;dimensions=1536;k=v;...}, parameters sorted.
     * Values are written as they are; a {@code ;} or {@code =} inside one is escaped with a backslash.
     */
    public String canonical() {
        StringBuilder text = new StringBuilder();
        text.append("provider=").append(escape(provider));
        text.append(";model=").append(escape(name));
        text.append(";dimensions=").append(dimensions);
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            text.append(';').append(escape(parameter.getKey())).append('=').append(escape(parameter.getValue()));
        }
        return text.toString();
    }

    /** For messages: {@code openai text-embedding-3-small (1536 dims)}. */
    public String describe() {
        return provider + " " + name + " (" + dimensions + " dims)";
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace(";", "\\;").replace("=", "\\=");
    }
}
