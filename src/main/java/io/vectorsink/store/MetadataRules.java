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
 */
public record MetadataRules(
        int maxStringBytes,
        int maxMetadataBytes,
        int maxKeys,
        Set<String> reservedNames,
        List<String> reservedPrefixes) {
    public MetadataRules {
        reservedNames = Set.copyOf(reservedNames);
        reservedPrefixes = List.copyOf(reservedPrefixes);
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

    /** These rules with {@code name} free again (the chunk text key when no chunk text is stored). */
    public MetadataRules freeing(String name) {
        Set<String> names = new java.util.HashSet<>(reservedNames);
        names.remove(name);
        return new MetadataRules(maxStringBytes, maxMetadataBytes, maxKeys, names, reservedPrefixes);
    }
}
