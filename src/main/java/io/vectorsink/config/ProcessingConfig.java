package io.vectorsink.config;

import java.util.List;

/**
 * How records become text and metadata, and how text becomes chunks.
 *
 * @param chunkSize maximum chunk length in tokens of the embedding model's tokenizer
 * @param chunkOverlap tokens shared by consecutive chunks; always less than {@code chunkSize}
 * @param textFields dot paths ({@code *} matches any key or array element) whose values are embedded;
 *     empty means every field
 * @param metadataFields dot paths stored as metadata next to each chunk; empty means every top-level field
 * @param fieldNameMappings renames applied to the record before fields are selected
 */
public record ProcessingConfig(
        int chunkSize,
        int chunkOverlap,
        List<String> textFields,
        List<String> metadataFields,
        List<FieldMapping> fieldNameMappings,
        TextSplitterConfig textSplitter) {
    public ProcessingConfig {
        textFields = List.copyOf(textFields);
        metadataFields = List.copyOf(metadataFields);
        fieldNameMappings = List.copyOf(fieldNameMappings);
    }

    /** Renames a record field from {@code fromField} to {@code toField} (both top-level names or dot paths). */
    public record FieldMapping(String fromField, String toField) {}
}
