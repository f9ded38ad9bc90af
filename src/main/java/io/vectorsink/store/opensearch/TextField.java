package io.vectorsink.store.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import io.vectorsink.error.ConfigException;
import io.vectorsink.store.ChunkFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The document field that holds the chunk text: {@code indexing.text_field}, else {@code text}, the name
 * LangChain (Python and JS) and LangChain4j read on both engines. An existing index laid out for another
 * reader (LlamaIndex keeps its text in {@code content}) is recognised from its mapping and refused until the
 * option names its field, so vectorsink never writes chunks a reader of that index would find without text.
 */
final class TextField {
    /** The text field of an index vectorsink creates, and of any index when {@code text_field} is not set. */
    static final String DEFAULT = ChunkFields.TEXT;

    /** Mapping types that hold a string as it was sent (searchable as words or as a whole). */
    private static final Set<String> HOLDS_TEXT = Set.of("text", "match_only_text", "keyword", "wildcard");

    /** Mapping types a reader's text field is mapped with; others (ids, names) are not taken for one. */
    private static final Set<String> FULL_TEXT = Set.of("text", "match_only_text");

    private TextField() {}

    /**
     * The text field to write into an index whose top-level mapping is {@code properties}.
     *
     * @param configured {@code indexing.text_field}, or null
     * @throws ConfigException when the field is mapped with a type that holds no text, or when nothing is
     *     configured and the index holds no {@code text} field but other full-text fields (another reader's
     *     layout)
     */
    static String resolve(String configured, JsonNode properties, String vectorField, String label) {
        String name = configured == null ? DEFAULT : configured;
        JsonNode mapped = properties.path(name);
        if (!mapped.isMissingNode()) {
            String type = mapped.path("type").asText(mapped.has("properties") ? "object" : "");
            if (!HOLDS_TEXT.contains(type)) {
                throw new ConfigException(label + " maps '" + name + "' as " + type + ", which cannot hold the chunk"
                        + " text; set indexing.text_field to the field that holds it, or use another index name");
            }
            return name;
        }
        List<String> others = new ArrayList<>();
        properties.properties().forEach(field -> {
            if (!field.getKey().equals(vectorField)
                    && FULL_TEXT.contains(field.getValue().path("type").asText())) {
                others.add(field.getKey());
            }
        });
        if (configured != null && !others.isEmpty()) {
            // Its chunks keep their text elsewhere: a new field would hold the text of changed records only, while
            // unchanged ones (skipped, never written again) keep theirs in the old field.
            throw new ConfigException(label + " keeps its text in " + String.join(", ", others) + ", not in '" + name
                    + "': set indexing.text_field to " + others.get(0) + ", or use another index name");
        }
        if (configured != null) {
            return name;
        }
        if (!others.isEmpty()) {
            throw new ConfigException(label + " has no '" + DEFAULT + "' field but keeps text in "
                    + String.join(", ", others) + " (LlamaIndex writes its chunks' text to content): set"
                    + " indexing.text_field to the field its readers take the chunk text from (or to " + DEFAULT
                    + " to add vectorsink's own), or use another index name");
        }
        return name;
    }
}
