package io.vectorsink.config;

import io.vectorsink.error.ConfigException;
import java.util.List;
import java.util.Objects;

/**
 * How records become text and metadata, and how text becomes chunks.
 *
 * @param chunkSize maximum chunk length in tokens of the embedding model's tokenizer
 * @param chunkOverlap tokens shared by consecutive chunks; always less than {@code chunkSize}
 * @param textFields dot paths ({@code *} matches any key or array element) whose values are embedded;
 *     empty means every field
 * @param metadataFields dot paths stored as metadata next to each chunk; empty means every top-level field
 * @param fieldNameMappings renames applied to the record before fields are selected
 * @param textSplitter where chunk boundaries may fall
 * @param metadataTypes how metadata values are typed in the store
 */
public record ProcessingConfig(
        int chunkSize,
        int chunkOverlap,
        List<String> textFields,
        List<String> metadataFields,
        List<FieldMapping> fieldNameMappings,
        TextSplitterConfig textSplitter,
        MetadataTypes metadataTypes) {
    /** How metadata values are typed in the store ({@code processing.metadata_types}). */
    public enum MetadataTypes {
        /** Strings, numbers, booleans and (where the store filters them by element) lists of strings as such. */
        NATIVE,
        /**
         * Booleans as the strings {@code "true"} and {@code "false"} and every list as its JSON text, for readers
         * that take only strings and numbers (LangChain4j's {@code Metadata} refuses booleans and lists).
         */
        STRINGS_AND_NUMBERS;

        /** The config name: {@code native} or {@code strings_and_numbers}. */
        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The value of a config name. */
        public static MetadataTypes of(String configName) {
            return valueOf(configName.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** Settings with metadata in the store's native types. */
    public ProcessingConfig(
            int chunkSize,
            int chunkOverlap,
            List<String> textFields,
            List<String> metadataFields,
            List<FieldMapping> fieldNameMappings,
            TextSplitterConfig textSplitter) {
        this(
                chunkSize,
                chunkOverlap,
                textFields,
                metadataFields,
                fieldNameMappings,
                textSplitter,
                MetadataTypes.NATIVE);
    }

    public ProcessingConfig {
        if (chunkSize < 1) {
            throw new ConfigException("chunk_size must be at least 1");
        }
        if (chunkOverlap < 0 || chunkOverlap >= chunkSize) {
            throw new ConfigException("chunk_overlap must be at least 0 and less than chunk_size");
        }
        Objects.requireNonNull(textSplitter, "textSplitter");
        Objects.requireNonNull(metadataTypes, "metadataTypes");
        textFields = List.copyOf(textFields);
        metadataFields = List.copyOf(metadataFields);
        fieldNameMappings = List.copyOf(fieldNameMappings);
    }

    /** Renames a record field from {@code fromField} to {@code toField} (both top-level names or dot paths). */
    public record FieldMapping(String fromField, String toField) {
        public FieldMapping {
            if (fromField == null || fromField.isEmpty() || toField == null || toField.isEmpty()) {
                throw new ConfigException("field name mappings need a non-empty from_field and to_field");
            }
        }
    }
}
