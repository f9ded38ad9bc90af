package io.vectorsink.store;

/**
 * What a store can hold as metadata, so the record mapper can fit values in and record every change on
 * the row instead of letting the store reject or silently drop them.
 *
 * @param maxStringBytes longest string value in UTF-8 bytes; longer values are truncated (recorded)
 * @param maxMetadataBytes all metadata of one chunk, in UTF-8 bytes of its JSON; beyond it the largest
 *     user values are truncated (recorded)
 */
public record MetadataRules(int maxStringBytes, int maxMetadataBytes) {
    /** No limit beyond what fits in memory. */
    public static MetadataRules unlimited() {
        return new MetadataRules(Integer.MAX_VALUE, Integer.MAX_VALUE);
    }
}
