package io.vectorsink.protocol;

import io.vectorsink.mapping.Utf8;
import java.util.Objects;

/**
 * An Airbyte stream descriptor: a name and an optional namespace. Two streams are the same only if
 * both parts are equal; {@code null} and an absent namespace are the same thing.
 */
public record StreamId(String namespace, String name) {
    public StreamId {
        Objects.requireNonNull(name, "stream name");
        if (namespace != null && namespace.isEmpty()) {
            namespace = null;
        }
    }

    public static StreamId of(String name) {
        return new StreamId(null, name);
    }

    /**
     * The {@code _ab_stream} value Airbyte's own vector destinations write ({@code namespace_name} or
     * {@code name}), so retrieval code written for them keeps working. It is ambiguous on its own
     * ({@code a_b} vs namespace {@code a} + {@code b}); stores filter on it together with
     * {@code _ab_namespace}. An unpaired surrogate (a name may carry the escape <code>&#92;ud800</code>) is
     * U+FFFD here, as in every stored value: stores refuse it, and the filters use this same text.
     */
    public String airbyteName() {
        String stored = Utf8.wellFormed(name);
        return namespace == null ? stored : Utf8.wellFormed(namespace) + "_" + stored;
    }

    /**
     * The namespace for metadata: the empty string when there is none (stores cannot filter on absence),
     * well-formed as {@link #airbyteName()}.
     */
    public String namespaceOrEmpty() {
        return namespace == null ? "" : Utf8.wellFormed(namespace);
    }

    /** A human-readable name for messages: {@code namespace.name} or {@code name}. */
    @Override
    public String toString() {
        return namespace == null ? name : namespace + "." + name;
    }
}
