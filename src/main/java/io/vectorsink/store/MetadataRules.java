package io.vectorsink.store;

import java.util.List;
import java.util.Set;

/**
 * What a store can hold as metadata, so the record mapper can fit values in and record every change on
 * the row instead of letting the store reject or silently drop them.
 *
 * @param maxStringBytes longest string value in UTF-8 bytes; longer values are truncated (recorded)
 * @param maxMetadataBytes all metadata of one chunk, in UTF-8 bytes of its JSON; beyond it the largest
 *     user values are truncated (recorded)
 * @param maxKeys the most metadata keys one chunk may have, the connector's own included; a record with
 *     more is a config_error naming the limit (the store would refuse the write, and every retry with it)
 * @param reservedNames keys the store uses itself; a user field of that name is not stored (recorded)
 * @param reservedPrefixes key prefixes the store keeps for itself (Chroma hides {@code chroma:} keys from
 *     every read); a user field whose name starts with one is not stored (recorded)
 * @param stringLists whether the store holds a list of strings as a value its filters match by element
 *     (then a JSON array of strings is written as a {@code List<String>}); otherwise, and for every other
 *     array, the array's JSON text is written
 * @param maxKeyPathSegments 0 when a key is a name like any other; otherwise the store reads each dot in a
 *     key as a step into an object (OpenSearch and Elasticsearch index {@code a.b} as the field {@code b} of
 *     an object {@code a}) and takes at most this many steps: a key with an empty or blank step ({@code ""},
 *     {@code .a}, {@code a..b}, {@code a.}) or with more steps is refused by the store, and a key that is
 *     the start of another key's path ({@code a} beside {@code a.b}) cannot be both a value and an object
 */
public record MetadataRules(
        int maxStringBytes,
        int maxMetadataBytes,
        int maxKeys,
        Set<String> reservedNames,
        List<String> reservedPrefixes,
        boolean stringLists,
        int maxKeyPathSegments) {
    public MetadataRules {
        reservedNames = Set.copyOf(reservedNames);
        reservedPrefixes = List.copyOf(reservedPrefixes);
    }

    /** Rules of a store whose keys are plain names. */
    public MetadataRules(
            int maxStringBytes,
            int maxMetadataBytes,
            int maxKeys,
            Set<String> reservedNames,
            List<String> reservedPrefixes,
            boolean stringLists) {
        this(maxStringBytes, maxMetadataBytes, maxKeys, reservedNames, reservedPrefixes, stringLists, 0);
    }

    /** Rules of a store that holds no lists: every array is written as its JSON text. */
    public MetadataRules(
            int maxStringBytes,
            int maxMetadataBytes,
            int maxKeys,
            Set<String> reservedNames,
            List<String> reservedPrefixes) {
        this(maxStringBytes, maxMetadataBytes, maxKeys, reservedNames, reservedPrefixes, false);
    }

    /** These rules for a store that holds lists of strings natively. */
    public MetadataRules withStringLists() {
        return new MetadataRules(
                maxStringBytes, maxMetadataBytes, maxKeys, reservedNames, reservedPrefixes, true, maxKeyPathSegments);
    }

    /** These rules for a store that reads a key's dots as steps into objects, at most {@code maxSegments}. */
    public MetadataRules withKeyPaths(int maxSegments) {
        return new MetadataRules(
                maxStringBytes, maxMetadataBytes, maxKeys, reservedNames, reservedPrefixes, stringLists, maxSegments);
    }

    /** Whether keys are paths of dot-separated steps ({@link #maxKeyPathSegments}). */
    public boolean keysArePaths() {
        return maxKeyPathSegments > 0;
    }

    /**
     * Whether the store can take {@code key} as a field name at all: always, unless keys are paths, then
     * only a path of at most {@link #maxKeyPathSegments} steps, none of them empty or blank.
     */
    public boolean takesKey(String key) {
        if (!keysArePaths()) {
            return true;
        }
        String[] steps = key.split("\\.", -1);
        if (steps.length > maxKeyPathSegments) {
            return false;
        }
        for (String step : steps) {
            if (step.isBlank()) {
                return false;
            }
        }
        return true;
    }

    /** Size limits only: any number of keys, no reserved names. */
    public MetadataRules(int maxStringBytes, int maxMetadataBytes) {
        this(maxStringBytes, maxMetadataBytes, Integer.MAX_VALUE, Set.of(), List.of());
    }

    /** No limit beyond what fits in memory. */
    public static MetadataRules unlimited() {
        return new MetadataRules(Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** Whether the store keeps {@code key} for itself. */
    public boolean reserves(String key) {
        if (reservedNames.contains(key)) {
            return true;
        }
        for (String prefix : reservedPrefixes) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** These rules with {@code names} as the only reserved names (a store's own keys, such as its text key). */
    public MetadataRules reserving(Set<String> names) {
        return new MetadataRules(
                maxStringBytes, maxMetadataBytes, maxKeys, names, reservedPrefixes, stringLists, maxKeyPathSegments);
    }

    /** These rules with {@code name} free again (the chunk text key when no chunk text is stored). */
    public MetadataRules freeing(String name) {
        Set<String> names = new java.util.HashSet<>(reservedNames);
        names.remove(name);
        return new MetadataRules(
                maxStringBytes, maxMetadataBytes, maxKeys, names, reservedPrefixes, stringLists, maxKeyPathSegments);
    }
}
