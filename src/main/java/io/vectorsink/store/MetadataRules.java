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
 */
public record MetadataRules(
        int maxStringBytes,
        int maxMetadataBytes,
        int maxKeys,
        Set<String> reservedNames,
        List<String> reservedPrefixes,
        boolean stringLists) {
    public MetadataRules {
        reservedNames = Set.copyOf(reservedNames);
        reservedPrefixes = List.copyOf(reservedPrefixes);
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
        return new MetadataRules(maxStringBytes, maxMetadataBytes, maxKeys, reservedNames, reservedPrefixes, true);
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
        return new MetadataRules(maxStringBytes, maxMetadataBytes, maxKeys, names, reservedPrefixes, stringLists);
    }

    /** These rules with {@code name} free again (the chunk text key when no chunk text is stored). */
    public MetadataRules freeing(String name) {
        Set<String> names = new java.util.HashSet<>(reservedNames);
        names.remove(name);
        return new MetadataRules(maxStringBytes, maxMetadataBytes, maxKeys, names, reservedPrefixes, stringLists);
    }
}
