package io.vectorsink.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vectorsink.config.ProcessingConfig;
import io.vectorsink.error.ConfigException;
import io.vectorsink.error.SystemException;
import io.vectorsink.protocol.ConfiguredStream;
import io.vectorsink.protocol.InputMessage;
import io.vectorsink.protocol.Json;
import io.vectorsink.store.ChunkFields;
import io.vectorsink.store.MetadataRules;
import io.vectorsink.store.RowChanges;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns a record into text and metadata, following the processing config: field renames first, then
 * text fields rendered as {@code path: value} lines (as Airbyte's vector destinations do, so the model
 * sees the field names), then metadata fields fitted to what the store can hold. Every value that had to
 * be changed to fit is recorded as an {@code _airbyte_meta} change; nothing is dropped silently.
 */
public final class RecordMapper {
    public static final String AIRBYTE_META = RowChanges.AIRBYTE_META;

    /**
     * Metadata names the connector writes itself (docs/architecture.md, invariant 9); a user field of the
     * same name cannot be stored as is. Other {@code _ab_} fields, such as the CDC columns
     * {@code _ab_cdc_updated_at} and {@code _ab_cdc_lsn}, are ordinary data and are kept.
     */
    public static final Set<String> RESERVED =
            Stream.concat(ChunkFields.ALL.stream(), Stream.of(AIRBYTE_META)).collect(Collectors.toUnmodifiableSet());

    /** The keys the pipeline adds to every chunk: the connector's fields and {@code _airbyte_meta}. */
    static final int CONNECTOR_KEYS = RESERVED.size();

    /** The length of {@code {"changes":[]}}: what a change's JSON adds to it is its own length and a comma. */
    private static final long EMPTY_META_BYTES = Utf8.length(airbyteMeta(List.of()));

    private final ProcessingConfig processing;
    private final MetadataRules rules;
    private final List<FieldPath> textPaths;
    private final List<FieldPath> metadataPaths;
    private final List<Rename> renames;

    /** One of {@code field_name_mappings}, its paths parsed once. */
    private record Rename(FieldPath from, FieldPath to) {}

    public RecordMapper(ProcessingConfig processing, MetadataRules rules) {
        this.processing = processing;
        this.rules = rules;
        this.textPaths = processing.textFields().stream().map(FieldPath::of).toList();
        this.metadataPaths =
                processing.metadataFields().stream().map(FieldPath::of).toList();
        this.renames = processing.fieldNameMappings().stream()
                .map(m -> new Rename(FieldPath.of(m.fromField()), FieldPath.of(m.toField())))
                .toList();
    }

    /**
     * The record's {@code _ab_record_id} ({@link RecordIds}), or null for a stream without a primary key.
     * The id is stored as metadata whichever fields {@code metadata_fields} selects, and a key is never
     * cut, so a key whose id is over the store's per-value limit stops the sync with a config_error.
     * Null too for a record without a key value in an append or overwrite stream: the platform puts the
     * source's key in the catalog whatever the mode, and the protocol requires it only for {@code *_dedup}.
     */
    public String recordId(InputMessage.Record record, ConfiguredStream stream) {
        if (stream.primaryKey().isEmpty()) {
            return null;
        }
        if (stream.syncMode() != ConfiguredStream.DestinationSyncMode.APPEND_DEDUP
                && !RecordIds.hasEveryValue(stream.primaryKey(), record.data())) {
            return null;
        }
        String id = RecordIds.of(stream.id(), stream.primaryKey(), record.data(), record.lineNumber());
        if (Utf8.length(id) > rules.maxStringBytes()) {
            List<String> fields = stream.primaryKey().stream()
                    .map(path -> String.join(".", path))
                    .toList();
            throw new ConfigException("The primary key value of field" + (fields.size() == 1 ? " '" : "s '")
                    + String.join("', '", fields) + "' on input line " + record.lineNumber() + " of stream "
                    + stream.id() + " is longer than the " + rules.maxStringBytes()
                    + " bytes the store can hold in metadata (as _ab_record_id); keys are never truncated");
        }
        return id;
    }

    public MappedRecord map(InputMessage.Record record, ConfiguredStream stream) {
        String where = "on input line " + record.lineNumber() + " of stream " + stream.id();
        List<ObjectNode> changes = new ArrayList<>(upstreamChanges(record.meta()));
        JsonNode data = renamed(record.data(), changes, where);
        String text = text(data, record, stream);
        Map<String, Object> metadata = metadata(data, stream, changes, where);
        Set<String> keyFields = new HashSet<>(keyFieldsAfterRenames(stream));
        keyFields.retainAll(metadata.keySet());
        return new MappedRecord(text, metadata, changes, keyFields);
    }

    /** The record with {@code field_name_mappings} applied in order; a path may reach into nested objects. */
    private JsonNode renamed(ObjectNode data, List<ObjectNode> changes, String where) {
        if (renames.isEmpty()) {
            return data;
        }
        ObjectNode copy = data.deepCopy();
        for (Rename rename : renames) {
            JsonNode value = rename.from().remove(copy);
            if (value != null && replacesAnotherValue(rename.to(), copy, value)) {
                // The record's own value at to_field is replaced: not silently.
                changes.add(RowChanges.nulled(rename.to().toString()));
            }
            if (value != null && !rename.to().put(copy, value)) {
                throw new ConfigException("processing.field_name_mappings cannot rename '" + rename.from() + "' to '"
                        + rename.to() + "' in the record " + where + ": a field on the way to '" + rename.to()
                        + "' holds a value that is not an object; choose another to_field");
            }
        }
        return copy;
    }

    private static boolean replacesAnotherValue(FieldPath to, ObjectNode data, JsonNode value) {
        for (FieldPath.Match existing : to.select(data)) {
            if (!existing.value().isNull() && !existing.value().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private String text(JsonNode data, InputMessage.Record record, ConfiguredStream stream) {
        StringBuilder text = new StringBuilder();
        if (textPaths.isEmpty()) {
            for (Map.Entry<String, JsonNode> field : data.properties()) {
                appendLine(text, field.getKey(), field.getValue());
            }
        } else {
            for (FieldPath path : textPaths) {
                for (FieldPath.Match match : path.select(data)) {
                    appendLine(text, match.path(), match.value());
                }
            }
        }
        if (text.length() == 0) {
            String fields = textPaths.isEmpty() ? "any field" : "any of the text fields " + processing.textFields();
            throw new ConfigException("Record on input line " + record.lineNumber() + " of stream "
                    + stream.id() + " has no value in " + fields
                    + "; set processing.text_fields to fields that every record of this stream has");
        }
        return Utf8.wellFormed(text.toString());
    }

    private static void appendLine(StringBuilder text, String path, JsonNode value) {
        if (value == null || value.isNull()) {
            return;
        }
        if (text.length() > 0) {
            text.append('\n');
        }
        text.append(path).append(": ").append(value.isTextual() ? value.asText() : value.toString());
    }

    private Map<String, Object> metadata(
            JsonNode data, ConfiguredStream stream, List<ObjectNode> changes, String where) {
        Set<String> keyFields = keyFieldsAfterRenames(stream);
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (metadataPaths.isEmpty()) {
            for (Map.Entry<String, JsonNode> field : data.properties()) {
                // Top-level keys are unique (duplicates are refused on input): nothing can collide.
                put(metadata, null, field.getKey(), field.getValue(), keyFields, changes, where);
            }
        } else {
            Map<String, JsonNode> selected = new HashMap<>();
            for (FieldPath path : metadataPaths) {
                for (FieldPath.Match match : path.select(data)) {
                    put(metadata, selected, match.path(), match.value(), keyFields, changes, where);
                }
            }
        }
        if (rules.keysArePaths()) {
            keepPathsApart(metadata, keyFields, changes, where);
        }
        checkKeyCount(metadata, where);
        fitTotal(metadata, keyFields, changes, where);
        return metadata;
    }

    /**
     * Where the store reads a key's dots as steps into objects, a key cannot be a value and the start of
     * another key's path at once ({@code a} and {@code a.b}): the store refuses the whole write. The first in
     * field order stays; a later one is not stored, recorded as NULLED.
     */
    private static void keepPathsApart(
            Map<String, Object> metadata, Set<String> keyFields, List<ObjectNode> changes, String where) {
        Set<String> values = new HashSet<>();
        Set<String> objects = new HashSet<>();
        for (var entries = metadata.keySet().iterator(); entries.hasNext(); ) {
            String key = entries.next();
            boolean clash = objects.contains(key);
            for (int dot = key.indexOf('.'); dot >= 0 && !clash; dot = key.indexOf('.', dot + 1)) {
                clash = values.contains(key.substring(0, dot));
            }
            if (clash) {
                if (keyFields.contains(key)) {
                    throw new ConfigException("The primary key field '" + key + "' " + where + " cannot be stored:"
                            + " the store reads dots in metadata keys as paths, and another field's path runs"
                            + " through or into it; rename one of them with processing.field_name_mappings");
                }
                entries.remove();
                changes.add(RowChanges.nulled(key));
                continue;
            }
            values.add(key);
            for (int dot = key.indexOf('.'); dot >= 0; dot = key.indexOf('.', dot + 1)) {
                objects.add(key.substring(0, dot));
            }
        }
    }

    /**
     * A store that refuses a chunk with too many keys would refuse it on every retry: the record is refused
     * up front, naming the limit. Dropping keys instead would need one change per dropped key, and those
     * would not fit the row either.
     */
    private void checkKeyCount(Map<String, Object> metadata, String where) {
        int total = metadata.size() + CONNECTOR_KEYS;
        if (total > rules.maxKeys()) {
            throw new ConfigException("The record " + where + " has " + metadata.size() + " metadata fields; with the"
                    + " connector's own " + CONNECTOR_KEYS + " that is " + total + " keys, more than the "
                    + rules.maxKeys() + " the store holds per chunk; choose fewer processing.metadata_fields");
        }
    }

    /**
     * Where the primary-key fields are once the renames moved them, in the order they run: a renamed key
     * field, or a key inside a renamed object, is still the key and never truncated under its new name.
     */
    private Set<String> keyFieldsAfterRenames(ConfiguredStream stream) {
        Set<String> keyFields = new HashSet<>();
        for (List<String> path : stream.primaryKey()) {
            keyFields.add(String.join(".", path));
        }
        for (Rename rename : renames) {
            String from = rename.from().toString();
            Set<String> moved = new HashSet<>();
            for (String key : keyFields) {
                boolean inside = key.equals(from) || key.startsWith(from + ".");
                moved.add(inside ? rename.to() + key.substring(from.length()) : key);
            }
            keyFields = moved;
        }
        return keyFields;
    }

    /** @param selected the value selected for each key so far, to tell collisions; null when none can occur */
    private void put(
            Map<String, Object> metadata,
            Map<String, JsonNode> selected,
            String key,
            JsonNode value,
            Set<String> keyFields,
            List<ObjectNode> changes,
            String where) {
        if (value == null || value.isNull()) {
            return; // absent and null mean the same to every store's filters
        }
        if (RESERVED.contains(key) || rules.reserves(key) || !rules.takesKey(key)) {
            if (keyFields.contains(key)) {
                // No change is ever made on a primary key: the user renames it instead.
                throw new ConfigException("The primary key field '" + key + "' " + where + " cannot be stored under"
                        + " that name (the connector's or the store's own, or one the store refuses as a field"
                        + " name); rename it with processing.field_name_mappings");
            }
            // The connector's own name, one the store keeps for itself (stored unreadable, or overwritten), or
            // one it refuses as a field name (the whole write with it)
            changes.add(RowChanges.nulled(key));
            return;
        }
        JsonNode earlier = selected == null ? null : selected.putIfAbsent(key, value);
        if (earlier != null) {
            if (!earlier.equals(value)) {
                // Two selected paths land on one key ("a.b" as a key and "a" -> "b"): the first stays.
                changes.add(RowChanges.nulled(key));
            }
            return;
        }
        Object stored = storeValue(value);
        if (stored instanceof String text && Utf8.length(text) > rules.maxStringBytes()) {
            requireNotKey(key, keyFields, where);
            stored = Utf8.truncate(text, rules.maxStringBytes());
            changes.add(RowChanges.change(key, "TRUNCATED", "DESTINATION_FIELD_SIZE_LIMITATION"));
        } else if (stored instanceof List<?> list && list.stream().anyMatch(this::tooLong)) {
            requireNotKey(key, keyFields, where);
            stored = list.stream()
                    .map(element -> Utf8.truncate((String) element, rules.maxStringBytes()))
                    .toList();
            changes.add(RowChanges.change(key, "TRUNCATED", "DESTINATION_FIELD_SIZE_LIMITATION"));
        }
        metadata.put(key, stored);
    }

    private boolean tooLong(Object element) {
        return Utf8.length((String) element) > rules.maxStringBytes();
    }

    private void requireNotKey(String key, Set<String> keyFields, String where) {
        if (keyFields.contains(key)) {
            throw new ConfigException("The primary key value of field '" + key + "' " + where + " is longer than the "
                    + rules.maxStringBytes() + " bytes the store can hold in metadata");
        }
    }

    /**
     * A metadata value in the form this store holds, following {@code processing.metadata_types}: an array of
     * strings as a {@code List<String>} where the store filters lists by element ({@link
     * MetadataRules#stringLists()}), a boolean as its text for readers that take no booleans, anything else as
     * {@link #scalar}. Other arrays (numbers, mixed, nested) keep their JSON text, which is lossless.
     */
    private Object storeValue(JsonNode value) {
        boolean typed = processing.metadataTypes() == ProcessingConfig.MetadataTypes.NATIVE;
        if (value.isBoolean() && !typed) {
            return String.valueOf(value.booleanValue());
        }
        if (value.isArray() && typed && rules.stringLists() && allText(value)) {
            List<String> strings = new ArrayList<>(value.size());
            value.forEach(element -> strings.add(Utf8.wellFormed(element.asText())));
            return List.copyOf(strings);
        }
        return scalar(value);
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode element : array) {
            if (!element.isTextual()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The store-ready form of a JSON value. Lossless encodings are not recorded as changes: a nested value
     * becomes its JSON text, and a number outside the range of long or double keeps its exact digits as
     * text; the original value can be read back from either. So does a decimal with more digits than a
     * double holds ({@code 0.1000000000000000000000001}), which a double would round silently. A string's
     * unpaired UTF-16 surrogates become U+FFFD (see {@link Utf8#wellFormed}); in JSON text they stay exact.
     */
    static Object scalar(JsonNode value) {
        if (value.isTextual()) {
            return Utf8.wellFormed(value.asText());
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToLong() ? (Object) value.longValue() : value.asText();
        }
        if (value.isNumber()) {
            BigDecimal decimal = value.decimalValue();
            double d = decimal.doubleValue();
            boolean exact = Double.isFinite(d) && new BigDecimal(Double.toString(d)).compareTo(decimal) == 0;
            return exact ? (Object) d : value.asText(); // the literal as the source wrote it
        }
        return Utf8.escapeLoneSurrogates(value.toString());
    }

    /** A string value that may be cut to make the metadata fit; the largest go first, ties in field order. */
    private record Cuttable(String key, long bytes, int order) implements Comparable<Cuttable> {
        @Override
        public int compareTo(Cuttable other) {
            return bytes != other.bytes ? Long.compare(other.bytes, bytes) : Integer.compare(order, other.order);
        }
    }

    /**
     * Truncates the largest string values until the whole metadata, {@code _airbyte_meta} with the changes
     * that record the cuts included, fits the store's per-chunk limit. Linear in the number of fields: one
     * running total, and the candidates in a heap built once (a record may have 100,000 fields).
     */
    private void fitTotal(Map<String, Object> metadata, Set<String> keyFields, List<ObjectNode> changes, String where) {
        // Leaves room for the connector's own _ab_ fields; _airbyte_meta is counted as it grows.
        long budget = (long) rules.maxMetadataBytes() - 2048;
        long total = size(metadata) + metaSize(changes);
        if (total <= budget) {
            return;
        }
        List<Cuttable> candidates = new ArrayList<>();
        for (var entry : metadata.entrySet()) {
            boolean cuttable = entry.getValue() instanceof String || entry.getValue() instanceof List<?>;
            if (cuttable && !keyFields.contains(entry.getKey())) {
                candidates.add(new Cuttable(entry.getKey(), valueBytes(entry.getValue()), candidates.size()));
            }
        }
        PriorityQueue<Cuttable> largestFirst = new PriorityQueue<>(candidates);
        while (total > budget) {
            Cuttable next = largestFirst.poll();
            ObjectNode change = next == null
                    ? null
                    : RowChanges.change(next.key(), "TRUNCATED", "DESTINATION_RECORD_SIZE_LIMITATION");
            long recorded = change == null ? 0 : changeSize(change, changes.isEmpty());
            if (next == null || next.bytes() <= recorded) {
                // Every value left is smaller than the change that would record its cut: nothing more can help.
                throw new ConfigException("The metadata of the record " + where + " does not fit the store's limit of "
                        + rules.maxMetadataBytes() + " bytes even with every text value emptied;"
                        + " choose fewer processing.metadata_fields");
            }
            long keep = Math.max(0, next.bytes() - (total + recorded - budget));
            // A list that must be cut is cut as its JSON text: what is left of it can no longer be a list.
            String cut = Utf8.truncate(asText(metadata.get(next.key())), keep);
            metadata.put(next.key(), cut);
            changes.add(change);
            total += Utf8.length(cut) - next.bytes() + recorded;
        }
    }

    private static long size(Map<String, Object> metadata) {
        long bytes = 2;
        for (var entry : metadata.entrySet()) {
            bytes += entry(entry.getKey(), entry.getValue());
        }
        return bytes;
    }

    private static long entry(String key, Object value) {
        return Utf8.length(key) + 6 + valueBytes(value);
    }

    /** A value's size in the metadata's JSON: a string's bytes, a list's JSON text, 24 for a number or boolean. */
    private static long valueBytes(Object value) {
        if (value instanceof String s) {
            return Utf8.length(s);
        }
        if (value instanceof List<?> list) {
            long bytes = 2;
            for (Object element : list) {
                bytes += Utf8.length((String) element) + 3;
            }
            return bytes;
        }
        return 24;
    }

    /** A string value, or a list's JSON text. */
    private static String asText(Object value) {
        if (value instanceof String s) {
            return s;
        }
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new SystemException("Cannot encode a list value", e);
        }
    }

    /** What {@code _airbyte_meta} adds to a chunk's metadata for these changes (nothing when there are none). */
    private static long metaSize(List<ObjectNode> changes) {
        return changes.isEmpty() ? 0 : entry(AIRBYTE_META, airbyteMeta(changes));
    }

    /** What one more change adds: its JSON and a comma, or the whole {@code _airbyte_meta} entry if it is the first. */
    private static long changeSize(ObjectNode change, boolean first) {
        return first ? metaSize(List.of(change)) : Utf8.length(airbyteMeta(List.of(change))) - EMPTY_META_BYTES + 1;
    }

    private static List<ObjectNode> upstreamChanges(JsonNode meta) {
        List<ObjectNode> changes = new ArrayList<>();
        if (meta != null && meta.path("changes").isArray()) {
            for (JsonNode change : meta.get("changes")) {
                if (change.isObject()) {
                    changes.add((ObjectNode) change);
                }
            }
        }
        return changes;
    }

    /** The {@code _airbyte_meta} value for a list of changes: {@code {"changes":[...]}} as JSON text. */
    public static String airbyteMeta(List<ObjectNode> changes) {
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        meta.putArray("changes").addAll(changes);
        try {
            return Utf8.escapeLoneSurrogates(Json.MAPPER.writeValueAsString(meta));
        } catch (JsonProcessingException e) {
            throw new SystemException("Cannot encode _airbyte_meta", e);
        }
    }
}
